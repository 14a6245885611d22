package dev.nuload.archive;

/**
 * Limits that stop a hostile or broken archive from exhausting the machine. Defaults are generous
 * for nuScenes (about 1.2 million files, 400 GB in all, files of a few MiB).
 *
 * @param maxEntries most entries per archive.
 * @param maxEntryBytes largest single file.
 * @param maxTotalBytes most uncompressed bytes per archive.
 * @param maxRatio largest expansion ratio (uncompressed / compressed bytes so far), checked once
 *     {@code ratioFloorBytes} have been produced.
 * @param ratioFloorBytes uncompressed bytes below which the ratio is not checked.
 * @param maxPathBytes longest entry name in UTF-8 bytes.
 * @param maxComponentBytes longest name component in UTF-8 bytes.
 * @param maxDepth most name components.
 * @param zstdWindowLogMax largest zstd window (log2 bytes) accepted.
 * @param minFreeBytes free space to keep in the target file store.
 */
public record ExtractLimits(
    long maxEntries,
    long maxEntryBytes,
    long maxTotalBytes,
    double maxRatio,
    long ratioFloorBytes,
    int maxPathBytes,
    int maxComponentBytes,
    int maxDepth,
    int zstdWindowLogMax,
    long minFreeBytes) {

  /** The defaults: 10 M entries, 8 GiB per entry, 4 TiB per archive, ratio 200, ... */
  public static final ExtractLimits DEFAULTS =
      new ExtractLimits(
          10_000_000L, 8L << 30, 4L << 40, 200.0, 64L << 20, 4096, 255, 32, 27, 1L << 30);

  /** Checks the values. */
  public ExtractLimits {
    if (maxEntries < 1 || maxEntryBytes < 0 || maxTotalBytes < 0 || maxRatio <= 1) {
      throw new IllegalArgumentException("limits must be positive (ratio > 1)");
    }
    if (zstdWindowLogMax < 10 || zstdWindowLogMax > 31) {
      throw new IllegalArgumentException("zstd window log max must be 10..31");
    }
  }

  /**
   * Returns a copy with another expansion ratio.
   *
   * @param ratio the new limit.
   * @return the copy.
   */
  public ExtractLimits withMaxRatio(double ratio) {
    return new ExtractLimits(
        maxEntries,
        maxEntryBytes,
        maxTotalBytes,
        ratio,
        ratioFloorBytes,
        maxPathBytes,
        maxComponentBytes,
        maxDepth,
        zstdWindowLogMax,
        minFreeBytes);
  }

  /**
   * Returns a copy with another total-bytes limit.
   *
   * @param bytes the new limit.
   * @return the copy.
   */
  public ExtractLimits withMaxTotalBytes(long bytes) {
    return new ExtractLimits(
        maxEntries,
        maxEntryBytes,
        bytes,
        maxRatio,
        ratioFloorBytes,
        maxPathBytes,
        maxComponentBytes,
        maxDepth,
        zstdWindowLogMax,
        minFreeBytes);
  }

  /**
   * Returns a copy with another zstd window limit.
   *
   * @param windowLog log2 of the largest window.
   * @return the copy.
   */
  public ExtractLimits withZstdWindowLogMax(int windowLog) {
    return new ExtractLimits(
        maxEntries,
        maxEntryBytes,
        maxTotalBytes,
        maxRatio,
        ratioFloorBytes,
        maxPathBytes,
        maxComponentBytes,
        maxDepth,
        windowLog,
        minFreeBytes);
  }

  /**
   * Returns a copy with another free-space floor.
   *
   * @param bytes bytes to keep free.
   * @return the copy.
   */
  public ExtractLimits withMinFreeBytes(long bytes) {
    return new ExtractLimits(
        maxEntries,
        maxEntryBytes,
        maxTotalBytes,
        maxRatio,
        ratioFloorBytes,
        maxPathBytes,
        maxComponentBytes,
        maxDepth,
        zstdWindowLogMax,
        bytes);
  }
}
