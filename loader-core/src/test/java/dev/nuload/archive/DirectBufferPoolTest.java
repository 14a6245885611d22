package dev.nuload.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The direct segments the extractor hands file data to its writers in. */
class DirectBufferPoolTest {
  private static final int SEGMENT = DirectBufferPool.SEGMENT;

  @Test
  void shouldHandOutDirectSegmentsHoldingExactlyTheSizeAsked() {
    ByteBuffer[] s = new DirectBufferPool(1 << 20).take(2L * SEGMENT + 1000);
    assertEquals(3, s.length);
    for (ByteBuffer b : s) {
      assertTrue(b.isDirect());
      assertEquals(0, b.position());
      assertEquals(SEGMENT, b.capacity());
    }
    assertEquals(SEGMENT, s[0].limit());
    assertEquals(SEGMENT, s[1].limit());
    assertEquals(1000, s[2].limit());
  }

  @Test
  void shouldHandOutNoSegmentForAnEmptyFile() {
    assertEquals(0, new DirectBufferPool(1 << 20).take(0).length);
  }

  @Test
  void shouldReuseAGivenBackSegmentForAFileOfAnySize() {
    DirectBufferPool pool = new DirectBufferPool(1 << 20);
    ByteBuffer[] small = pool.take(100);
    small[0].put(new byte[100]);
    pool.give(small);
    ByteBuffer[] big = pool.take(SEGMENT + 5);
    assertSame(small[0], big[0]);
    assertEquals(0, big[0].position());
    assertEquals(SEGMENT, big[0].limit());
    assertEquals(5, big[1].limit());
  }

  @Test
  void shouldAllocateNoMoreThanTheMostHeldAtOnceWhateverTheMixOfSizes() {
    DirectBufferPool pool = new DirectBufferPool(64L << 20);
    Random random = new Random(5);
    List<ByteBuffer[]> held = new ArrayList<>();
    long most = 0;
    long now = 0;
    for (int i = 0; i < 2000; i++) {
      if (held.size() < 8) {
        ByteBuffer[] s = pool.take(1 + random.nextInt(3 << 20));
        held.add(s);
        now += (long) s.length * SEGMENT;
        most = Math.max(most, now);
      } else {
        ByteBuffer[] s = held.remove(random.nextInt(held.size()));
        now -= (long) s.length * SEGMENT;
        pool.give(s);
      }
    }
    assertEquals(most, pool.allocatedBytes());
  }

  @Test
  void shouldNotKeepMoreIdleBytesThanItsBudget() {
    DirectBufferPool pool = new DirectBufferPool(SEGMENT);
    ByteBuffer[] a = pool.take(100);
    ByteBuffer[] b = pool.take(100);
    pool.give(a);
    pool.give(b); // over the budget: dropped
    assertSame(a[0], pool.take(100)[0]);
    assertNotSame(b[0], pool.take(100)[0]);
  }
}
