package dev.nuload.archive;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The ordered hand-off between the decoder and the tar parser, with native chunks. */
class ChunkPipeTest {
  private static MemorySegment nativeBytes(Arena arena, byte[] b) {
    return arena.allocate(b.length).copyFrom(MemorySegment.ofArray(b));
  }

  @Test
  void shouldReadHeapAndNativeChunksInTheOrderPut() throws Exception {
    try (Arena arena = Arena.ofConfined()) {
      ChunkPipe pipe = new ChunkPipe(4);
      pipe.put(new byte[] {1, 2, 3}, 3, false);
      pipe.put(nativeBytes(arena, new byte[] {4, 5, 6, 7}), () -> {});
      pipe.put(new byte[] {8, 9}, 2, false);
      pipe.finish();
      byte[] head = new byte[5];
      assertEquals(3, pipe.read(head, 0, 5));
      assertEquals(4, pipe.read(head, 0, 5)); // stops at the chunk's end
      ByteBuffer direct = ByteBuffer.allocateDirect(8);
      assertEquals(2, pipe.read(direct));
      assertEquals(-1, pipe.read(head, 0, 5));
      assertArrayEquals(new byte[] {4, 5, 6, 7, 0}, head);
      assertEquals(8, direct.get(0));
      assertEquals(9, direct.get(1));
    }
  }

  @Test
  void shouldCopyANativeChunkIntoADirectBufferAtItsPosition() throws Exception {
    try (Arena arena = Arena.ofConfined()) {
      ChunkPipe pipe = new ChunkPipe(4);
      pipe.put(nativeBytes(arena, new byte[] {4, 5, 6}), () -> {});
      pipe.finish();
      ByteBuffer direct = ByteBuffer.allocateDirect(8);
      direct.put((byte) 9);
      assertEquals(3, pipe.read(direct));
      assertEquals(4, direct.position());
      assertEquals(9, direct.get(0));
      assertEquals(4, direct.get(1));
      assertEquals(6, direct.get(3));
    }
  }

  @Test
  void shouldReleaseANativeChunkOnceReadPastIt() throws Exception {
    try (Arena arena = Arena.ofConfined()) {
      AtomicInteger released = new AtomicInteger();
      ChunkPipe pipe = new ChunkPipe(4);
      pipe.put(nativeBytes(arena, new byte[] {1, 2}), released::incrementAndGet);
      pipe.finish();
      byte[] b = new byte[2];
      assertEquals(2, pipe.read(b, 0, 2));
      assertEquals(0, released.get(), "still the current chunk");
      assertEquals(-1, pipe.read(b, 0, 2));
      assertEquals(1, released.get());
      pipe.close();
      assertEquals(1, released.get(), "exactly once");
    }
  }

  @Test
  void shouldReleaseQueuedAndCurrentNativeChunksWhenClosed() throws Exception {
    try (Arena arena = Arena.ofConfined()) {
      AtomicInteger released = new AtomicInteger();
      ChunkPipe pipe = new ChunkPipe(4);
      for (int i = 0; i < 3; i++) {
        pipe.put(nativeBytes(arena, new byte[] {1, 2}), released::incrementAndGet);
      }
      assertEquals(1, pipe.read(new byte[1], 0, 1)); // the first is now current
      pipe.close();
      assertEquals(3, released.get());
    }
  }

  @Test
  void shouldReleaseANativeChunkPutAfterTheReaderClosed() throws Exception {
    try (Arena arena = Arena.ofConfined()) {
      AtomicInteger released = new AtomicInteger();
      ChunkPipe pipe = new ChunkPipe(4);
      pipe.close();
      assertThrows(
          InterruptedException.class,
          () -> pipe.put(nativeBytes(arena, new byte[] {1}), released::incrementAndGet));
      assertEquals(1, released.get());
    }
  }

  @Test
  void shouldLendNativeBytesWithoutACopyAndFreeThemAfterTheLastHolderLetsGo() throws Exception {
    try (Arena arena = Arena.ofConfined()) {
      AtomicInteger released = new AtomicInteger();
      MemorySegment chunk = nativeBytes(arena, new byte[] {1, 2, 3, 4});
      ChunkPipe pipe = new ChunkPipe(4);
      pipe.put(chunk, released::incrementAndGet);
      pipe.finish();
      ChunkPipe.Borrowed lent = pipe.borrow(3);
      assertEquals(chunk.address(), lent.data().address(), "the same memory");
      assertArrayEquals(new byte[] {1, 2, 3}, lent.data().toArray(JAVA_BYTE));
      assertEquals(1, pipe.read(new byte[1], 0, 1));
      assertEquals(-1, pipe.read(new byte[1], 0, 1)); // read past: the pipe lets go
      assertEquals(0, released.get(), "still lent");
      lent.release().run();
      lent.release().run();
      assertEquals(1, released.get(), "exactly once");
    }
  }

  @Test
  void shouldNotLendBytesOfAHeapChunkOrAcrossTheEndOfANativeChunk() throws Exception {
    try (Arena arena = Arena.ofConfined()) {
      ChunkPipe pipe = new ChunkPipe(4);
      pipe.put(new byte[] {1, 2}, 2, false);
      pipe.put(nativeBytes(arena, new byte[] {3, 4}), () -> {});
      pipe.finish();
      assertNull(pipe.borrow(1), "heap chunk");
      byte[] b = new byte[2];
      assertEquals(2, pipe.read(b, 0, 2));
      assertArrayEquals(new byte[] {1, 2}, b);
      assertNull(pipe.borrow(3), "more than the native chunk holds");
      assertEquals(2, pipe.read(b, 0, 2));
      assertArrayEquals(new byte[] {3, 4}, b);
    }
  }
}
