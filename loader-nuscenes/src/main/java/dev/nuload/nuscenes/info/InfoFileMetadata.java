package dev.nuload.nuscenes.info;

import dev.nuload.BadDataException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The schema metadata of an info file (keys in {@link InfoSchema}).
 *
 * @param nuscVersion the nuScenes version, e.g. {@code v1.0-trainval}; the pkl's {@code
 *     metadata.version}. A version containing {@code test} has no annotation columns (spec 2.10).
 * @param split the split, e.g. {@code train}, {@code val}, {@code mini_train}, {@code test}.
 * @param sourceFingerprint fingerprint of the tables the file was built from (empty if unknown).
 * @param options the builder options as a JSON object, e.g. {@code {"max_sweeps":10}}.
 * @param createdBy tool and version, e.g. {@code nuload 0.1.0}.
 */
public record InfoFileMetadata(
    String nuscVersion, String split, String sourceFingerprint, String options, String createdBy) {

  /** Validates that no component is null. */
  public InfoFileMetadata {
    Objects.requireNonNull(nuscVersion, "nuscVersion");
    Objects.requireNonNull(split, "split");
    Objects.requireNonNull(sourceFingerprint, "sourceFingerprint");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(createdBy, "createdBy");
  }

  /**
   * Returns whether files of this version carry the annotation columns.
   *
   * @return false when the version contains {@code test}, as the converters decide.
   */
  public boolean annotated() {
    return !nuscVersion.contains("test");
  }

  /**
   * Returns the schema metadata, format version first.
   *
   * @return an ordered map of the six keys.
   */
  public Map<String, String> toMap() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(InfoSchema.KEY_FORMAT_VERSION, InfoSchema.FORMAT_VERSION);
    m.put(InfoSchema.KEY_NUSC_VERSION, nuscVersion);
    m.put(InfoSchema.KEY_SPLIT, split);
    m.put(InfoSchema.KEY_SOURCE_FINGERPRINT, sourceFingerprint);
    m.put(InfoSchema.KEY_OPTIONS, options);
    m.put(InfoSchema.KEY_CREATED_BY, createdBy);
    return m;
  }

  /**
   * Reads the metadata of a file, checking the format version.
   *
   * @param m the schema metadata.
   * @param file the file, for error messages.
   * @return the metadata.
   * @throws BadDataException naming the file and key when a key is missing or the format version
   *     differs from {@link InfoSchema#FORMAT_VERSION}.
   */
  public static InfoFileMetadata fromMap(Map<String, String> m, Path file) {
    String fv = get(m, InfoSchema.KEY_FORMAT_VERSION, file);
    if (!majorOf(fv).equals(majorOf(InfoSchema.FORMAT_VERSION))) {
      throw new BadDataException(
          file
              + ": info file format version "
              + fv
              + " is not supported (app="
              + InfoSchema.FORMAT_VERSION
              + " file="
              + fv
              + "); rebuild it with this nuload");
    }
    return new InfoFileMetadata(
        get(m, InfoSchema.KEY_NUSC_VERSION, file),
        get(m, InfoSchema.KEY_SPLIT, file),
        get(m, InfoSchema.KEY_SOURCE_FINGERPRINT, file),
        get(m, InfoSchema.KEY_OPTIONS, file),
        get(m, InfoSchema.KEY_CREATED_BY, file));
  }

  private static String majorOf(String v) {
    int dot = v.indexOf('.');
    return dot < 0 ? v : v.substring(0, dot);
  }

  private static String get(Map<String, String> m, String key, Path file) {
    String v = m == null ? null : m.get(key);
    if (v == null) {
      throw new BadDataException(
          file + ": schema metadata key '" + key + "' is missing (not a nuload info file?)");
    }
    return v;
  }
}
