package dev.nuload.nuscenes.table;

import java.util.Arrays;

/**
 * The primary keys of one table: tokens in row order and an open-addressing hash from token to row.
 * Tokens of any length are accepted (32-hex nuScenes, 64-hex Lyft, "1".."4" visibility).
 */
final class TokenIndex extends ByteStrings {
  private int[] slots; // row + 1, 0 = empty

  TokenIndex(int expectedCount) {
    super(expectedCount, 17);
    slots = new int[tableSize(expectedCount)];
  }

  private static int tableSize(int n) {
    int s = 16;
    while (s < n * 2L) {
      s <<= 1;
    }
    return s;
  }

  /**
   * Adds a token as the next row.
   *
   * @return the new row, or {@code -(existing + 1)} when the token is already present (the row is
   *     then still appended so that row numbers keep following the file).
   */
  int addToken(char[] chars, int off, int len) {
    int row = add(chars, off, len);
    if ((row + 1) * 2L > slots.length) {
      rehash();
    }
    int h = hash(data(), start(row), length(row));
    int mask = slots.length - 1;
    for (int i = h & mask; ; i = (i + 1) & mask) {
      int s = slots[i];
      if (s == 0) {
        slots[i] = row + 1;
        return row;
      }
      if (equal(s - 1, data(), start(row), length(row))) {
        return -s;
      }
    }
  }

  private void rehash() {
    int[] old = slots;
    slots = new int[old.length * 2];
    int mask = slots.length - 1;
    for (int s : old) {
      if (s != 0) {
        int r = s - 1;
        int i = hash(data(), start(r), length(r)) & mask;
        while (slots[i] != 0) {
          i = (i + 1) & mask;
        }
        slots[i] = s;
      }
    }
  }

  private boolean equal(int row, byte[] b, int off, int len) {
    if (length(row) != len) {
      return false;
    }
    return Arrays.equals(data(), start(row), start(row) + len, b, off, off + len);
  }

  /** Finds the row of a token stored as bytes elsewhere, or -1. */
  int find(byte[] b, int off, int len) {
    int mask = slots.length - 1;
    for (int i = hash(b, off, len) & mask; ; i = (i + 1) & mask) {
      int s = slots[i];
      if (s == 0) {
        return -1;
      }
      if (equal(s - 1, b, off, len)) {
        return s - 1;
      }
    }
  }

  /** Finds the row of a token, or -1. */
  int find(String token) {
    byte[] b = encode(token);
    return find(b, 0, b.length);
  }
}
