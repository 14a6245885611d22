package dev.nuload.archive;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemorySegment;

/**
 * Builds a complete raw deflate stream around a run of blocks cut out of another stream, so that a
 * decoder that only decodes whole streams (libdeflate) can decode the run on its own. The run
 * starts at a block boundary at any bit offset and uses up to 32 KiB of output from before it (the
 * window); it ends at a given block boundary or at the end of the original stream.
 *
 * <p>Layout of the built stream (bit positions in deflate's order, lowest bit of each byte first):
 *
 * <ol>
 *   <li>A stored block ({@code BFINAL = 0}) holding the window, so back-references of the run find
 *       their bytes. When the run's first bit is not on a byte boundary, the stored bytes are the
 *       window rotated left by {@code m} and are followed by a fixed-Huffman block with one match
 *       of length {@code m} at distance {@code window length}, which appends the window's last
 *       {@code m} bytes again: the output then ends with the window exactly, and the prefix ends on
 *       the run's bit offset. {@code m} (3 to 131) picks 7 to 13 bits of length code, so the match
 *       block covers 7 of the 8 offsets; an empty fixed-Huffman block (10 bits) shifts by 2 for the
 *       eighth.
 *   <li>The run's bits, copied unchanged from the source from its first bit.
 *   <li>When the run ends at a given bit: a final, empty fixed-Huffman block ({@code 1, 1, 0} then
 *       end-of-block, 10 bits) written over the source's next block header, then zero bits to the
 *       byte end. A decoder that ends there successfully has met a block boundary exactly at that
 *       bit: had the run not ended there, the decoder would read its next header from the bit after
 *       it or later, where this layout gives a stored block with {@code LEN = NLEN = 0} or only
 *       non-final blocks, and fails.
 * </ol>
 *
 * The decoder's output is the prefix's {@link #prefixOutput} bytes, then the run's output.
 */
final class DeflateSplice {
  /** Most bytes of window a splice carries (deflate's history). */
  static final int WINDOW = 32 * 1024;

  /** Shortest non-empty window accepted (the alignment match copies up to 131 bytes from it). */
  static final int MIN_WINDOW = 131;

  /** Most bytes the prefix takes: stored block (5 + window), empty block, match block. */
  static final int MAX_PREFIX_BYTES = 5 + WINDOW + 16;

  /** Bytes the terminator may add after the run's last byte. */
  static final int MAX_SUFFIX_BYTES = 3;

  private static final int[] LEN_BASE = {
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
    163, 195, 227, 258
  };
  private static final int[] LEN_EXTRA = {
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0
  };
  private static final int[] DIST_BASE = {
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049,
    3073, 4097, 6145, 8193, 12289, 16385, 24577
  };
  private static final int[] DIST_EXTRA = {
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13
  };

  /** Match lengths whose fixed-Huffman length code plus extra bits take 7, 8, ... 13 bits. */
  private static final int[] ALIGN_LENGTHS = {3, 11, 19, 35, 67, 115, 131};

  /** Bytes the prefix inflates to before the run's output. */
  final int prefixOutput;

  /** Length of the built stream in bytes. */
  final long length;

  /** Where the source byte holding the run's first bit sits in the built stream. */
  private final long sourceOffset;

  private final long fromByte;

  private DeflateSplice(int prefixOutput, long length, long sourceOffset, long fromByte) {
    this.prefixOutput = prefixOutput;
    this.length = length;
    this.sourceOffset = sourceOffset;
    this.fromByte = fromByte;
  }

  /**
   * Returns the most bytes {@link #build} writes for a run.
   *
   * @param source the original stream.
   * @param fromBit first bit of the run.
   * @param toBit bit where the run ends, or -1 for the end of {@code source}.
   * @return a capacity for the destination.
   */
  static long capacity(MemorySegment source, long fromBit, long toBit) {
    long endByte = toBit < 0 ? source.byteSize() : (toBit + 7) >>> 3;
    return MAX_PREFIX_BYTES + (endByte - (fromBit >>> 3)) + MAX_SUFFIX_BYTES;
  }

