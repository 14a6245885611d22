package dev.nuload.archive;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Direct buffers reused across files, in power-of-two size classes from 64 KiB. A buffer given back
 * is kept while the pool holds less than its byte budget, else left to the garbage collector.
 * Thread-safe.
 */
final class DirectBufferPool {
  private static final int MIN_SHIFT = 16;
  private static final int CLASSES = 31 - MIN_SHIFT + 1;

  @SuppressWarnings("unchecked")
  private final ConcurrentLinkedQueue<ByteBuffer>[] free = new ConcurrentLinkedQueue[CLASSES];

  private final AtomicLong kept = new AtomicLong();
  private final long budget;

  /**
   * Creates a pool.
   *
   * @param budget most bytes of idle buffers kept.
   */
  DirectBufferPool(long budget) {
    this.budget = budget;
    for (int i = 0; i < CLASSES; i++) {
      free[i] = new ConcurrentLinkedQueue<>();
    }
  }

  private static int sizeClass(int size) {
    int shift = Math.max(MIN_SHIFT, 32 - Integer.numberOfLeadingZeros(Math.max(1, size) - 1));
    return shift - MIN_SHIFT;
  }

  /**
   * Returns a cleared direct buffer with at least {@code size} bytes, limited to {@code size}.
   *
   * @param size bytes needed.
   * @return the buffer; give it back with {@link #give}.
   */
  ByteBuffer take(int size) {
    int c = sizeClass(size);
    ByteBuffer b = free[c].poll();
    if (b != null) {
      kept.addAndGet(-b.capacity());
    } else {
      b = ByteBuffer.allocateDirect(1 << (c + MIN_SHIFT));
    }
    b.clear().limit(size);
    return b;
  }

  /**
   * Gives a buffer from {@link #take} back.
   *
   * @param b the buffer.
   */
  void give(ByteBuffer b) {
    int cap = b.capacity();
    if (Integer.bitCount(cap) != 1 || cap < (1 << MIN_SHIFT)) {
      return;
    }
    if (kept.addAndGet(cap) > budget) {
      kept.addAndGet(-cap);
      return;
    }
    free[sizeClass(cap)].add(b);
  }
}
