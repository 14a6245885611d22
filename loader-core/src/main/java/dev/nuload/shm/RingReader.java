package dev.nuload.shm;

import static dev.nuload.shm.RingDescriptor.*;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * The Java consumer of a batch ring (tests, tools, the in-process loader). One reader per ring: it
 * registers its pid and beats a consumer heartbeat while open.
 *
 * <p>Lease semantics: a batch returned by {@link #next} stays valid until it is released or the
 * next batch is taken; {@link #close} releases the current batch, stops the heartbeat (setting it
 * to 0 when leaving before the end of the stream) and unmaps the file.
 *
 * <p>Clean-up: a reader never creates a file. When it reports the producer gone it removes the ring
 * file if no process holds the ring's lock any more (the producer died or exited after recording an
 * error), so a killed producer leaves nothing behind.
 */
public final class RingReader implements AutoCloseable {
  /** Least time between two producer liveness checks while {@link #next} waits. */
  private static final long PRODUCER_CHECK_NANOS = 5_000_000;

  /**
   * A consumer heartbeat younger than this (ms) marks a live consumer that a new one must not join.
   */
  static final long CONSUMER_BUSY_MS = 1000;

  /**
   * How long a reader that reports the producer gone waits for it to let go of the ring's lock
   * before it removes the ring: a failed producer is still exiting, and a killed JVM's pid looks
   * gone (a zombie) while its other threads are still closing its files.
   */
  static final long PRODUCER_EXIT_WAIT_MS = 1000;

  private final Path path;
  private final Arena arena;
  private final MemorySegment file;
  private final RingLayout layout;
  private final long timeoutMs;
  private final long producerPid;
  private final Thread heartbeat;
  private long nextSequence;
  private RingBatch current;
  private boolean ended;
  private volatile boolean closed;

  private RingReader(Path path, Arena arena, MemorySegment file, long timeoutMs) {
    this.path = path;
    this.arena = arena;
    this.file = file;
    this.layout = RingLayout.read(file);
    this.timeoutMs = timeoutMs;
    this.producerPid = Mem.getLong(file, PRODUCER_PID_OFFSET);
    long self = ProcessHandle.current().pid();
    long other = Mem.getLongAcquire(file, CONSUMER_PID_OFFSET);
    long beat = Mem.getLongAcquire(file, CONSUMER_HEARTBEAT_MS_OFFSET);
    if (path != null
        && other != 0
        && other != self
        && beat != 0
        && System.currentTimeMillis() - beat < CONSUMER_BUSY_MS
        && ProcessHandle.of(other).map(ProcessHandle::isAlive).orElse(false)) {
      if (arena != null) {
        arena.close();
      }
      throw new dev.nuload.ResourceException(
          "ring "
              + path
              + " already has a live consumer (pid "
              + other
              + "); one consumer per ring");
    }
    this.nextSequence = Mem.getLongAcquire(file, CONSUMER_CURSOR_OFFSET);
    Mem.putLongRelease(file, CONSUMER_HEARTBEAT_MS_OFFSET, System.currentTimeMillis());
    Mem.putLongRelease(file, CONSUMER_PID_OFFSET, self);
    this.heartbeat =
        Thread.ofPlatform().daemon().name("nuload-ring-consumer-heartbeat").start(this::beat);
  }

