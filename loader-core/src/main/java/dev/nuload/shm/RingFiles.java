package dev.nuload.shm;

import dev.nuload.ResourceException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Preflight checks and allocation of ring files: space first, then every page, then map. */
public final class RingFiles {
  private RingFiles() {}

  /**
   * Checks that the file system holding {@code path} has room for {@code bytes}.
   *
   * @param path the ring file to be created.
   * @param bytes the file length.
   * @throws ResourceException naming the bytes needed and available.
   */
  public static void checkSpace(Path path, long bytes) {
    Path dir = path.toAbsolutePath().getParent();
    long available;
    try {
      available = Files.getFileStore(dir).getUsableSpace();
    } catch (IOException e) {
      throw new ResourceException("cannot read free space of " + dir + ": " + e.getMessage(), e);
    }
    if (available < bytes) {
      throw new ResourceException(
          String.format(
              Locale.ROOT,
              "ring %s needs %d bytes (%s) but %s has only %d bytes (%s) available; free space"
                  + " there, use fewer slots, a smaller batch, or another --ring directory",
              path,
              bytes,
              human(bytes),
              dir,
              available,
              human(available)));
    }
  }

  /**
   * Allocates every page of {@code bytes} of a new file, so a later write or read through a mapping
   * never raises SIGBUS on a full tmpfs.
   *
   * @param file the new file, locked and open for writing.
   * @param path its name.
   * @param bytes the file length.
   * @throws ResourceException when the file system runs out of space while allocating.
   * @throws IOException when the file cannot be allocated.
   */
  static void allocate(RingLock file, Path path, long bytes) throws IOException {
    int rc = Libc.posixFallocate(file.fd(), 0, bytes);
    if (rc == Libc.ENOSPC) {
      throw new ResourceException(
          "ring "
              + path
              + " needs "
              + bytes
              + " bytes ("
              + human(bytes)
              + "); the file system"
              + " ran out of space while allocating it");
    }
    if (rc != 0) {
      // EOPNOTSUPP and friends: fall back to touching every page.
      writeZeros(path, bytes);
    }
  }

  private static void writeZeros(Path path, long bytes) throws IOException {
    try (FileChannel ch = FileChannel.open(path, java.nio.file.StandardOpenOption.WRITE)) {
      ByteBuffer zeros = ByteBuffer.allocateDirect(1 << 20);
      long at = 0;
      while (at < bytes) {
        zeros.clear().limit((int) Math.min(zeros.capacity(), bytes - at));
        at += ch.write(zeros, at);
      }
    } catch (IOException e) {
      if (String.valueOf(e.getMessage()).contains("No space")) {
        throw new ResourceException(
            "ring " + path + " needs " + bytes + " bytes; the file system ran out of space", e);
      }
      throw e;
    }
  }

  static String human(long bytes) {
    if (bytes >= 1L << 30) {
      return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
    }
    if (bytes >= 1L << 20) {
      return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
    }
    return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
  }
}
