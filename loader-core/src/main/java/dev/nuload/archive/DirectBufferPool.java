package dev.nuload.archive;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Off-heap buffers of one size ({@link #SEGMENT}), reused across files: a file's bytes are held in
 * as many segments as it needs and written with one gathering write. A segment given back is kept
 * while the pool holds less than its byte budget, else left to the garbage collector. Thread-safe.
 *
 * <p>Why one size. With buffers in power-of-two size classes, a class that ran dry allocated a new
 * buffer while buffers of other classes sat idle, and the pool dropped what came back over its
 * budget: 155 MB of new buffers for the bench's 716 MB archive, each zeroed and its pages faulted
 * in (about a third of the extractor's page faults). Any segment fits any file, so the pool never
 * holds more than the most segments in flight at once.
 */
final class DirectBufferPool {
  /**
   * Bytes per segment: a radar file or a small table takes one, a camera JPEG 5 to 20. Larger
   * segments waste more on small files (most of nuScenes' files by count are radar sweeps of a few
   * KB); on the bench's archive, 16, 32, 64 and 128 KiB took the same time.
   */
  static final int SEGMENT = 32 << 10;

  private final ConcurrentLinkedQueue<ByteBuffer> free = new ConcurrentLinkedQueue<>();
  private final AtomicLong kept = new AtomicLong();
  private final AtomicLong allocated = new AtomicLong();
  private final long budget;

  /**
   * Creates a pool.
   *
   * @param budget most bytes of idle segments kept.
   */
  DirectBufferPool(long budget) {
    this.budget = budget;
  }

  /**
   * Returns cleared direct segments holding {@code size} bytes together: all full but the last,
   * whose limit is what is left ({@code size} 0 gives none).
   *
   * @param size bytes needed.
   * @return the segments; give them back with {@link #give}.
   */
  ByteBuffer[] take(long size) {
    int n = (int) ((size + SEGMENT - 1) / SEGMENT);
    ByteBuffer[] segments = new ByteBuffer[n];
    for (int i = 0; i < n; i++) {
      ByteBuffer b = free.poll();
      if (b != null) {
        kept.addAndGet(-SEGMENT);
      } else {
        b = ByteBuffer.allocateDirect(SEGMENT);
        allocated.addAndGet(SEGMENT);
      }
      b.clear();
      if (i == n - 1) {
        b.limit((int) (size - (long) i * SEGMENT));
      }
      segments[i] = b;
    }
    return segments;
  }

  /**
   * Gives segments from {@link #take} back.
   *
   * @param segments the segments.
   */
  void give(ByteBuffer[] segments) {
    for (ByteBuffer b : segments) {
      if (b.capacity() != SEGMENT || kept.addAndGet(SEGMENT) > budget) {
        if (b.capacity() == SEGMENT) {
          kept.addAndGet(-SEGMENT);
        }
        continue;
      }
      free.add(b);
    }
  }

  /**
   * Returns how many bytes of segments this pool has allocated so far.
   *
   * @return bytes allocated.
   */
  long allocatedBytes() {
    return allocated.get();
  }
}
