package dev.nuload.archive;

import dev.nuload.BadDataException;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;

/**
 * Walks the entries of a tar stream: checks each name and the archive's limits, skips what the
 * journal or the include patterns say to skip, creates folders, and passes each file to the writer
 * threads or writes it on the calling thread.
 */
final class TarWalk {
  private final ExtractOptions options;
  private final List<PathMatcher> includes;
  private final TargetWriter target;
  private final EntryWriterPool writerPool;

  TarWalk(
      ExtractOptions options,
      List<PathMatcher> includes,
      TargetWriter target,
      EntryWriterPool writerPool) {
    this.options = options;
    this.includes = includes;
    this.target = target;
    this.writerPool = writerPool;
  }

  /** Walks {@code tar} to its end; files are handed to writer threads unless {@code inline}. */
  void parse(ExtractRun run, TarReader tar, boolean inline)
      throws IOException, InterruptedException {
    parse(run, tar, inline, null);
  }

  /**
   * Walks {@code tar} to its end; with {@code frame}, the tar's bytes are in that buffer and files
   * are written straight from it.
   */
  void parse(ExtractRun run, TarReader tar, boolean inline, BufferInput frame)
      throws IOException, InterruptedException {
    String current = null;
    try {
      TarHeader h;
      while ((h = tar.next()) != null) {
        current = h.name();
        run.lastEntry = current;
        if (run.error.get() != null) {
          return;
        }
        entry(run, h, tar, inline, frame);
      }
    } catch (CorruptArchiveException e) {
      throw e.withEntry(current);
    } catch (TarReader.TarFormatException e) {
      throw new CorruptArchiveException(run.name, run.sourcePosition(), current, e.getMessage(), e);
    } catch (EOFException e) {
      throw new CorruptArchiveException(
          run.name, run.sourcePosition(), current, "truncated archive: " + e.getMessage(), e);
    }
  }

  private void entry(ExtractRun run, TarHeader h, TarReader tar, boolean inline, BufferInput frame)
      throws IOException, InterruptedException {
    ExtractLimits limits = options.limits();
    if (run.entries.incrementAndGet() > limits.maxEntries()) {
      throw new UnsafeEntryException(
          run.name, h.name(), "archive has more than " + limits.maxEntries() + " entries (limit)");
    }
    String name;
    try {
      if (h.isDirectory()) {
        name = reserved(run, h, EntryNames.clean(run.name, h.name(), limits, true));
        if (!name.isEmpty() && included(name)) {
          target.ensureDir(run.name, h.name(), name);
        }
        return;
      }
      if (!h.isFile()) {
        throw new UnsafeEntryException(
            run.name,
            h.name(),
            h.typeName() + " entries are not extracted (only files and folders)");
      }
      name = reserved(run, h, EntryNames.clean(run.name, h.name(), limits, false));
      if (h.size() > limits.maxEntryBytes()) {
        throw new UnsafeEntryException(
            run.name,
            h.name(),
            "file of "
                + h.size()
                + " bytes exceeds the entry size limit "
                + limits.maxEntryBytes());
      }
    } catch (UnsafeEntryException e) {
      run.refused(e);
      return;
    }
    if (!included(name)) {
      return;
    }
    long total = run.uncompressed.addAndGet(h.size());
    if (total > limits.maxTotalBytes()) {
      throw new BadDataException(
          run.name
              + ": more than "
              + limits.maxTotalBytes()
              + " bytes of files (limit) at entry '"
              + UnsafeEntryException.printable(h.name())
              + "'");
    }
    long compressed = Math.max(1, run.progress.compressedRead.get());
    if (total >= limits.ratioFloorBytes() && (double) total / compressed > limits.maxRatio()) {
      throw new BadDataException(
          String.format(
              "%s: expansion ratio %.0f:1 (%d bytes of files from %d compressed bytes) exceeds the"
                  + " limit %.0f:1 at entry '%s' (raise it with --max-ratio)",
              run.name,
              (double) total / compressed,
              total,
              compressed,
              limits.maxRatio(),
              UnsafeEntryException.printable(h.name())));
    }
    Long journaled = run.journal.done().get(name);
    if (journaled != null && journaled == h.size() && run.presentWithSize(name, h.size())) {
      run.filesSkipped.incrementAndGet();
      return;
    }
    if (!inline && h.size() <= EntryWriterPool.HAND_OFF_MAX) {
      writerPool.handOff(run, h, name, tar);
    } else if (frame != null) {
      // The reader skips the data after.
      target.writeFile(run, h, name, new ByteBuffer[] {frame.slice(h.size())}, null);
    } else {
      target.writeFile(run, h, name, null, tar);
    }
  }

  /** Refuses names inside nuload's own state folder ({@code .nuload/}: journals, temporaries). */
  private static String reserved(ExtractRun run, TarHeader h, String name) {
    if (name.equals(Extractor.STATE_DIR) || name.startsWith(Extractor.STATE_DIR + "/")) {
      throw new UnsafeEntryException(
          run.name,
          h.name(),
          "names under '" + Extractor.STATE_DIR + "/' are reserved for nuload's journals");
    }
    return name;
  }

  /** Tells whether an entry is selected by the include patterns (or a folder above it is). */
  boolean included(String name) {
    if (includes.isEmpty()) {
      return true;
    }
    String n = name;
    while (true) {
      Path p = Path.of(n);
      for (PathMatcher m : includes) {
        if (m.matches(p)) {
          return true;
        }
      }
      int slash = n.lastIndexOf('/');
      if (slash < 0) {
        return false;
      }
      n = n.substring(0, slash);
    }
  }
}
