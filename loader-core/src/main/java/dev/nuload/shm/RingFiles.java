package dev.nuload.shm;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.nuload.ResourceException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Preflight checks and allocation of ring files: space first, then every page, then map. */
public final class RingFiles {
  private static final MethodHandle OPEN;
  private static final MethodHandle CLOSE;
  private static final MethodHandle POSIX_FALLOCATE;

  static {
    MethodHandle open = null;
    MethodHandle close = null;
    MethodHandle fallocate = null;
    try {
      Linker linker = Linker.nativeLinker();
      var libc = linker.defaultLookup();
      open =
          linker.downcallHandle(
              libc.find("open").orElseThrow(), FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
      close =
          linker.downcallHandle(
              libc.find("close").orElseThrow(), FunctionDescriptor.of(JAVA_INT, JAVA_INT));
      fallocate =
          linker.downcallHandle(
              libc.find("posix_fallocate").orElseThrow(),
              FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG));
    } catch (RuntimeException | LinkageError e) {
      // No libc through FFM (not Linux, or native access denied): allocation writes zeros instead.
      open = null;
    }
    OPEN = open;
    CLOSE = close;
    POSIX_FALLOCATE = fallocate;
  }

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
   * Creates {@code path} (which must not exist) with every page of {@code bytes} allocated, so a
   * later write or read through a mapping never raises SIGBUS on a full tmpfs.
   *
   * @param path the new file.
   * @param bytes the file length.
   * @throws ResourceException when the file system runs out of space while allocating.
   * @throws IOException when the file cannot be created.
   */
  public static void allocate(Path path, long bytes) throws IOException {
    Files.createFile(path);
    boolean ok = false;
    try {
      if (OPEN != null) {
        fallocateNative(path, bytes);
      } else {
        writeZeros(path, bytes);
      }
      ok = true;
    } finally {
      if (!ok) {
        Files.deleteIfExists(path);
      }
    }
  }

  private static void fallocateNative(Path path, long bytes) throws IOException {
    int fd;
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment cpath = arena.allocateFrom(path.toAbsolutePath().toString());
      fd = (int) OPEN.invokeExact(cpath, 2 /* O_RDWR */);
    } catch (Throwable t) {
      throw new IOException("open(" + path + ") failed: " + t, t);
    }
    if (fd < 0) {
      throw new IOException("open(" + path + ") failed");
    }
    int rc;
    try {
      rc = (int) POSIX_FALLOCATE.invokeExact(fd, 0L, bytes);
    } catch (Throwable t) {
      throw new IOException("posix_fallocate(" + path + ") failed: " + t, t);
    } finally {
      try {
        int ignored = (int) CLOSE.invokeExact(fd);
      } catch (Throwable t) {
        // closing a descriptor we opened cannot be retried; the allocation result stands
      }
    }
    if (rc == 28 /* ENOSPC */) {
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
