package dev.nuload.nuscenes.cli;

import java.io.Console;

/** Whether the CLI talks to a person at a terminal (progress bars and redrawn status lines). */
final class Terminal {
  private Terminal() {}

  /**
   * Tells whether this process is attached to an interactive terminal. Since JDK 22 {@link
   * System#console()} can return a console for redirected streams too, so {@link
   * Console#isTerminal()} decides.
   *
   * @return true at a terminal, false when output is piped or redirected.
   */
  static boolean isInteractive() {
    Console c = System.console();
    return c != null && c.isTerminal();
  }
}
