package dev.nuload.archive;

import dev.nuload.NuloadException;
import dev.nuload.ResourceException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Extracts tar archives (gzip, zstd or plain; detected by magic bytes) into a dataset root, safely,
 * in parallel and resumably.
 *
 * <pre>
 *  one archive, streaming:
 *   [read + inflate thread] --1 MiB chunks--> [tar parse (caller)] --entries--> [N writer threads]
 *  multi-member gzip (BGZF) / multi-frame zstd:
 *   [read thread] --members/frames--> [N decode threads] --in order--> [tar parse] --> [writers]
 *  repacked .tar.zst with an index:
 *   [N threads, each: read frame -> decompress -> parse -> write its entries]
 * </pre>
 *
 * Several archives run at once ({@link ExtractOptions#archivesAtOnce()}) and share the threads.
 *
 * <p>Safety: names are checked by {@link EntryNames}; only regular files and folders are extracted;
 * every existing path component is inspected without following links and a link is refused, never
 * followed or removed; files get mode 0644 (0755 when the owner could execute), folders 0755, so
 * setuid, setgid and sticky bits are dropped; {@link ExtractLimits} bound entries, sizes, expansion
 * ratio, zstd window and free space.
 *
 * <p>Crash safety: every file is written under a temporary name in its own folder ({@code
 * .nuload-tmp-<archive tag>-<pid>-<n>}) and renamed onto its final name when complete and checked;
 * the {@link ExtractJournal} then records it. A rerun of an unfinished archive deletes the
 * temporary files a killed process left, in each folder it writes to. A rerun skips recorded files
 * that are still there with their size, and an archive whose journal says COMPLETE is not read
 * again.
 *
 * <p>Not safe against another process changing the target folder while it runs.
 *
 * <p>This class holds the threads and the per-archive flow; the reading, the tar walk and the
 * writing are in package-private classes listed in the {@code dev.nuload.archive} package
 * documentation.
 */
public final class Extractor implements AutoCloseable {
  /** nuload's own folder in the target (journals); entries may not write there. */
  static final String STATE_DIR = ".nuload";

  /** System property: {@code false} keeps single-threaded inflate for every gzip file. */
  public static final String PARALLEL_INFLATE_PROP = "nuload.parallelInflate";

  /**
   * System property: compressed bytes per chunk of parallel inflate (default 8 MiB: each chunk
   * costs a search for its start, a speculative start decoded twice and a search for a block
   * boundary, about 2 ms of CPU together; 8 MiB took 5% less CPU than 4 MiB on the extract bench's
   * archive, in alternating runs outside the bench).
   */
  static final String GZIP_CHUNK_PROP = "nuload.gzipChunkBytes";

  private final ExtractOptions options;
  private final ExecutorService writers;
  private final ExecutorService decoders;
  private final List<PathMatcher> includes = new ArrayList<>();
  private Path root;
  private ArchiveSources sources;

  /** Archives extracted side by side by the current {@link #extractAll} (1 otherwise). */
  private volatile int archivesInFlight = 1;

  /**
   * Creates an extractor and its threads.
   *
   * @param options what to do.
   */
  public Extractor(ExtractOptions options) {
    this.options = options;
    this.writers = Executors.newFixedThreadPool(options.workers(), named("nuload-write"));
    this.decoders = Executors.newFixedThreadPool(options.workers(), named("nuload-decode"));
    for (String g : options.includes()) {
      includes.add(java.nio.file.FileSystems.getDefault().getPathMatcher("glob:" + g));
    }
  }

  /** Receives progress and results; called from extraction threads. */
  public interface Listener {
    /**
     * An archive starts.
     *
     * @param progress its live counters.
     */
    default void started(ArchiveProgress progress) {}

    /**
     * A warning (a skipped entry).
     *
     * @param line the message.
     */
    default void warning(String line) {}

    /**
     * An archive is done.
     *
     * @param result what happened.
     */
    default void finished(ArchiveResult result) {}
  }

  /**
   * Extracts archives, {@link ExtractOptions#archivesAtOnce()} at a time. An archive that fails
   * does not stop the others.
   *
   * @param archives the archives.
   * @param listener progress receiver.
   * @return one result per archive, in the given order.
   * @throws IOException when the target cannot be created.
   */
  public List<ArchiveResult> extractAll(List<Path> archives, Listener listener) throws IOException {
    prepareRoot();
    archivesInFlight = Math.min(options.archivesAtOnce(), Math.max(1, archives.size()));
    ExecutorService pool = Executors.newFixedThreadPool(archivesInFlight, named("nuload-archive"));
    try {
      List<Future<ArchiveResult>> futures = new ArrayList<>();
      for (Path a : archives) {
        futures.add(pool.submit(() -> extract(a, listener)));
      }
      List<ArchiveResult> results = new ArrayList<>();
      for (Future<ArchiveResult> f : futures) {
        try {
          results.add(f.get());
        } catch (ExecutionException e) {
          throw new IllegalStateException("archive task failed", e.getCause());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted", e);
        }
      }
      return results;
    } finally {
      pool.shutdownNow();
      archivesInFlight = 1;
    }
  }

  /**
   * Extracts one archive. Errors that concern the archive (bad data, refused entries, space) are
   * returned as a FAILED result, not thrown.
   *
   * @param archive the archive file.
   * @param listener progress receiver.
   * @return the result.
   * @throws IOException when the target cannot be created.
   */
  public ArchiveResult extract(Path archive, Listener listener) throws IOException {
    prepareRoot();
    long t0 = System.nanoTime();
    String name = archive.getFileName().toString();
    long size;
    long mtime;
    try {
      BasicFileAttributes a = Files.readAttributes(archive, BasicFileAttributes.class);
      size = a.size();
      mtime = a.lastModifiedTime().toMillis();
    } catch (NoSuchFileException e) {
      ArchiveProgress p = new ArchiveProgress(archive, 0);
      p.finish();
      ArchiveResult r =
          new ArchiveResult(
              archive,
              ArchiveResult.Status.FAILED,
              "-",
              0,
              0,
              0,
              0,
              0,
              0,
              new ResourceException(name + ": archive not found: " + archive));
      listener.finished(r);
      return r;
    }
    ArchiveProgress progress = new ArchiveProgress(archive, size);
    listener.started(progress);
    Path state = root.resolve(STATE_DIR).resolve("extract");
    ExtractRun run = null;
    ArchiveResult result;
    try (ExtractJournal journal =
        ExtractJournal.open(state.resolve(name + ".journal"), size, mtime)) {
      run = new ExtractRun(archive, name, journal, progress, listener, root, options);
      String scope = String.join("\n", options.includes());
      if (journal.completeScope() != null
          && (journal.completeScope().isEmpty() || journal.completeScope().equals(scope))
          && run.allDonePresent()) {
        result = run.result(ArchiveResult.Status.UP_TO_DATE, "journal: complete", t0, null);
      } else {
        run.method = sources.read(run);
        if (options.durable()) {
          syncTarget();
        }
        journal.complete(run.uncompressed.get(), scope, options.durable());
        result = run.result(ArchiveResult.Status.EXTRACTED, run.method, t0, null);
      }
    } catch (NuloadException e) {
      result = failed(run, archive, t0, e);
    } catch (IOException | UncheckedIOException e) {
      IOException io = e instanceof UncheckedIOException u ? u.getCause() : (IOException) e;
      NuloadException ne =
          io.getMessage() != null && io.getMessage().contains("No space left")
              ? new ResourceException(name + ": " + io.getMessage(), io)
              : new NuloadException(dev.nuload.ExitCode.FAILURE, name + ": I/O error: " + io, io);
      result = failed(run, archive, t0, ne);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      result =
          failed(
              run,
              archive,
              t0,
              new NuloadException(dev.nuload.ExitCode.FAILURE, name + ": interrupted"));
    }
    progress.finish();
    listener.finished(result);
    return result;
  }

  /** Forces everything written so far to disk ({@code syncfs} through a sync of the target). */
  private void syncTarget() throws IOException, InterruptedException {
    Process p = new ProcessBuilder("sync", "-f", root.toString()).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    if (p.waitFor() != 0) {
      throw new IOException("sync -f " + root + " failed");
    }
  }

  private ArchiveResult failed(ExtractRun run, Path archive, long t0, NuloadException e) {
    if (run == null) {
      return new ArchiveResult(
          archive,
          ArchiveResult.Status.FAILED,
          "-",
          0,
          0,
          0,
          0,
          0,
          (System.nanoTime() - t0) / 1e9,
          e);
    }
    run.awaitWriters();
    return run.result(ArchiveResult.Status.FAILED, run.method, t0, e);
  }

  /** Creates the target on first use, and the parts of the extraction that write into it. */
  private synchronized void prepareRoot() throws IOException {
    if (root == null) {
      Files.createDirectories(options.target());
      root = options.target().toRealPath();
      TargetWriter target = new TargetWriter(root, options);
      EntryWriterPool writerPool = new EntryWriterPool(writers, target);
      TarWalk walk = new TarWalk(options, includes, target, writerPool);
      sources =
          new ArchiveSources(options, decoders, () -> archivesInFlight, target, writerPool, walk);
    }
  }

  @Override
  public void close() {
    writers.shutdownNow();
    decoders.shutdownNow();
  }

  private static java.util.concurrent.ThreadFactory named(String prefix) {
    return Thread.ofPlatform().name(prefix + "-", 0).daemon().factory();
  }
}
