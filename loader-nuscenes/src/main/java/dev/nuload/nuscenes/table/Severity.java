package dev.nuload.nuscenes.table;

/** How bad a {@link Problem} is. */
public enum Severity {
  /** The data would break the info converters or is structurally broken. */
  ERROR,
  /** Unusual but harmless for the info records (for example a documented real-data quirk). */
  WARN
}
