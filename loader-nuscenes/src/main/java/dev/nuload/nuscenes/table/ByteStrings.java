package dev.nuload.nuscenes.table;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Append-only store of short byte strings (tokens, file names) in one byte array plus an offset
 * array: about 4 bytes of overhead per string instead of a {@link String} object each. Strings are
 * stored as UTF-8; tokens are ASCII so one char is one byte.
 */
class ByteStrings {
  private byte[] data;
  private int[] offsets;
  private int size;
  private int used;

  ByteStrings(int expectedCount, int expectedLength) {
    data = new byte[Math.max(16, expectedCount * expectedLength)];
    offsets = new int[Math.max(2, expectedCount + 1)];
  }

  int size() {
    return size;
  }

  /** Appends chars[off, off+len) and returns its index. */
  int add(char[] chars, int off, int len) {
    ensureData(len * 3);
    int start = used;
    boolean ascii = true;
    for (int i = 0; i < len; i++) {
      char c = chars[off + i];
      if (c >= 0x80) {
        ascii = false;
        break;
      }
      data[used++] = (byte) c;
    }
    if (!ascii) {
      used = start;
      byte[] b = new String(chars, off, len).getBytes(StandardCharsets.UTF_8);
      System.arraycopy(b, 0, data, used, b.length);
      used += b.length;
    }
    if (size + 1 >= offsets.length) {
      offsets = Arrays.copyOf(offsets, offsets.length * 2);
    }
    offsets[size + 1] = used;
    return size++;
  }

  int add(String s) {
    return add(s.toCharArray(), 0, s.length());
  }

  private void ensureData(int extra) {
    if (used + extra > data.length) {
      long n = Math.max((long) data.length * 3 / 2, (long) used + extra);
      if (n > Integer.MAX_VALUE - 16) {
        throw new IllegalStateException("more than 2 GiB of strings in one column");
      }
      data = Arrays.copyOf(data, (int) n);
    }
  }

  int start(int i) {
    return offsets[i];
  }

  int length(int i) {
    return offsets[i + 1] - offsets[i];
  }

  byte[] data() {
    return data;
  }

  String get(int i) {
    return new String(data, offsets[i], length(i), StandardCharsets.UTF_8);
  }

  /** Releases unused capacity once appending is done. */
  void trim() {
    data = Arrays.copyOf(data, used);
    offsets = Arrays.copyOf(offsets, size + 1);
  }

  static int hash(byte[] b, int off, int len) {
    int h = 0;
    for (int i = 0; i < len; i++) {
      h = 31 * h + b[off + i];
    }
    return mix(h);
  }

  static int mix(int h) {
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    return h;
  }
}
