package dev.nuload.nuscenes.infos;

import dev.nuload.nuscenes.info.InfoRecord;
import java.nio.file.Path;

/**
 * How {@link InfosJob} writes one split's info records to a file; the Arrow IPC format is the
 * production one, tests may plug in something simpler.
 */
public interface InfoFileFormat {
  /**
   * Returns the schema version written into the files, recorded in the manifest options: a new
   * version means a rebuild.
   *
   * @return for example {@code 1.0}.
   */
  String schemaVersion();

  /**
   * Returns the file name of a split's info file.
   *
   * @param split the split.
   * @return for example {@code nuscenes_infos_train.arrow}.
   */
  default String fileName(String split) {
    return "nuscenes_infos_" + split + ".arrow";
  }

  /**
   * Starts a file.
   *
   * @param target the file to write (its folder exists).
   * @param meta what goes into the file's metadata.
   * @return the sink; {@link Sink#commit()} makes the file appear at {@code target}.
   */
  Sink create(Path target, FileMeta meta);

  /**
   * File-level metadata of an info file.
   *
   * @param version the nuScenes version string.
   * @param split the split.
   * @param sourceFingerprint {@link SourceFingerprint#value()}.
   * @param optionsJson the build options as a JSON object.
   * @param createdBy tool and version.
   */
  record FileMeta(
      String version,
      String split,
      String sourceFingerprint,
      String optionsJson,
      String createdBy) {}

  /** Receives the records of one file, in row order. */
  interface Sink extends AutoCloseable {
    /**
     * Appends a record.
     *
     * @param record the next row.
     */
    void write(InfoRecord record);

    /** Finishes the file and moves it to its target name. */
    void commit();

    /** Releases resources; without {@link #commit()} no file is left at the target. */
    @Override
    void close();
  }
}
