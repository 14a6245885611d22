package dev.nuload.archive;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@link Extractor} does: where to, how many threads, which entries, how strict.
 *
 * @param target the dataset root the archives are extracted into (created when missing).
 * @param workers writer / frame-decoder threads.
 * @param archivesAtOnce archives extracted at the same time.
 * @param includes glob patterns (as {@code samples/CAM_*}); an entry is extracted when a pattern
 *     matches its name or one of its parent folders; empty means everything.
 * @param onBadEntry what to do with a refused entry.
 * @param limits size, ratio, name and window limits.
 * @param manifest expected checksums of archives and entries.
 * @param overwrite replace existing files of a different size instead of refusing them.
 * @param useIndex use a repacked archive's entry index (frames in parallel, skip unselected ones).
 * @param durable force the data to disk before an archive's journal says COMPLETE (survives a power
 *     loss, costs a full write-back of the extracted data; without it a killed process is still
 *     handled, because the page cache survives the process).
 * @param inflate the gzip inflate engine ({@link InflateEngine#selected()} by default).
 */
public record ExtractOptions(
    Path target,
    int workers,
    int archivesAtOnce,
    List<String> includes,
    BadEntryPolicy onBadEntry,
    ExtractLimits limits,
    ChecksumManifest manifest,
    boolean overwrite,
    boolean useIndex,
    boolean durable,
    InflateEngine inflate) {

  /** Checks the values. */
  public ExtractOptions {
    if (workers < 1 || archivesAtOnce < 1) {
      throw new IllegalArgumentException("workers and archivesAtOnce must be >= 1");
    }
    includes = List.copyOf(includes);
    java.util.Objects.requireNonNull(inflate, "inflate");
  }

  /**
   * Returns the defaults for a target: one worker per core, all archives at once up to the core
   * count, everything, fail on a bad entry, default limits, no manifest.
   *
   * @param target the dataset root.
   * @return the options.
   */
  public static ExtractOptions defaults(Path target) {
    int cores = Runtime.getRuntime().availableProcessors();
    return new ExtractOptions(
        target,
        Math.max(2, cores),
        cores,
        List.of(),
        BadEntryPolicy.FAIL,
        ExtractLimits.DEFAULTS,
        ChecksumManifest.NONE,
        false,
        true,
        false,
        InflateEngine.selected());
  }

  /**
   * Returns a copy with other thread counts.
   *
   * @param workers writer threads.
   * @param archivesAtOnce archives at the same time.
   * @return the copy.
   */
  public ExtractOptions withThreads(int workers, int archivesAtOnce) {
    return new ExtractOptions(
        target,
        workers,
        archivesAtOnce,
        includes,
        onBadEntry,
        limits,
        manifest,
        overwrite,
        useIndex,
        durable,
        inflate);
  }

  /**
   * Returns a copy with other include patterns.
   *
   * @param patterns the globs.
   * @return the copy.
   */
  public ExtractOptions withIncludes(List<String> patterns) {
    return new ExtractOptions(
        target,
        workers,
        archivesAtOnce,
        patterns,
        onBadEntry,
        limits,
        manifest,
        overwrite,
        useIndex,
        durable,
        inflate);
  }

  /**
   * Returns a copy with another bad-entry policy.
   *
   * @param policy the policy.
   * @return the copy.
   */
  public ExtractOptions withPolicy(BadEntryPolicy policy) {
    return new ExtractOptions(
        target,
        workers,
        archivesAtOnce,
        includes,
        policy,
        limits,
        manifest,
        overwrite,
        useIndex,
        durable,
        inflate);
  }

  /**
   * Returns a copy with other limits.
   *
   * @param l the limits.
   * @return the copy.
   */
  public ExtractOptions withLimits(ExtractLimits l) {
    return new ExtractOptions(
        target,
        workers,
        archivesAtOnce,
        includes,
        onBadEntry,
        l,
        manifest,
        overwrite,
        useIndex,
        durable,
        inflate);
  }

  /**
   * Returns a copy with a checksum manifest.
   *
   * @param m the manifest.
   * @return the copy.
   */
  public ExtractOptions withManifest(ChecksumManifest m) {
    return new ExtractOptions(
        target,
        workers,
        archivesAtOnce,
        includes,
        onBadEntry,
        limits,
        m,
        overwrite,
        useIndex,
        durable,
        inflate);
  }

  /**
   * Returns a copy with another overwrite setting.
   *
   * @param o true to replace differing files.
   * @return the copy.
   */
  public ExtractOptions withOverwrite(boolean o) {
    return new ExtractOptions(
        target,
        workers,
        archivesAtOnce,
        includes,
        onBadEntry,
        limits,
        manifest,
        o,
        useIndex,
        durable,
        inflate);
  }

  /**
   * Returns a copy that does or does not use a repacked archive's index.
   *
   * @param u true to use the index.
   * @return the copy.
   */
  public ExtractOptions withUseIndex(boolean u) {
    return new ExtractOptions(
        target,
        workers,
        archivesAtOnce,
        includes,
        onBadEntry,
        limits,
        manifest,
        overwrite,
        u,
        durable,
        inflate);
  }

  /**
   * Returns a copy that does or does not force data to disk before marking an archive complete.
   *
   * @param d true to sync.
   * @return the copy.
   */
  public ExtractOptions withDurable(boolean d) {
    return new ExtractOptions(
        target,
        workers,
        archivesAtOnce,
        includes,
        onBadEntry,
        limits,
        manifest,
        overwrite,
        useIndex,
        d,
        inflate);
  }

  /**
   * Returns a copy that inflates gzip data with another engine.
   *
   * @param e the engine; it must be {@link InflateEngine#available()}.
   * @return the copy.
   */
  public ExtractOptions withInflate(InflateEngine e) {
    return new ExtractOptions(
        target,
        workers,
        archivesAtOnce,
        includes,
        onBadEntry,
        limits,
        manifest,
        overwrite,
        useIndex,
        durable,
        e);
  }
}
