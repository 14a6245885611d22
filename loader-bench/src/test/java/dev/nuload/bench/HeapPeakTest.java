package dev.nuload.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HeapPeakTest {
  @Test
  void shouldSeeAnArrayThatWasReleasedBeforeTheEndWithinTheMaximumHeap()
      throws InterruptedException {
    long size = 256L << 20;
    long peak;
    try (HeapPeak heap = HeapPeak.start()) {
      byte[] big = new byte[(int) size];
      big[big.length - 1] = 1;
      big = null;
      System.gc(); // the array is gone by the end; only the before-GC figure saw it
      // GC notifications arrive on another thread, shortly after the collection
      for (int i = 0; i < 200 && heap.peakBytes() < size; i++) {
        Thread.sleep(10);
      }
      peak = heap.peakBytes();
    }
    assertTrue(peak >= size, "peak " + peak);
    assertTrue(peak <= Runtime.getRuntime().maxMemory(), "peak " + peak);
  }
}