  /**
   * Writes the stream for the run {@code [fromBit, toBit)} of {@code source} into {@code dst}.
   *
   * @param dst destination, at least {@link #capacity} bytes.
   * @param window output before the run: empty (only when {@code fromBit} is on a byte boundary) or
   *     {@link #MIN_WINDOW} to {@link #WINDOW} bytes.
   * @param source the original stream.
   * @param fromBit first bit of the run, a block boundary.
   * @param toBit bit where the run ends (a block boundary to be checked), or -1 to run to the end
   *     of {@code source} (the original stream's final block ends the built one).
   * @return where things are in the built stream.
   */
  static DeflateSplice build(
      MemorySegment dst, byte[] window, MemorySegment source, long fromBit, long toBit) {
    return build(dst, window, source, fromBit, toBit, null);
  }

  /**
   * As above; the run's bytes are read with positional reads from {@code channel} (the file {@code
   * source} maps) when it is not null. The kernel then copies them from the page cache, and the
   * mapping's pages are never touched: no page faults on them, and nothing to unmap.
   */
  static DeflateSplice build(
      MemorySegment dst,
      byte[] window,
      MemorySegment source,
      long fromBit,
      long toBit,
      java.nio.channels.FileChannel channel) {
    int w = window.length;
    int shift = (int) (fromBit & 7);
    if (w > WINDOW || (w == 0 && shift != 0) || (w > 0 && w < MIN_WINDOW)) {
      throw new IllegalArgumentException("window of " + w + " bytes at bit offset " + shift);
    }
    if (toBit >= 0 && toBit < fromBit) {
      throw new IllegalArgumentException("run ends at bit " + toBit + " before " + fromBit);
    }
    // Pick the alignment blocks: an optional empty block (10 bits) and an optional match block.
    int distExtra = w == 0 ? 0 : DIST_EXTRA[distCode(w)];
    int match = 0;
    boolean empty = false;
    if (shift != 0) {
      match = alignLength(shift, distExtra);
      if (match == 0) {
        empty = true;
        if (shift != 2) {
          match = alignLength((shift - 2) & 7, distExtra);
        }
      }
    }
    BitWriter out = new BitWriter(dst);
    int prefixOutput = 0;
    if (w > 0) {
      // Stored block: 3 header bits (0, 00), padded to the byte; LEN, NLEN; the bytes.
      out.zero(5);
      dst.set(JAVA_BYTE, 1, (byte) w);
      dst.set(JAVA_BYTE, 2, (byte) (w >>> 8));
      dst.set(JAVA_BYTE, 3, (byte) ~w);
      dst.set(JAVA_BYTE, 4, (byte) (~w >>> 8));
      MemorySegment.copy(window, w - match, dst, JAVA_BYTE, 5, match);
      MemorySegment.copy(window, 0, dst, JAVA_BYTE, 5 + match, w - match);
      out.bit = 8L * (5 + w);
      prefixOutput = w;
    }
    out.zero(16); // room for the alignment blocks (at most 51 bits)
    if (empty) {
      out.write(0b010, 3); // BFINAL 0, BTYPE 01 (fixed codes)
      out.writeCode(0, 7); // end of block (symbol 256)
    }
    if (match > 0) {
      int lc = lengthCode(match);
      int dc = distCode(w);
      out.write(0b010, 3);
      int sym = 257 + lc;
      if (sym < 280) {
        out.writeCode(sym - 256, 7);
      } else {
        out.writeCode(0xC0 + sym - 280, 8);
      }
      out.write(match - LEN_BASE[lc], LEN_EXTRA[lc]);
      out.writeCode(dc, 5);
      out.write(w - DIST_BASE[dc], DIST_EXTRA[dc]);
      out.writeCode(0, 7);
      prefixOutput += match;
    }
    if ((out.bit & 7) != shift) {
      throw new AssertionError("prefix ends at bit offset " + (out.bit & 7) + ", not " + shift);
    }
    long fromByte = fromBit >>> 3;
    long o = out.bit >>> 3;
    long endByte = toBit < 0 ? source.byteSize() : (toBit + 7) >>> 3;
    long n = endByte - fromByte;
    if (n > 0) {
      int low = dst.get(JAVA_BYTE, o) & ((1 << shift) - 1);
      int high = source.get(JAVA_BYTE, fromByte) & (0xFF << shift) & 0xFF;
      dst.set(JAVA_BYTE, o, (byte) (low | high));
      if (channel == null || !read(channel, dst.asSlice(o + 1, n - 1), fromByte + 1)) {
        MemorySegment.copy(source, fromByte + 1, dst, o + 1, n - 1);
      }
    }
    long length = o + n;
    if (toBit >= 0) {
      // Source bit x sits at bit 8 * o + (x - 8 * fromByte) of the built stream.
      long e = 8 * o + (toBit - 8 * fromByte);
      long eb = e >>> 3;
      int keep = (int) (e & 7);
      dst.set(JAVA_BYTE, eb, keep == 0 ? 0 : (byte) (dst.get(JAVA_BYTE, eb) & ((1 << keep) - 1)));
      long end = (e + 10 + 7) >>> 3;
      for (long i = eb + 1; i < end; i++) {
        dst.set(JAVA_BYTE, i, (byte) 0);
      }
      out.bit = e;
      out.write(0b011, 3); // BFINAL 1, BTYPE 01
      out.writeCode(0, 7); // end of block
      length = end;
    }
    return new DeflateSplice(prefixOutput, length, o, fromByte);
  }