  /**
   * Opens a ring file, waiting for it to appear and become ready.
   *
   * @param path the ring file.
   * @param timeout how long to wait for the file, and how long the producer may stay silent.
   * @return the reader.
   * @throws ProducerGoneException when no ready ring appears within the timeout.
   * @throws IOException when the file cannot be mapped.
   */
  public static RingReader open(Path path, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try (FileChannel ch =
          FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
        long size = ch.size();
        if (size >= HEADER_LENGTH) {
          Arena arena = Arena.ofShared();
          MemorySegment file = ch.map(FileChannel.MapMode.READ_WRITE, 0, size, arena);
          if (Mem.getLong(file, MAGIC_OFFSET) != MAGIC
              && Mem.getIntAcquire(file, VERSION_OFFSET) != 0) {
            arena.close();
            throw new IllegalStateException(path + " is not a nuload ring (bad magic)");
          }
          int version = Mem.getIntAcquire(file, VERSION_OFFSET);
          if (version != 0) {
            if (version != VERSION) {
              arena.close();
              throw new IllegalStateException(
                  "ring "
                      + path
                      + " has format version "
                      + version
                      + ", this reader reads "
                      + VERSION);
            }
            return new RingReader(path, arena, file, timeout.toMillis());
          }
          arena.close();
        }
      } catch (NoSuchFileException e) {
        // not there yet
      }
      if (System.nanoTime() > deadline) {
        throw new ProducerGoneException(
            "no ready ring at " + path + " within " + timeout.toMillis() + " ms", null);
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ProducerGoneException("interrupted while waiting for " + path, null);
      }
    }
  }

  /**
   * Attaches to an in-process ring.
   *
   * @param ring the writer's memory.
   * @param timeout how long the producer may stay silent.
   * @return the reader.
   */
  public static RingReader attach(MemorySegment ring, Duration timeout) {
    return new RingReader(null, null, ring, timeout.toMillis());
  }

  /**
   * Returns the geometry read from the file.
   *
   * @return the layout.
   */
  public RingLayout layout() {
    return layout;
  }

  /**
   * Releases the current batch (if any) and waits for the next one.
   *
   * @return the next batch, or null at the end of the stream.
   * @throws ProducerGoneException when the producer fails, dies or goes silent past the timeout.
   */
  public RingBatch next() {
    releaseCurrent();
    if (ended) {
      return null;
    }
    long s = nextSequence;
    int slotIndex = (int) (s % layout.slotCount());
    MemorySegment slot =
        file.asSlice(
            slotOffset(layout.slotsOffset(), layout.slotStride(), slotIndex), layout.slotStride());
    int spins = 0;
    long waitStart = System.nanoTime();
    long nextCheck = waitStart;
    while (Mem.getLongAcquire(slot, SLOT_SEQ_WORD_OFFSET) != 2 * s + 2) {
      long now = System.nanoTime();
      if (now - nextCheck >= 0) {
        // the liveness check reads /proc; timeouts are seconds, so a few looks per 10 ms suffice
        checkProducer();
        nextCheck = now + PRODUCER_CHECK_NANOS;
      }
      if (++spins < 100) {
        Thread.onSpinWait();
      } else {
        try {
          Thread.sleep(0, 200_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new ProducerGoneException("interrupted while waiting for batch " + s, null);
        }
      }
    }
    if (spins > 0) {
      long waited = Mem.getLong(file, CONSUMER_WAIT_NS_OFFSET) + System.nanoTime() - waitStart;
      Mem.putLongRelease(file, CONSUMER_WAIT_NS_OFFSET, waited); // for the producer's status line
    }
    if ((Mem.getInt(slot, SLOT_FLAGS_OFFSET) & FLAG_END_OF_STREAM) != 0) {
      ended = true;
      nextSequence = s + 1;
      Mem.putLongRelease(file, CONSUMER_CURSOR_OFFSET, nextSequence);
      return null;
    }
    current = new RingBatch(layout, slot, s);
    return current;
  }

  /**
   * Hands a batch's slot back to the producer. Releasing a batch twice, or the previous batch after
   * the next was taken, does nothing.
   *
   * @param batch the batch from {@link #next}.
   */
  public void release(RingBatch batch) {
    if (batch == current && current != null) {
      releaseCurrent();
    }
  }

  private void releaseCurrent() {
    if (current != null) {
      current.markReleased();
      current = null;
      nextSequence++;
      // Hands the slot back: our reads of it happen-before the producer's next claim of it.
      Mem.putLongRelease(file, CONSUMER_CURSOR_OFFSET, nextSequence);
    }
  }

  private void checkProducer() {
    int state = Mem.getIntAcquire(file, STREAM_STATE_OFFSET);
    if (state == STATE_FAILED) {
      String error = error();
      removeIfAbandoned(Math.min(PRODUCER_EXIT_WAIT_MS, timeoutMs));
      throw new ProducerGoneException("producer of ring " + where() + " failed: " + error, error);
    }
    if (closed) {
      throw new IllegalStateException("ring reader is closed");
    }
    if (path != null && !ProcessHandle.of(producerPid).map(ProcessHandle::isAlive).orElse(false)) {
      removeIfAbandoned(Math.min(PRODUCER_EXIT_WAIT_MS, timeoutMs));
      throw gone("producer pid " + producerPid + " of ring " + where() + " is gone");
    }
    long silent =
        System.currentTimeMillis() - Mem.getLongAcquire(file, PRODUCER_HEARTBEAT_MS_OFFSET);
    if (silent > timeoutMs) {
      removeIfAbandoned(0); // a stopped producer still holds the lock: its ring stays
      throw gone(
          "producer pid "
              + producerPid
              + " of ring "
              + where()
              + " has not beaten for "
              + silent
              + " ms (timeout "
              + timeoutMs
              + " ms)");
    }
  }

  /**
   * Removes the ring file when its producer has let go of the lock (docs/format/ring.md, Clean-up).
   * The mapping stays valid; a failure to remove is not the consumer's error to report.
   */
  private void removeIfAbandoned(long waitMs) {
    if (path == null) {
      return;
    }
    try {
      RingLock.removeIfAbandoned(path, waitMs);
    } catch (IOException e) {
      // not ours to remove (another user's file in a sticky directory) or already gone
    }
  }

  private ProducerGoneException gone(String message) {
    String error = Mem.getInt(file, ERROR_LENGTH_OFFSET) > 0 ? error() : null;
    return new ProducerGoneException(
        message + (error == null ? "; it left no error" : "; its last error: " + error), error);
  }

  /**
   * Returns the producer's error record.
   *
   * @return the message, or an empty string.
   */
  public String error() {
    int n = Math.min(Mem.getInt(file, ERROR_LENGTH_OFFSET), ERROR_MESSAGE_CAPACITY);
    byte[] b =
        file.asSlice(ERROR_MESSAGE_OFFSET, n).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
    return new String(b, StandardCharsets.UTF_8);
  }

  private String where() {
    return path == null ? "(in-process)" : path.toString();
  }

  private void beat() {
    while (!closed) {
      // Consumer liveness for the producer.
      Mem.putLongRelease(file, CONSUMER_HEARTBEAT_MS_OFFSET, System.currentTimeMillis());
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /**
   * Stops the heartbeat, detaches and unmaps the file (an in-process ring stays with its writer).
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    releaseCurrent();
    closed = true;
    heartbeat.interrupt();
    try {
      heartbeat.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!ended) {
      // Leaving mid-stream: a zero heartbeat tells the producer at once that nobody is reading.
      Mem.putLongRelease(file, CONSUMER_HEARTBEAT_MS_OFFSET, 0);
    }
    if (arena != null) {
      arena.close();
    }
  }

  /**
   * Tells whether a file exists and looks like a ring (for tools).
   *
   * @param path a path.
   * @return true when it has the ring magic.
   */
  public static boolean isRing(Path path) {
    if (!Files.isRegularFile(path)) {
      return false;
    }
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
        Arena a = Arena.ofConfined()) {
      return ch.size() >= HEADER_LENGTH
          && Mem.getLong(ch.map(FileChannel.MapMode.READ_ONLY, 0, 8, a), 0) == MAGIC;
    } catch (IOException e) {
      return false;
    }
  }
}
