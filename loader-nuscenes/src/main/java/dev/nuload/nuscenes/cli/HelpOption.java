package dev.nuload.nuscenes.cli;

import picocli.CommandLine.Option;

/**
 * {@code -h/--help} for commands that cannot take picocli's standard help mixin because they own a
 * {@code --version} option (the dataset version); the tool version is {@code nuload --version}.
 */
public final class HelpOption {
  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help message and exit.")
  boolean help;

  /** Creates the mixin (picocli fills the field). */
  public HelpOption() {}
}
