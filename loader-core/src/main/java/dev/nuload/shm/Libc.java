package dev.nuload.shm;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The libc calls behind ring files ({@code open}, {@code close}, {@code flock}, {@code
 * posix_fallocate}), through FFM. Constants are Linux's (x86-64 and aarch64 share them).
 */
final class Libc {
  static final int O_RDONLY = 0;
  static final int O_RDWR = 2;
  static final int O_CREAT = 0100;
  static final int O_EXCL = 0200;
  static final int O_CLOEXEC = 02000000;
  static final int LOCK_EX = 2;
  static final int LOCK_NB = 4;
  static final int ENOENT = 2;
  static final int EWOULDBLOCK = 11;
  static final int EEXIST = 17;
  static final int ENOSPC = 28;

  private static final MethodHandle OPEN;
  private static final MethodHandle CLOSE;
  private static final MethodHandle FLOCK;
  private static final MethodHandle POSIX_FALLOCATE;
  private static final StructLayout CALL_STATE;
  private static final VarHandle ERRNO;
  private static final Throwable UNAVAILABLE;

  static {
    MethodHandle open = null;
    MethodHandle close = null;
    MethodHandle flock = null;
    MethodHandle fallocate = null;
    StructLayout state = null;
    VarHandle errno = null;
    Throwable unavailable = null;
    try {
      Linker linker = Linker.nativeLinker();
      var libc = linker.defaultLookup();
      state = Linker.Option.captureStateLayout();
      errno = state.varHandle(MemoryLayout.PathElement.groupElement("errno"));
      Linker.Option captureErrno = Linker.Option.captureCallState("errno");
      open =
          linker.downcallHandle(
              libc.find("open").orElseThrow(),
              FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
              captureErrno,
              Linker.Option.firstVariadicArg(2));
      close =
          linker.downcallHandle(
              libc.find("close").orElseThrow(), FunctionDescriptor.of(JAVA_INT, JAVA_INT));
      flock =
          linker.downcallHandle(
              libc.find("flock").orElseThrow(),
              FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT),
              captureErrno);
      fallocate =
          linker.downcallHandle(
              libc.find("posix_fallocate").orElseThrow(),
              FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG));
    } catch (RuntimeException | LinkageError e) {
      // not Linux, or native access denied: ring files cannot be created or locked
      unavailable = e;
    }
    OPEN = open;
    CLOSE = close;
    FLOCK = flock;
    POSIX_FALLOCATE = fallocate;
    CALL_STATE = state;
    ERRNO = errno;
    UNAVAILABLE = unavailable;
  }

  private Libc() {}

  private static void requireAvailable() throws IOException {
    if (UNAVAILABLE != null) {
      throw new IOException(
          "ring files need open/flock/posix_fallocate from libc through FFM (Linux, run with"
              + " --enable-native-access=ALL-UNNAMED): "
              + UNAVAILABLE,
          UNAVAILABLE);
    }
  }

  /**
   * Opens a file.
   *
   * @param path the file.
   * @param flags {@code O_*} flags.
   * @param mode permission bits for a file {@code O_CREAT} creates (the umask applies).
   * @return the descriptor.
   * @throws NoSuchFileException when the file does not exist.
   * @throws FileAlreadyExistsException when {@code O_EXCL} finds it.
   * @throws IOException on any other failure.
   */
  static int open(Path path, int flags, int mode) throws IOException {
    requireAvailable();
    int fd;
    int errno;
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CALL_STATE);
      MemorySegment cpath = arena.allocateFrom(path.toString());
      fd = (int) OPEN.invokeExact(state, cpath, flags, mode);
      errno = (int) ERRNO.get(state, 0L);
    } catch (Throwable t) {
      throw new IOException("open(" + path + ") failed: " + t, t);
    }
    if (fd >= 0) {
      return fd;
    }
    switch (errno) {
      case ENOENT -> throw new NoSuchFileException(path.toString());
      case EEXIST -> throw new FileAlreadyExistsException(path.toString());
      default -> throw new IOException("open(" + path + ") failed: errno " + errno);
    }
  }

  /**
   * Applies or removes an advisory lock on an open file.
   *
   * @param fd the descriptor.
   * @param operation {@code LOCK_EX | LOCK_NB} and friends.
   * @return 0, or the errno ({@link #EWOULDBLOCK}: held through another open file description).
   * @throws IOException when the call cannot be made.
   */
  static int flock(int fd, int operation) throws IOException {
    requireAvailable();
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CALL_STATE);
      int rc = (int) FLOCK.invokeExact(state, fd, operation);
      return rc == 0 ? 0 : (int) ERRNO.get(state, 0L);
    } catch (Throwable t) {
      throw new IOException("flock(" + fd + ") failed: " + t, t);
    }
  }

  /**
   * Allocates every byte of {@code [offset, offset + length)} of an open file.
   *
   * @param fd a descriptor open for writing.
   * @param offset the first byte.
   * @param length the byte count.
   * @return 0, or the error number ({@link #ENOSPC} when the file system is full).
   * @throws IOException when the call cannot be made.
   */
  static int posixFallocate(int fd, long offset, long length) throws IOException {
    requireAvailable();
    try {
      return (int) POSIX_FALLOCATE.invokeExact(fd, offset, length);
    } catch (Throwable t) {
      throw new IOException("posix_fallocate(" + fd + ") failed: " + t, t);
    }
  }

  /**
   * Closes a descriptor; a failure cannot be retried, so it is not reported.
   *
   * @param fd the descriptor.
   */
  static void close(int fd) {
    if (CLOSE == null) {
      return;
    }
    try {
      int ignored = (int) CLOSE.invokeExact(fd);
    } catch (Throwable t) {
      // the descriptor is gone either way
    }
  }
}
