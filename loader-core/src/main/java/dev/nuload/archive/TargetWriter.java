package dev.nuload.archive;

import dev.nuload.BadDataException;
import dev.nuload.ResourceException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes one file into the target folder safely: its folders created without following links, the
 * bytes written under a temporary name, checked against the manifest, then renamed onto the final
 * name and recorded in the journal. Shared by all archives of one {@link Extractor}.
 */
final class TargetWriter {
  private static final FileAttribute<?> DIR_MODE =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x"));
  private static final FileAttribute<?> FILE_MODE =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--"));
  private static final FileAttribute<?> EXEC_MODE =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x"));

  /** Per-thread copy buffer for entries written as a stream (reused, never shared). */
  private static final ThreadLocal<byte[]> STREAM_BUFFER =
      ThreadLocal.withInitial(() -> new byte[1 << 20]);

  /** Folders known to exist in the target (created or checked). */
  final Set<String> knownDirs = ConcurrentHashMap.newKeySet();

  private final Path root;
  private final ExtractOptions options;

  TargetWriter(Path root, ExtractOptions options) {
    this.root = root;
    this.options = options;
  }

  /**
   * Writes one file entry: from {@code data} when given (the whole file in segments), else its
   * bytes read from {@code stream}. A refused entry goes to {@link ExtractRun#refused}.
   */
  void writeFile(ExtractRun run, TarHeader h, String name, ByteBuffer[] data, TarReader stream)
      throws IOException {
    Path fin;
    try {
      int slash = name.lastIndexOf('/');
      if (slash > 0) {
        ensureDir(run.name, h.name(), name.substring(0, slash));
      }
      fin = root.resolve(name);
      BasicFileAttributes a = lstat(fin);
      if (a != null) {
        if (a.isSymbolicLink()) {
          throw new UnsafeEntryException(
              run.name,
              h.name(),
              "'" + name + "' is a symbolic link in the target (never followed or replaced)");
        }
        if (!a.isRegularFile()) {
          throw new UnsafeEntryException(
              run.name, h.name(), "'" + name + "' exists in the target and is not a regular file");
        }
        if (!options.overwrite()) {
          if (a.size() == h.size()) {
            run.filesSkipped.incrementAndGet();
            run.journal.fileDone(name, h.size());
            return; // same file from an earlier run or another archive
          }
          throw new UnsafeEntryException(
              run.name,
              h.name(),
              "'"
                  + name
                  + "' exists with "
                  + a.size()
                  + " bytes, the archive has "
                  + h.size()
                  + " (use --overwrite to replace)");
        }
      }
    } catch (UnsafeEntryException e) {
      run.refused(e);
      return;
    }
    run.checkSpace(h.size());
    ChecksumManifest.Expected expected = options.manifest().get(name);
    MessageDigest md = expected == null ? null : expected.newDigest();
    int slash = name.lastIndexOf('/');
    String parent = slash > 0 ? name.substring(0, slash) : "";
    if (run.journal.resumed() && run.cleanedDirs.add(parent)) {
      run.removeStaleTemps(fin.getParent());
    }
    Path tmp =
        fin.resolveSibling(run.tempPrefix + ExtractRun.PID + "-" + run.tmpSeq.incrementAndGet());
    boolean moved = false;
    try {
      boolean exec = (h.mode() & 0100) != 0;
      try (FileChannel out =
          FileChannel.open(
              tmp,
              EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
              exec ? EXEC_MODE : FILE_MODE)) {
        if (data != null) {
          if (md != null) {
            for (ByteBuffer segment : data) {
              md.update(segment.duplicate());
            }
          }
          for (long left = h.size(); left > 0; ) {
            left -= out.write(data); // one gathering write (writev) for all segments
          }
        } else {
          byte[] buf = STREAM_BUFFER.get();
          long left = h.size();
          while (left > 0) {
            int n = (int) Math.min(buf.length, left);
            stream.readData(buf, 0, n);
            ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
            while (b.hasRemaining()) {
              out.write(b);
            }
            if (md != null) {
              md.update(buf, 0, n);
            }
            left -= n;
          }
        }
      }
      if (md != null) {
        String got = expected.mismatch(md);
        if (got != null) {
          throw new BadDataException(
              run.name
                  + ": entry '"
                  + name
                  + "': "
                  + expected.algorithm()
                  + " mismatch: manifest says "
                  + expected.hex()
                  + ", archive has "
                  + got
                  + " (not written)");
        }
      }
      // Both times given, so the JDK does not stat the file first.
      FileTime mtime = FileTime.fromMillis(h.mtimeSeconds() * 1000);
      Files.getFileAttributeView(tmp, java.nio.file.attribute.BasicFileAttributeView.class)
          .setTimes(mtime, FileTime.fromMillis(System.currentTimeMillis()), null);
      try {
        Files.move(tmp, fin, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        throw new ResourceException(
            run.name
                + ": cannot rename into "
                + fin.getParent()
                + " from the temporary folder (another file system inside the target?)",
            e);
      }
      moved = true;
      run.journal.fileDone(name, h.size());
      run.progress.filesWritten.incrementAndGet();
      run.progress.bytesWritten.addAndGet(h.size());
    } finally {
      if (!moved) {
        Files.deleteIfExists(tmp);
      }
    }
  }

  /** Creates folder {@code rel} and its parents in the target, refusing links and non-folders. */
  void ensureDir(String archive, String entry, String rel) {
    if (knownDirs.contains(rel)) {
      return;
    }
    int slash = rel.lastIndexOf('/');
    if (slash > 0) {
      ensureDir(archive, entry, rel.substring(0, slash));
    }
    Path p = root.resolve(rel);
    try {
      Files.createDirectory(p, DIR_MODE);
    } catch (FileAlreadyExistsException e) {
      BasicFileAttributes a;
      try {
        a = lstat(p);
      } catch (IOException io) {
        throw new UncheckedIOException(io);
      }
      if (a != null && a.isSymbolicLink()) {
        throw new UnsafeEntryException(
            archive, entry, "'" + rel + "' is a symbolic link in the target (never followed)");
      }
      if (a == null || !a.isDirectory()) {
        throw new UnsafeEntryException(
            archive, entry, "'" + rel + "' exists in the target and is not a folder");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    knownDirs.add(rel);
  }

  /** The attributes of {@code p} itself (links not followed), or null when nothing is there. */
  static BasicFileAttributes lstat(Path p) throws IOException {
    // Null when missing. Without following links the JDK still builds and catches a
    // NoSuchFileException inside (its fast path covers only links followed): about 0.3% of the
    // CPU of a fresh extraction, where every file is missing at first.
    return p.getFileSystem()
        .provider()
        .readAttributesIfExists(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
  }
}
