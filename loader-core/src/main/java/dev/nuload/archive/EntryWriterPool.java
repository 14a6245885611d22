package dev.nuload.archive;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * The writer threads: files up to {@link #HAND_OFF_MAX} bytes are handed to them with their bytes
 * held in memory, and at most {@code IN_FLIGHT_BYTES} of file data is read and not yet written.
 * Indexed zstd frames run on the same threads.
 */
final class EntryWriterPool {
  /** Files up to this size are handed to writer threads; larger ones are written in a stream. */
  static final int HAND_OFF_MAX = 32 << 20;

  /**
   * Most bytes of file data read from the archive and not yet written (in whole {@link
   * DirectBufferPool} segments). Every segment is new memory the first time: 256 MiB in flight
   * touched 56 MB of segments on the bench's archive, 64 MiB 45 MB, in the same time.
   */
  private static final long IN_FLIGHT_BYTES = 64L << 20;

  private final Semaphore inFlight = new Semaphore((int) (IN_FLIGHT_BYTES >> 10));
  private final DirectBufferPool handOffBuffers = new DirectBufferPool(IN_FLIGHT_BYTES);
  private final ExecutorService writers;
  private final TargetWriter target;

  EntryWriterPool(ExecutorService writers, TargetWriter target) {
    this.writers = writers;
    this.target = target;
  }

  /**
   * Reads the data of entry {@code h} from {@code tar} and hands the file to a writer thread; waits
   * while too many bytes are in flight. Counted in {@link ExtractRun#pending} until written.
   */
  void handOff(ExtractRun run, TarHeader h, String name, TarReader tar)
      throws IOException, InterruptedException {
    // Counted in whole segments: that is the memory the file holds while in flight.
    long whole = (h.size() + DirectBufferPool.SEGMENT - 1) / DirectBufferPool.SEGMENT;
    int permits =
        (int)
            Math.min(Math.max(1, whole * (DirectBufferPool.SEGMENT >> 10)), IN_FLIGHT_BYTES >> 10);
    inFlight.acquire(permits);
    // The file's bytes where the inflater wrote them (libdeflate's output), held until written;
    // else a copy in pooled direct segments: no zeroing per file, and the write goes to the
    // kernel without the JDK first copying a heap array into a temporary direct buffer.
    ByteBuffer[] data;
    Runnable done;
    try {
      ChunkPipe.Borrowed borrowed = h.size() > 0 ? tar.borrowData((int) h.size()) : null;
      if (borrowed != null) {
        data = new ByteBuffer[] {borrowed.data().asByteBuffer()};
        done = borrowed.release();
      } else {
        ByteBuffer[] segments = handOffBuffers.take(h.size());
        data = segments;
        done = () -> handOffBuffers.give(segments);
        try {
          for (ByteBuffer segment : segments) {
            tar.readData(segment);
            segment.flip();
          }
        } catch (IOException | RuntimeException e) {
          done.run();
          throw e;
        }
      }
    } catch (IOException | RuntimeException e) {
      inFlight.release(permits);
      throw e;
    }
    run.pending.incrementAndGet();
    writers.execute(
        () -> {
          try {
            if (run.error.get() == null) {
              target.writeFile(run, h, name, data, null);
            }
          } catch (Throwable t) {
            run.fail(t);
          } finally {
            done.run();
            inFlight.release(permits);
            run.taskDone();
          }
        });
  }

  /** Runs a task on the writer threads. */
  <T> Future<T> submit(Callable<T> task) {
    return writers.submit(task);
  }
}
