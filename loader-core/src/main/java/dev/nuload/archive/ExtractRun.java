package dev.nuload.archive;

import dev.nuload.NuloadException;
import dev.nuload.ResourceException;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The state of one archive being extracted: its journal, counters, temporary-file names, the first
 * error of its writer tasks and the count of those still running.
 */
final class ExtractRun {
  /** This process's id, in the names of its temporary files. */
  static final long PID = ProcessHandle.current().pid();

  final Path archive;
  final String name;
  final ExtractJournal journal;
  final ArchiveProgress progress;
  final Extractor.Listener listener;
  final AtomicLong entries = new AtomicLong();
  final AtomicLong uncompressed = new AtomicLong();
  final AtomicLong filesSkipped = new AtomicLong();
  final AtomicLong refused = new AtomicLong();
  final AtomicLong tmpSeq = new AtomicLong();
  final Set<String> cleanedDirs = ConcurrentHashMap.newKeySet();
  final String tempPrefix;
  final AtomicLong pending = new AtomicLong();
  final AtomicLong sinceSpaceCheck = new AtomicLong(Long.MAX_VALUE / 2);
  final AtomicReference<Throwable> error = new AtomicReference<>();
  volatile String lastEntry;
  volatile String method = "-";
  SourceReader source;
  private final Path root;
  private final ExtractOptions options;

  ExtractRun(
      Path archive,
      String name,
      ExtractJournal journal,
      ArchiveProgress progress,
      Extractor.Listener listener,
      Path root,
      ExtractOptions options) {
    this.archive = archive;
    this.name = name;
    this.journal = journal;
    // Temporary files sit next to their final name (a rename within one folder), named
    // .nuload-tmp-<archive tag>-<pid>-<n> so a rerun can tell its own from a killed run's.
    this.tempPrefix = ".nuload-tmp-" + String.format("%08x", name.hashCode()) + "-";
    this.progress = progress;
    this.listener = listener;
    this.root = root;
    this.options = options;
  }

  long sourcePosition() {
    return source == null ? -1 : source.position();
  }

  boolean allDonePresent() throws IOException {
    for (var e : journal.done().entrySet()) {
      if (!presentWithSize(e.getKey(), e.getValue())) {
        return false;
      }
    }
    return true;
  }

  boolean isDirectory(String rel) {
    return Files.isDirectory(root.resolve(rel), LinkOption.NOFOLLOW_LINKS);
  }

  boolean presentWithSize(String rel, long size) {
    try {
      BasicFileAttributes a = TargetWriter.lstat(root.resolve(rel));
      return a != null && a.isRegularFile() && a.size() == size;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Deletes this archive's temporary files left in a folder by an earlier, killed process (same
   * archive tag, another process id).
   */
  void removeStaleTemps(Path dir) throws IOException {
    String mine = tempPrefix + PID + "-";
    try (var s = Files.newDirectoryStream(dir, tempPrefix + "*")) {
      for (Path p : s) {
        if (!p.getFileName().toString().startsWith(mine)
            && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  void refused(UnsafeEntryException e) {
    if (options.onBadEntry() == BadEntryPolicy.SKIP) {
      refused.incrementAndGet();
      listener.warning("skipped: " + e.getMessage());
      return;
    }
    throw e;
  }

  void fail(Throwable t) {
    error.compareAndSet(null, t);
  }

  void rethrow() throws IOException {
    Throwable t = error.get();
    if (t == null) {
      return;
    }
    if (t instanceof RuntimeException re) {
      throw re;
    }
    if (t instanceof IOException io) {
      throw io;
    }
    if (t instanceof Error err) {
      throw err;
    }
    throw new IOException(t);
  }

  void taskDone() {
    if (pending.decrementAndGet() == 0) {
      synchronized (this) {
        notifyAll();
      }
    }
  }

  synchronized void awaitWriters() {
    while (pending.get() > 0) {
      try {
        wait(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  void checkSpace(long size) throws IOException {
    long since = sinceSpaceCheck.addAndGet(size);
    if (since < (64L << 20) && size < (64L << 20)) {
      return;
    }
    sinceSpaceCheck.set(0);
    FileStore store = Files.getFileStore(root);
    long usable = store.getUsableSpace();
    long need = size + options.limits().minFreeBytes();
    if (usable < need) {
      throw new ResourceException(
          name
              + ": not enough space in "
              + root
              + ": "
              + usable
              + " bytes usable, need "
              + need
              + " (file of "
              + size
              + " bytes plus the "
              + options.limits().minFreeBytes()
              + "-byte floor, --min-free)");
    }
  }

  ArchiveResult result(ArchiveResult.Status status, String how, long t0, NuloadException e) {
    return new ArchiveResult(
        archive,
        status,
        how,
        progress.filesWritten(),
        filesSkipped.get(),
        refused.get(),
        progress.bytesWritten(),
        progress.compressedRead(),
        (System.nanoTime() - t0) / 1e9,
        e);
  }
}
