package dev.nuload.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * GNU time ({@code /usr/bin/time}) around a child command: the peak resident set and the CPU
 * seconds of the whole command, as the kernel counts them.
 */
public final class GnuTime {
  private static final Path BINARY = Path.of("/usr/bin/time");

  private GnuTime() {}

  /**
   * What GNU time reported for one command.
   *
   * @param peakRssMib peak resident set of the command's largest process (GNU time's {@code %M}).
   * @param cpuSeconds user + system seconds of the command and its children.
   */
  public record Report(double peakRssMib, double cpuSeconds) {}

  /**
   * Returns the command run under GNU time writing its report to {@code report}, or the command
   * unchanged where GNU time is not installed.
   *
   * @param command the command.
   * @param report file GNU time writes (deleted first).
   * @return the command to start.
   * @throws IOException if the old report cannot be deleted.
   */
  public static List<String> wrap(List<String> command, Path report) throws IOException {
    Files.deleteIfExists(report);
    if (!Files.isExecutable(BINARY)) {
      return command;
    }
    List<String> cmd = new ArrayList<>(List.of(BINARY.toString(), "-f", "%M %U %S", "-o"));
    cmd.add(report.toString());
    cmd.addAll(command);
    return cmd;
  }

  /**
   * Reads the report of a command started through {@link #wrap}.
   *
   * @param report the file.
   * @return the figures, or null when GNU time wrote none.
   * @throws IOException if the file cannot be read or holds no report.
   */
  public static Report read(Path report) throws IOException {
    if (!Files.exists(report)) {
      return null;
    }
    String[] lines = Files.readString(report).strip().split("\n");
    String[] f = lines[lines.length - 1].strip().split(" ");
    try {
      return new Report(
          Long.parseLong(f[0]) / 1024.0, Double.parseDouble(f[1]) + Double.parseDouble(f[2]));
    } catch (RuntimeException e) {
      throw new IOException("no GNU time report in " + report + ": " + String.join(" ", lines), e);
    }
  }
}
