package dev.nuload.archive;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

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
    return copy(
        c -> {
          c.workers = workers;
          c.archivesAtOnce = archivesAtOnce;
        });
  }

  /**
   * Returns a copy with other include patterns.
   *
   * @param patterns the globs.
   * @return the copy.
   */
  public ExtractOptions withIncludes(List<String> patterns) {
    return copy(c -> c.includes = patterns);
  }

  /**
   * Returns a copy with another bad-entry policy.
   *
   * @param policy the policy.
   * @return the copy.
   */
  public ExtractOptions withPolicy(BadEntryPolicy policy) {
    return copy(c -> c.onBadEntry = policy);
  }

  /**
   * Returns a copy with other limits.
   *
   * @param l the limits.
   * @return the copy.
   */
  public ExtractOptions withLimits(ExtractLimits l) {
    return copy(c -> c.limits = l);
  }

  /**
   * Returns a copy with a checksum manifest.
   *
   * @param m the manifest.
   * @return the copy.
   */
  public ExtractOptions withManifest(ChecksumManifest m) {
    return copy(c -> c.manifest = m);
  }

  /**
   * Returns a copy with another overwrite setting.
   *
   * @param o true to replace differing files.
   * @return the copy.
   */
  public ExtractOptions withOverwrite(boolean o) {
    return copy(c -> c.overwrite = o);
  }

  /**
   * Returns a copy that does or does not use a repacked archive's index.
   *
   * @param u true to use the index.
   * @return the copy.
   */
  public ExtractOptions withUseIndex(boolean u) {
    return copy(c -> c.useIndex = u);
  }

  /**
   * Returns a copy that does or does not force data to disk before marking an archive complete.
   *
   * @param d true to sync.
   * @return the copy.
   */
  public ExtractOptions withDurable(boolean d) {
    return copy(c -> c.durable = d);
  }

  /**
   * Returns a copy that inflates gzip data with another engine.
   *
   * @param e the engine; it must be {@link InflateEngine#available()}.
   * @return the copy.
   */
  public ExtractOptions withInflate(InflateEngine e) {
    return copy(c -> c.inflate = e);
  }

  /** The fields of a copy being made, changed by one wither. */
  private static final class Copy {
    Path target;
    int workers;
    int archivesAtOnce;
    List<String> includes;
    BadEntryPolicy onBadEntry;
    ExtractLimits limits;
    ChecksumManifest manifest;
    boolean overwrite;
    boolean useIndex;
    boolean durable;
    InflateEngine inflate;
  }

  private ExtractOptions copy(Consumer<Copy> change) {
    Copy c = new Copy();
    c.target = target;
    c.workers = workers;
    c.archivesAtOnce = archivesAtOnce;
    c.includes = includes;
    c.onBadEntry = onBadEntry;
    c.limits = limits;
    c.manifest = manifest;
    c.overwrite = overwrite;
    c.useIndex = useIndex;
    c.durable = durable;
    c.inflate = inflate;
    change.accept(c);
    return new ExtractOptions(
        c.target,
        c.workers,
        c.archivesAtOnce,
        c.includes,
        c.onBadEntry,
        c.limits,
        c.manifest,
        c.overwrite,
        c.useIndex,
        c.durable,
        c.inflate);
  }
}
