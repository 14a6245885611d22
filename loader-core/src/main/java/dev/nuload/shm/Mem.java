package dev.nuload.shm;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Little-endian accessors on ring memory. Plain accessors are unaligned-safe; the {@code *Acquire}
 * and {@code *Release} ones need 8-byte aligned offsets and name the fence they imply. The ring
 * format is little-endian; this class refuses to load on a big-endian machine rather than write a
 * file other readers would misread.
 */
final class Mem {
  static final ValueLayout.OfLong LONG =
      ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  static final ValueLayout.OfInt INT =
      ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle LONG_ATOMIC = ValueLayout.JAVA_LONG.varHandle();
  private static final VarHandle INT_ATOMIC = ValueLayout.JAVA_INT.varHandle();

  static {
    if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
      throw new ExceptionInInitializerError(
          "the nuload ring is little-endian; this machine is " + ByteOrder.nativeOrder());
    }
  }

  private Mem() {}

  static long getLong(MemorySegment s, long offset) {
    return s.get(LONG, offset);
  }

  static void putLong(MemorySegment s, long offset, long value) {
    s.set(LONG, offset, value);
  }

  static int getInt(MemorySegment s, long offset) {
    return s.get(INT, offset);
  }

  static void putInt(MemorySegment s, long offset, int value) {
    s.set(INT, offset, value);
  }

  /** Load-acquire: later loads see everything stored before the matching store-release. */
  static long getLongAcquire(MemorySegment s, long offset) {
    return (long) LONG_ATOMIC.getAcquire(s, offset);
  }

  /** Store-release: every earlier store is visible to a reader that load-acquires this value. */
  static void putLongRelease(MemorySegment s, long offset, long value) {
    LONG_ATOMIC.setRelease(s, offset, value);
  }

  static int getIntAcquire(MemorySegment s, long offset) {
    return (int) INT_ATOMIC.getAcquire(s, offset);
  }

  static void putIntRelease(MemorySegment s, long offset, int value) {
    INT_ATOMIC.setRelease(s, offset, value);
  }

  static boolean compareAndSetLong(MemorySegment s, long offset, long expected, long value) {
    return LONG_ATOMIC.compareAndSet(s, offset, expected, value);
  }

  /** Writes UTF-8 text zero padded to capacity (truncated to capacity - 1 bytes). */
  static int putString(MemorySegment s, long offset, String text, int capacity) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    int n = Math.min(b.length, capacity - 1);
    s.asSlice(offset, capacity).fill((byte) 0);
    MemorySegment.copy(b, 0, s, ValueLayout.JAVA_BYTE, offset, n);
    return n;
  }

  /** Reads zero-terminated UTF-8 text of at most capacity bytes. */
  static String getString(MemorySegment s, long offset, int capacity) {
    byte[] b = new byte[capacity];
    MemorySegment.copy(s, ValueLayout.JAVA_BYTE, offset, b, 0, capacity);
    int n = 0;
    while (n < capacity && b[n] != 0) {
      n++;
    }
    return new String(b, 0, n, StandardCharsets.UTF_8);
  }
}
