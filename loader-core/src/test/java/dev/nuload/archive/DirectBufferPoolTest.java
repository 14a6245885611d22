package dev.nuload.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** The direct buffers the extractor hands file data to its writers in. */
class DirectBufferPoolTest {
  @Test
  void shouldHandOutADirectBufferLimitedToTheSizeAsked() {
    ByteBuffer b = new DirectBufferPool(1 << 20).take(150_000);
    assertTrue(b.isDirect());
    assertEquals(0, b.position());
    assertEquals(150_000, b.limit());
    assertEquals(256 << 10, b.capacity(), "rounded up to a power of two");
  }

  @Test
  void shouldReuseAGivenBackBufferOfTheSameSizeClass() {
    DirectBufferPool pool = new DirectBufferPool(1 << 20);
    ByteBuffer b = pool.take(100_000);
    b.put(new byte[100]);
    pool.give(b);
    ByteBuffer again = pool.take(70_000);
    assertSame(b, again);
    assertEquals(0, again.position());
    assertEquals(70_000, again.limit());
  }

  @Test
  void shouldNotKeepMoreIdleBytesThanItsBudget() {
    DirectBufferPool pool = new DirectBufferPool(128 << 10);
    ByteBuffer a = pool.take(100_000);
    ByteBuffer b = pool.take(100_000);
    pool.give(a);
    pool.give(b); // over the budget: dropped
    assertSame(a, pool.take(100_000));
    assertNotSame(b, pool.take(100_000));
  }
}
