package dev.nuload.nuscenes.synth;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What a synthetic run produced.
 *
 * @param tableRecords record count per table file name (for example {@code sample.json}), in table
 *     order.
 * @param filesWritten files written under the dataset root (tables, maps, sensor files).
 * @param bytesWritten bytes of those files.
 * @param elapsed wall time of the whole run, archives included.
 * @param root the dataset root.
 * @param tablesDir the table folder, for example {@code root/v1.0-mini}.
 * @param archives archives written (empty without {@code --archive}).
 */
public record SynthReport(
    Map<String, Long> tableRecords,
    long filesWritten,
    long bytesWritten,
    Duration elapsed,
    Path root,
    Path tablesDir,
    List<Path> archives) {
  /**
   * Returns the record count of a table.
   *
   * @param table file name without {@code .json}, for example {@code sample_data}.
   * @return the count, 0 when unknown.
   */
  public long records(String table) {
    return tableRecords.getOrDefault(table + ".json", 0L);
  }

  /**
   * Returns the write throughput.
   *
   * @return megabytes (10^6 bytes) per second of wall time.
   */
  public double megabytesPerSecond() {
    double s = Math.max(1e-9, elapsed.toNanos() / 1e9);
    return bytesWritten / 1e6 / s;
  }
}
