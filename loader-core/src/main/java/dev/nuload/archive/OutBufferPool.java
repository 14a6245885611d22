package dev.nuload.archive;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The native buffers libdeflate decodes chunks into, for one run of {@link ParallelGzipInflater}:
 * reused from chunk to chunk, and freed once the run is over and the sink has released every slice
 * of them.
 */
final class OutBufferPool {
  /**
   * A native buffer libdeflate decodes a chunk into. The chunk's output is handed to the sink from
   * there, in slices, without a copy into the Java heap; the buffer goes back to the pool when the
   * piece and every slice have let go of it, or is freed once this inflater is done.
   */
  static final class OutBuffer {
    final MemorySegment memory;

    /** The piece and the slices handed on; set when the buffer is taken from the pool. */
    RefCount holders;

    OutBuffer(MemorySegment memory) {
      this.memory = memory;
    }
  }

  private final long outCapacity;
  private final ConcurrentLinkedQueue<OutBuffer> outBuffers = new ConcurrentLinkedQueue<>();
  private final AtomicInteger outAllocated = new AtomicInteger();
  private volatile boolean outClosed;

  /**
   * Creates an empty pool.
   *
   * @param outCapacity bytes of each buffer.
   */
  OutBufferPool(long outCapacity) {
    this.outCapacity = outCapacity;
  }

  /**
   * Returns how many native output buffers are allocated and not yet freed (tests: 0 once a run is
   * over and the sink released every slice).
   *
   * @return live buffers.
   */
  int live() {
    return outAllocated.get();
  }

  private void free(OutBuffer b) {
    LibdeflateChunkDecoder.freeMemory(b.memory);
    outAllocated.decrementAndGet();
  }

  /**
   * Takes a buffer from the pool, or allocates one; it comes back when its holders let go.
   *
   * @return the buffer, with one holder (the caller).
   */
  OutBuffer take() {
    OutBuffer b = outBuffers.poll();
    if (b == null) {
      b = new OutBuffer(LibdeflateChunkDecoder.allocate(outCapacity));
      outAllocated.incrementAndGet();
    }
    OutBuffer taken = b;
    b.holders = new RefCount(() -> giveBack(taken));
    return b;
  }

  private void giveBack(OutBuffer b) {
    if (!outClosed) {
      outBuffers.add(b);
      if (!outClosed || !outBuffers.remove(b)) {
        return; // pooled (or freed by close, which took it from the pool)
      }
    }
    free(b);
  }

  /** Frees the pooled buffers; those still held by slices are freed when released. */
  void close() {
    outClosed = true;
    for (OutBuffer b; (b = outBuffers.poll()) != null; ) {
      free(b);
    }
  }
}
