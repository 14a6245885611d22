package dev.nuload.shm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

/**
 * An exclusive {@code flock(2)} on a ring file (docs/format/ring.md, Creation and Clean-up), held
 * through an open file description of its own until {@link #close()} or the death of the process
 * (the kernel drops it then, {@code kill -9} included). Unlike a {@link java.nio.channels.FileLock}
 * (an fcntl record lock), closing another descriptor of the same file in this process (a reader, a
 * test reading the file) does not drop it, and it is the lock the Python and C consumers test.
 */
final class RingLock implements AutoCloseable {
  private final int fd;
  private final Object fileKey;
  private boolean closed;

  private RingLock(int fd) throws IOException {
    this.fd = fd;
    try {
      // the open file itself, even once its name is gone (a magic link, not a path lookup)
      this.fileKey = key(Path.of("/proc/self/fd/" + fd));
    } catch (IOException | RuntimeException e) {
      Libc.close(fd);
      throw e;
    }
  }

  /**
   * Creates {@code path}, which must not exist, and locks it.
   *
   * @param path the new file.
   * @return the lock, holding a descriptor open for reading and writing.
   * @throws java.nio.file.FileAlreadyExistsException when the file exists.
   * @throws IOException when it cannot be created or locked.
   */
  static RingLock create(Path path) throws IOException {
    int fd = Libc.open(path, Libc.O_RDWR | Libc.O_CREAT | Libc.O_EXCL | Libc.O_CLOEXEC, 0666);
    int err = Libc.flock(fd, Libc.LOCK_EX | Libc.LOCK_NB);
    if (err != 0) {
      Libc.close(fd);
      throw new IOException("flock(" + path + ") of a file just created failed: errno " + err);
    }
    return new RingLock(fd);
  }

  /**
   * Locks the file {@code path} names, without waiting.
   *
   * @param path the file.
   * @return the lock, taken on the file {@code path} still names; null when another open file
   *     description holds it.
   * @throws NoSuchFileException when there is no such file.
   * @throws IOException when it cannot be opened or locked.
   */
  static RingLock tryLock(Path path) throws IOException {
    while (true) {
      int fd = Libc.open(path, Libc.O_RDONLY | Libc.O_CLOEXEC, 0);
      int err = Libc.flock(fd, Libc.LOCK_EX | Libc.LOCK_NB);
      if (err == Libc.EWOULDBLOCK) {
        Libc.close(fd);
        return null;
      }
      if (err != 0) {
        Libc.close(fd);
        throw new IOException("flock(" + path + ") failed: errno " + err);
      }
      RingLock lock = new RingLock(fd);
      if (lock.isAt(path)) {
        return lock;
      }
      // the name was moved to another file, or removed, between open and flock: look again
      lock.close();
    }
  }

  /**
   * Removes {@code path} when no process holds its lock (the producer that created it is gone).
   *
   * @param path a ring file, or a producer's temporary file.
   * @param waitMs how long to wait for a held lock to be let go (0: not at all).
   * @return true when it removed the file.
   * @throws IOException when the file cannot be locked or removed.
   */
  static boolean removeIfAbandoned(Path path, long waitMs) throws IOException {
    long deadline = System.nanoTime() + waitMs * 1_000_000;
    while (true) {
      RingLock lock;
      try {
        lock = tryLock(path);
      } catch (NoSuchFileException e) {
        return false;
      }
      if (lock != null) {
        try (lock) {
          // only a process holding the lock renames a file over this name: it stays ours to remove
          return Files.deleteIfExists(path);
        }
      }
      if (System.nanoTime() - deadline >= 0) {
        return false;
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
  }

  /**
   * Tells whether {@code path} names the locked file.
   *
   * @param path a name.
   * @return true when it does.
   * @throws IOException when the name cannot be looked up.
   */
  boolean isAt(Path path) throws IOException {
    try {
      return fileKey.equals(key(path));
    } catch (NoSuchFileException e) {
      return false;
    }
  }

  /**
   * Returns the open descriptor.
   *
   * @return the descriptor (valid until {@link #close()}).
   */
  int fd() {
    return fd;
  }

  private static Object key(Path path) throws IOException {
    return Objects.requireNonNull(
        Files.readAttributes(path, BasicFileAttributes.class).fileKey(), "file key of " + path);
  }

  /** Closes the descriptor, which lets go of the lock. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      Libc.close(fd);
    }
  }
}