  /** Fills {@code dst} from {@code channel} at {@code position}; false if it could not. */
  private static boolean read(
      java.nio.channels.FileChannel channel, MemorySegment dst, long position) {
    java.nio.ByteBuffer b = dst.asByteBuffer();
    try {
      while (b.hasRemaining()) {
        if (channel.read(b, position + b.position()) < 0) {
          return false;
        }
      }
      return true;
    } catch (java.io.IOException e) {
      return false; // the caller copies from the mapping instead
    }
  }

  /**
   * Returns the source byte just past the original stream's end, when the built stream ended there
   * after {@code consumed} bytes (libdeflate's {@code actual_in_nbytes}) in the original's final
   * block.
   *
   * @param consumed bytes of the built stream used.
   * @return a byte offset in the source.
   */
  long sourceEnd(long consumed) {
    return fromByte + consumed - sourceOffset;
  }

  /** The match length whose block ends the prefix {@code shift} bits into a byte, or 0. */
  private static int alignLength(int shift, int distExtra) {
    for (int m : ALIGN_LENGTHS) {
      int lc = lengthCode(m);
      int codeBits = 257 + lc < 280 ? 7 : 8;
      int bits = 3 + codeBits + LEN_EXTRA[lc] + 5 + distExtra + 7;
      if ((bits & 7) == shift) {
        return m;
      }
    }
    return 0;
  }

  private static int lengthCode(int length) {
    int c = LEN_BASE.length - 1;
    while (LEN_BASE[c] > length) {
      c--;
    }
    return c;
  }

  private static int distCode(int distance) {
    int c = DIST_BASE.length - 1;
    while (DIST_BASE[c] > distance) {
      c--;
    }
    return c;
  }

  /** Writes bits into zeroed bytes, lowest bit first (deflate's bit order). */
  private static final class BitWriter {
    private final MemorySegment dst;
    long bit;

    BitWriter(MemorySegment dst) {
      this.dst = dst;
    }

    /** Zeroes {@code n} bytes from the current byte on. */
    void zero(long n) {
      dst.asSlice(bit >>> 3, n).fill((byte) 0);
    }

    /** Writes {@code n} bits of {@code value}, lowest first (header fields, extra bits). */
    void write(int value, int n) {
      for (int i = 0; i < n; i++, bit++) {
        if (((value >>> i) & 1) != 0) {
          long at = bit >>> 3;
          dst.set(JAVA_BYTE, at, (byte) (dst.get(JAVA_BYTE, at) | (1 << (bit & 7))));
        }
      }
    }

    /** Writes an {@code n}-bit Huffman code, its highest bit first. */
    void writeCode(int code, int n) {
      write(Integer.reverse(code) >>> (32 - n), n);
    }
  }
}
