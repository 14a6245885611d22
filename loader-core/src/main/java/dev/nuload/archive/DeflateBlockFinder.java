package dev.nuload.archive;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Finds where a deflate (RFC 1951) block with dynamic Huffman codes may start inside a compressed
 * stream, without decoding what comes before it. A candidate bit offset must carry a complete,
 * valid block header: {@code BFINAL = 0}, {@code BTYPE = 2}, symbol counts in range, a complete
 * code-length code, code lengths that stay inside the table, an end-of-block code, and
 * literal/length and distance codes that are neither over-subscribed nor incomplete (zlib's rules).
 *
 * <p>A candidate is only a guess: random bits pass these checks rarely but not never. {@link
 * ParallelGzipInflater} uses a candidate only after the decoder of the data before it has stopped
 * exactly there, at a block boundary.
 *
 * <p>Stored blocks are stepped over, not searched. Incompressible data (already compressed files)
 * is written as stored blocks of up to 64 KiB of raw bytes, and raw bytes hold a candidate-looking
 * bit pattern every few bits: searching them costs far more than decoding them. A stored block is
 * recognised by its byte-aligned {@code LEN} and {@code NLEN = ~LEN}, zero bits in front (its
 * {@code BFINAL = 0, BTYPE = 0} and padding, as zlib writes them) and a plausible block header
 * right after its {@code LEN} bytes; the search then goes on at that next header. A false match
 * skips at most 64 KiB of candidates, which costs a chunk of parallelism, never correctness.
 */
final class DeflateBlockFinder {
  /** Order in which the code-length code lengths are stored (RFC 1951, 3.2.7). */
  private static final int[] CLEN_ORDER = {
    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15
  };

  private static final ValueLayout.OfLong LE_LONG =
      ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  private final MemorySegment data;
  private final long sizeBits;
  private final int[] lens = new int[286 + 30];
  private final int[] clens = new int[19];
  private final short[] clTable = new short[128];
  private final int[] count = new int[16];
  private final int[] next = new int[8];

  /** Bits examined for dynamic headers so far; stored blocks stepped over do not count. */
  private long searched;

  /**
   * Kraft sums of four 3-bit code-length-code lengths (12 bits, the first in the low bits), in
   * units of 2^-7: length 0 adds nothing, length {@code l} adds {@code 128 >> l}.
   */
  private static final short[] KRAFT4 = new short[1 << 12];

  static {
    for (int v = 0; v < KRAFT4.length; v++) {
      int sum = 0;
      for (int i = 0; i < 4; i++) {
        int len = (v >>> (3 * i)) & 7;
        sum += len == 0 ? 0 : 128 >> len;
      }
      KRAFT4[v] = (short) sum;
    }
  }

  /**
   * Creates a finder over compressed bytes.
   *
   * @param data the compressed stream (for example a mapped file).
   */
  DeflateBlockFinder(MemorySegment data) {
    this.data = data;
    this.sizeBits = data.byteSize() * 8;
  }

  /**
   * Returns the first bit offset in {@code [fromBit, toBit)} where a valid dynamic block header of
   * at least {@code minHeaderBits} bits starts, or -1.
   *
   * @param fromBit first bit offset to try.
   * @param toBit end of the range (exclusive).
   * @param minHeaderBits shortest header accepted (header = 3 + 14 bits + code tables).
   * @return the bit offset, or -1 when there is none in the range.
   */
  long find(long fromBit, long toBit, int minHeaderBits) {
    return find(fromBit, toBit, minHeaderBits, Long.MAX_VALUE);
  }

  /**
   * As {@link #find(long, long, int)}, giving up (-1) once {@code maxSearchBits} bit offsets have
   * been examined in this call; stored blocks stepped over do not count.
   *
   * @param fromBit first bit offset to try.
   * @param toBit end of the range (exclusive).
   * @param minHeaderBits shortest header accepted.
   * @param maxSearchBits most bit offsets to examine.
   * @return the bit offset, or -1.
   */
  long find(long fromBit, long toBit, int minHeaderBits, long maxSearchBits) {
    long end = Math.min(toBit, sizeBits - 17);
    long budget = maxSearchBits;
    long p = fromBit;
    while (p < end && budget > 0) {
      int n = (int) Math.min(56, end - p);
      long stored = storedBlockIn(p, n);
      int limit = stored < 0 ? n : (int) (stored - p);
      searched += limit;
      budget -= limit;
      // One 64-bit load serves up to 56 bit offsets: mark those whose first 3 bits are BFINAL = 0,
      // BTYPE = 2 (bits 0, 0, 1), then look closer only at those.
      long w = bits64(p);
      long cand = ~w & ~(w >>> 1) & (w >>> 2) & ((1L << limit) - 1);
      while (cand != 0) {
        int s = Long.numberOfTrailingZeros(cand);
        cand &= cand - 1;
        long v = w >>> s; // 64 - s bits valid: the 17 header bits read below when s <= 47
        long at = p + s;
        if (s > 47) {
          v = bits64(at);
        }
        // HLIT <= 29 and HDIST <= 29.
        if (((v >>> 3) & 31) > 29 || ((v >>> 8) & 31) > 29) {
          continue;
        }
        if (codeLengthKraft(at + 17, (int) ((v >>> 13) & 15) + 4) == 128
            && headerBits(at, false) >= minHeaderBits) {
          return at;
        }
      }
      p = stored < 0 ? p + n : afterStoredBlocks(stored);
    }
    return -1;
  }

  /**
   * Kraft sum, in units of 2^-7, of the {@code hclen} 3-bit code-length-code lengths at bit {@code
   * p}: 128 for a complete code.
   */
  private int codeLengthKraft(long p, int hclen) {
    long cw = bits64(p) & ((1L << (3 * hclen)) - 1);
    return KRAFT4[(int) cw & 0xFFF]
        + KRAFT4[(int) (cw >>> 12) & 0xFFF]
        + KRAFT4[(int) (cw >>> 24) & 0xFFF]
        + KRAFT4[(int) (cw >>> 36) & 0xFFF]
        + KRAFT4[(int) (cw >>> 48) & 0xFFF];
  }

  /**
   * Returns how many bit offsets all calls of {@code find} examined for a dynamic header.
   *
   * @return bit offsets examined.
   */
  long searchedBits() {
    return searched;
  }

  /**
   * Returns {@code 8 q - 3} for the first byte {@code q} that starts a stored block's {@code LEN}
   * with {@code 8 q - 3} in {@code [p, p + n)}, or -1 (see the class comment for the checks).
   */
  private long storedBlockIn(long p, int n) {
    long size = sizeBits >>> 3;
    long q = (p + 3 + 7) >>> 3;
    long last = Math.min((p + n - 1 + 3) >>> 3, size - 5);
    long before = bits64(8 * (q - 1)); // bytes q - 1 to q + 6: those in front of each LEN
    for (; q <= last; q++, before >>>= 8) {
      int len = (before & 0xE0) == 0 ? storedLength(q) : -1;
      if (len >= 0 && q + 4 + len < size && plausibleHeader(q + 4 + len)) {
        return 8 * q - 3;
      }
    }
    return -1;
  }

  /** {@code LEN} of a stored block whose {@code LEN} starts at byte {@code q}, or -1. */
  private int storedLength(long q) {
    int v = (int) bits64(8 * q);
    int len = v & 0xFFFF;
    return ((v >>> 16) ^ len) == 0xFFFF ? len : -1;
  }

  /**
   * Whether a block header (stored, fixed or dynamic; final or not) may start at byte {@code b}.
   */
  private boolean plausibleHeader(long b) {
    int h = byteAt(b);
    return switch ((h >>> 1) & 3) {
      case 0 -> (h & 0xF8) == 0 && b + 5 <= sizeBits >>> 3 && storedLength(b + 1) >= 0;
      case 1 -> true;
      case 2 -> headerBits(8 * b, true) >= 0;
      default -> false;
    };
  }

  /**
   * Returns the bit offset after the run of non-final stored blocks whose first {@code LEN} starts
   * at byte {@code (stored + 3) / 8}: the byte-aligned start of the block that follows them.
   */
  private long afterStoredBlocks(long stored) {
    long size = sizeBits >>> 3;
    long q = (stored + 3) >>> 3;
    while (true) {
      long next = q + 4 + storedLength(q);
      if (next + 5 > size) {
        return 8 * Math.min(next, size);
      }
      int h = byteAt(next);
      if (h != 0 || storedLength(next + 1) < 0) {
        return 8 * next;
      }
      q = next + 1;
    }
  }

  /**
   * Validates the dynamic block header at {@code bit} and returns its length in bits, or -1 when it
   * is not a valid header of a non-final dynamic block.
   *
   * @param bit the bit offset of BFINAL.
   * @return header length in bits (through the last code length), or -1.
   */
  int headerBits(long bit) {
    return headerBits(bit, false);
  }

  private int headerBits(long bit, boolean finalToo) {
    long p = bit;
    if (p + 17 > sizeBits) {
      return -1;
    }
    long w = bits64(p);
    if ((w & 7) != 4 && !(finalToo && (w & 7) == 5)) {
      return -1;
    }
    int hlit = (int) ((w >>> 3) & 31) + 257;
    int hdist = (int) ((w >>> 8) & 31) + 1;
    int hclen = (int) ((w >>> 13) & 15) + 4;
    if (hlit > 286 || hdist > 30) {
      return -1;
    }
    p += 17;
    if (p + 3L * hclen > sizeBits) {
      return -1;
    }
    long cw = bits64(p);
    if (codeLengthKraft(p, hclen) != 128) {
      return -1; // the code-length code must be complete (zlib)
    }
    java.util.Arrays.fill(clens, 0);
    for (int i = 0; i < hclen; i++) {
      clens[CLEN_ORDER[i]] = (int) ((cw >>> (3 * i)) & 7);
    }
    p += 3L * hclen;
    buildCodeLengthTable();
    int total = hlit + hdist;
    int i = 0;
    while (i < total) {
      if (p + 7 + 7 > sizeBits) {
        return -1;
      }
      long v = bits64(p);
      int e = clTable[(int) (v & 127)];
      int sym = e >> 4;
      int len = e & 15;
      p += len;
      v >>>= len;
      if (sym < 16) {
        lens[i++] = sym;
      } else if (sym == 16) {
        if (i == 0) {
          return -1;
        }
        int rep = 3 + (int) (v & 3);
        p += 2;
        if (i + rep > total) {
          return -1;
        }
        int prev = lens[i - 1];
        for (int k = 0; k < rep; k++) {
          lens[i++] = prev;
        }
      } else {
        int rep = sym == 17 ? 3 + (int) (v & 7) : 11 + (int) (v & 127);
        p += sym == 17 ? 3 : 7;
        if (i + rep > total) {
          return -1;
        }
        for (int k = 0; k < rep; k++) {
          lens[i++] = 0;
        }
      }
    }
    if (lens[256] == 0 || !validCode(lens, 0, hlit, false) || !validCode(lens, hlit, hdist, true)) {
      return -1;
    }
    return (int) (p - bit);
  }

  /**
   * Builds the 7-bit lookup table of the code-length code (its completeness was checked from the
   * lengths by {@link #headerBits}).
   */
  private void buildCodeLengthTable() {
    java.util.Arrays.fill(count, 0);
    for (int l : clens) {
      count[l]++;
    }
    count[0] = 0;
    int[] next = this.next;
    int code = 0;
    for (int len = 1; len <= 7; len++) {
      code = (code + count[len - 1]) << 1;
      next[len] = code;
    }
    for (int sym = 0; sym < 19; sym++) {
      int len = clens[sym];
      if (len == 0) {
        continue;
      }
      int c = next[len]++;
      int rev = Integer.reverse(c) >>> (32 - len);
      for (int fill = rev; fill < 128; fill += 1 << len) {
        clTable[fill] = (short) (sym << 4 | len);
      }
    }
  }

  /**
   * Checks a literal/length or distance code as zlib does: not over-subscribed; incomplete only
   * when it has a single code of length 1; an empty distance code is allowed.
   */
  private boolean validCode(int[] l, int from, int n, boolean distance) {
    java.util.Arrays.fill(count, 0);
    int max = 0;
    for (int i = from; i < from + n; i++) {
      count[l[i]]++;
      max = Math.max(max, l[i]);
    }
    if (max == 0) {
      return distance;
    }
    int left = 1;
    for (int len = 1; len <= 15; len++) {
      left = (left << 1) - count[len];
      if (left < 0) {
        return false;
      }
    }
    return left == 0 || max == 1;
  }

  /** Byte {@code b} of the data (0 past the end). */
  private int byteAt(long b) {
    return (int) bits64(8 * b) & 0xFF;
  }

  /**
   * Returns 64 bits starting at bit {@code p} (bits past the end read as 0), from a copy of the
   * data around {@code p} in {@link #words}: plain array reads cost a fraction of segment reads in
   * the first-tier compiled code the extractor runs with.
   */
  private long bits64(long p) {
    long byteOff = p >>> 3;
    if (byteOff < wordsFrom || byteOff + 16 > wordsFrom + 8L * words.length) {
      load(byteOff & ~7L);
    }
    long q = p - 8 * wordsFrom;
    int i = (int) (q >>> 6);
    int shift = (int) (q & 63);
    long lo = words[i];
    return shift == 0 ? lo : (lo >>> shift) | (words[i + 1] << (64 - shift));
  }

  /** Copies the data from byte {@code from} (a multiple of 8) into {@link #words}. */
  private void load(long from) {
    long size = data.byteSize();
    long n = Math.max(0, Math.min(8L * words.length, size - from));
    int whole = (int) (n >>> 3);
    MemorySegment.copy(data, LE_LONG, from, words, 0, whole);
    java.util.Arrays.fill(words, whole, words.length, 0L);
    for (int k = 0; k < (int) (n & 7); k++) {
      long b = data.get(JAVA_BYTE, from + 8L * whole + k) & 0xFFL;
      words[whole] |= b << (8 * k);
    }
    wordsFrom = from;
  }

  /** A copy of 64 KiB of the data, from byte {@link #wordsFrom} on, as little-endian words. */
  private final long[] words = new long[8192];

  private long wordsFrom = Long.MIN_VALUE / 2;
}
