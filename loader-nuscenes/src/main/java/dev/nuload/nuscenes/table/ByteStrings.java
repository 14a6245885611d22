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

  /**
   * Appends chars[off, off+len) and returns its index. Even-length lowercase hex (tokens) is packed
   * two digits per byte after a 0x01 marker; other strings are stored as UTF-8, with a 0x02 marker
   * in front when their first byte is 0x01 or 0x02. The encoding is canonical, so equal strings
   * have equal bytes.
   */
  int add(char[] chars, int off, int len) {
    ensureData(len * 3 + 1);
    if (len >= 2 && (len & 1) == 0 && isLowerHex(chars, off, len)) {
      // locals, not fields, in the hot loops: the JIT keeps them in registers
      byte[] d = data;
      int u = used;
      d[u++] = PACKED;
      for (int i = 0; i < len; i += 2) {
        d[u++] = (byte) ((digit(chars[off + i]) << 4) | digit(chars[off + i + 1]));
      }
      used = u;
    } else {
      int start = used;
      boolean ascii = true;
      byte[] d = data;
      int u = used;
      for (int i = 0; i < len; i++) {
        char c = chars[off + i];
        if (c >= 0x80) {
          ascii = false;
          break;
        }
        d[u++] = (byte) c;
      }
      used = u;
      if (!ascii) {
        used = start;
        byte[] b = new String(chars, off, len).getBytes(StandardCharsets.UTF_8);
        System.arraycopy(b, 0, data, used, b.length);
        used += b.length;
      }
      if (used > start && (data[start] == PACKED || data[start] == ESCAPED)) {
        System.arraycopy(data, start, data, start + 1, used - start);
        data[start] = ESCAPED;
        used++;
      }
    }
    if (size + 1 >= offsets.length) {
      offsets = Arrays.copyOf(offsets, offsets.length * 2);
    }
    offsets[size + 1] = used;
    return size++;
  }

  private static final byte PACKED = 1;
  private static final byte ESCAPED = 2;
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private static boolean isLowerHex(char[] chars, int off, int len) {
    for (int i = 0; i < len; i++) {
      char c = chars[off + i];
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  private static int digit(char c) {
    return c <= '9' ? c - '0' : c - 'a' + 10;
  }

  /** Encodes a string the way {@link #add} stores it. */
  static byte[] encode(String s) {
    ByteStrings one = new ByteStrings(1, s.length() + 2);
    one.add(s.toCharArray(), 0, s.length());
    return Arrays.copyOf(one.data, one.used);
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
    int start = offsets[i];
    int len = length(i);
    if (len > 0 && data[start] == PACKED) {
      char[] c = new char[(len - 1) * 2];
      for (int k = 1; k < len; k++) {
        int b = data[start + k] & 0xff;
        c[2 * k - 2] = HEX[b >>> 4];
        c[2 * k - 1] = HEX[b & 15];
      }
      return new String(c);
    }
    if (len > 0 && data[start] == ESCAPED) {
      return new String(data, start + 1, len - 1, StandardCharsets.UTF_8);
    }
    return new String(data, start, len, StandardCharsets.UTF_8);
  }

  /** Sizes the arrays for an expected number of strings of a typical length. */
  void presize(int count, int length) {
    if (size == 0 && count + 1 > offsets.length) {
      offsets = new int[count + 1];
      data = new byte[(int) Math.min(Integer.MAX_VALUE - 16, (long) count * length)];
    }
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
