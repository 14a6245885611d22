package dev.nuload.archive;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.DataFormatException;

/**
 * gzip (RFC 1952) decoding with exact compressed offsets: a streaming decoder for any number of
 * concatenated members, a scanner for BGZF files (members that state their own length, as written
 * by bgzip), and a decoder for one member held in memory (for parallel decoding). Each member's
 * CRC-32 and length are checked. The deflate data is decoded by an {@link InflateEngine}.
 */
final class GzipDecoder {
  private static final int FTEXT = 1;
  private static final int FHCRC = 2;
  private static final int FEXTRA = 4;
  private static final int FNAME = 8;
  private static final int FCOMMENT = 16;

  private final String archive;
  private final SourceReader src;
  private final InflateEngine engine;
  private final byte[] in = new byte[1 << 18];
  private int inPos;
  private int inLen;
  private long inBase;

  GzipDecoder(String archive, SourceReader src, InflateEngine engine) {
    this.archive = archive;
    this.src = src;
    this.engine = engine;
  }

  /** Decodes every member into the pipe, then finishes it. */
  void run(ChunkPipe pipe) throws IOException, InterruptedException {
    run(pipe, true);
  }

  /**
   * Decodes the members from the source's position into the pipe.
   *
   * @param pipe where output goes.
   * @param atFirstMember true at the start of the file; false right after a member that was decoded
   *     elsewhere (then only further members or zero padding may follow).
   */
  void run(ChunkPipe pipe, boolean atFirstMember) throws IOException, InterruptedException {
    inBase = src.position();
    byte[] out = pipe.emptyBuffer();
    int fill = 0;
    try (RawInflater inf = engine.open(in.length, ChunkPipe.CHUNK)) {
      boolean first = atFirstMember;
      while (true) {
        if (!first) {
          if (!ensure(1)) {
            break;
          }
          if ((in[inPos] & 0xff) != 0x1f) {
            checkTrailingZeros();
            break;
          }
        }
        first = false;
        long memberStart = offset();
        parseHeader();
        inf.reset();
        long isize = 0;
        inf.setInput(in, inPos, inLen - inPos);
        while (!inf.finished()) {
          if (inf.needsInput()) {
            // Keep the last bytes in front: an engine may have read past the end of the stream
            // into them, and the trailer is found by counting back from the end of the input.
            int keep = Math.min(RawInflater.MAX_OVERREAD, inLen);
            System.arraycopy(in, inLen - keep, in, 0, keep);
            inBase += inLen - keep;
            int r = src.read(in, keep, in.length - keep);
            inLen = keep + Math.max(0, r);
            inPos = inLen;
            if (r <= 0) {
              // Hand over what was decoded so the parser finishes the complete entries and
              // names the one that is cut.
              pipe.put(out, fill, true);
              out = pipe.emptyBuffer();
              fill = 0;
              throw corrupt(offset(), "truncated gzip data (unexpected end of file)");
            }
            inf.setInput(in, keep, r);
          }
          int n;
          try {
            n = inf.inflate(out, fill, out.length - fill);
          } catch (DataFormatException e) {
            throw corrupt(
                inBase + inLen - inf.getRemaining(), "bad deflate data: " + e.getMessage());
          }
          if (n > 0) {
            fill += n;
            isize += n;
            if (fill == out.length) {
              pipe.put(out, fill, true);
              out = pipe.emptyBuffer();
              fill = 0;
            }
          }
        }
        inPos = inLen - inf.getRemaining();
        if (inPos < 0) { // cannot happen while reads are short only at the end of the file
          throw new IllegalStateException(
              archive + ": inflate engine read " + -inPos + " bytes past the kept input");
        }
        if (!ensure(8)) {
          throw corrupt(offset(), "truncated gzip trailer");
        }
        long storedCrc = le32(in, inPos);
        long storedSize = le32(in, inPos + 4);
        if (storedCrc != inf.crc()) {
          throw corrupt(
              offset(),
              String.format(
                  "gzip CRC mismatch in the member starting at byte %d (stored %08x, computed %08x)",
                  memberStart, storedCrc, inf.crc()));
        }
        if (storedSize != (isize & 0xFFFFFFFFL)) {
          throw corrupt(
              offset(), "gzip length mismatch in the member starting at byte " + memberStart);
        }
        inPos += 8;
      }
      pipe.put(out, fill, true);
      out = null;
    }
  }

  /** Returns the file offset of the next unparsed byte. */
  long offset() {
    return inBase + inPos;
  }

  private void checkTrailingZeros() throws IOException {
    while (true) {
      for (int i = inPos; i < inLen; i++) {
        if (in[i] != 0) {
          throw corrupt(inBase + i, "trailing garbage after the last gzip member");
        }
      }
      inPos = inLen;
      if (!ensure(1)) {
        return;
      }
    }
  }

  private void parseHeader() throws IOException {
    if (!ensure(10)) {
      throw corrupt(offset(), "truncated gzip header");
    }
    if ((in[inPos] & 0xff) != 0x1f || (in[inPos + 1] & 0xff) != 0x8b) {
      throw corrupt(offset(), "not a gzip member (bad magic)");
    }
    if (in[inPos + 2] != 8) {
      throw corrupt(offset(), "gzip compression method " + in[inPos + 2] + " is not deflate");
    }
    int flg = in[inPos + 3] & 0xff;
    if ((flg & 0xe0) != 0) {
      throw corrupt(offset(), "gzip header has reserved flags set");
    }
    inPos += 10;
    if ((flg & FEXTRA) != 0) {
      if (!ensure(2)) {
        throw corrupt(offset(), "truncated gzip header");
      }
      int xlen = (in[inPos] & 0xff) | (in[inPos + 1] & 0xff) << 8;
      inPos += 2;
      if (!ensure(xlen)) {
        throw corrupt(offset(), "truncated gzip header");
      }
      inPos += xlen;
    }
    if ((flg & FNAME) != 0) {
      skipZeroTerminated();
    }
    if ((flg & FCOMMENT) != 0) {
      skipZeroTerminated();
    }
    if ((flg & FHCRC) != 0) {
      if (!ensure(2)) {
        throw corrupt(offset(), "truncated gzip header");
      }
      inPos += 2;
    }
    assert FTEXT == 1;
  }

  private void skipZeroTerminated() throws IOException {
    while (true) {
      if (!ensure(1)) {
        throw corrupt(offset(), "truncated gzip header");
      }
      if (in[inPos++] == 0) {
        return;
      }
    }
  }

  private boolean ensure(int n) throws IOException {
    if (inLen - inPos >= n) {
      return true;
    }
    System.arraycopy(in, inPos, in, 0, inLen - inPos);
    inBase += inPos;
    inLen -= inPos;
    inPos = 0;
    while (inLen < n) {
      int r = src.read(in, inLen, in.length - inLen);
      if (r < 0) {
        return false;
      }
      inLen += r;
    }
    return true;
  }

  private CorruptArchiveException corrupt(long at, String reason) {
    return new CorruptArchiveException(archive, at, null, reason, null);
  }

  static long le32(byte[] b, int i) {
    return (b[i] & 0xffL)
        | (b[i + 1] & 0xffL) << 8
        | (b[i + 2] & 0xffL) << 16
        | (b[i + 3] & 0xffL) << 24;
  }

  /**
   * Lists the members of a BGZF file (every member carries a {@code BC} extra field with its
   * length), or returns null when the file is not BGZF.
   */
  static List<Segment> scanBgzf(java.nio.channels.FileChannel ch, String archive)
      throws IOException {
    long size = ch.size();
    List<Segment> members = new ArrayList<>();
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(18);
    long pos = 0;
    while (pos < size) {
      if (size - pos < 18) {
        return members.isEmpty() ? null : checkZeros(ch, pos, size, archive, members);
      }
      b.clear();
      ZstdFrames.readFully(ch, b, pos);
      byte[] h = b.array();
      boolean bgzf =
          (h[0] & 0xff) == 0x1f
              && (h[1] & 0xff) == 0x8b
              && h[2] == 8
              && (h[3] & FEXTRA) != 0
              && h[12] == 'B'
              && h[13] == 'C'
              && h[14] == 2
              && h[15] == 0;
      if (!bgzf) {
        return members.isEmpty() ? null : checkZeros(ch, pos, size, archive, members);
      }
      long bsize = ((h[16] & 0xff) | (h[17] & 0xff) << 8) + 1;
      if (pos + bsize > size) {
        throw new CorruptArchiveException(archive, size, null, "truncated BGZF member", null);
      }
      members.add(new Segment(pos, bsize, -1));
      pos += bsize;
    }
    return members;
  }

  private static List<Segment> checkZeros(
      java.nio.channels.FileChannel ch, long pos, long size, String archive, List<Segment> members)
      throws IOException {
    // A BGZF file that stops being BGZF halfway is decoded by the streaming decoder instead.
    return null;
  }

  /**
   * Returns the length of the gzip member header at the start of {@code m}, or -1 when {@code m}
   * does not hold a whole, valid header.
   *
   * @param m bytes from the start of a member.
   * @param n how many of them are valid.
   * @return header length in bytes (the offset of the deflate data), or -1.
   */
  static int headerLength(byte[] m, int n) {
    if (n < 10 || (m[0] & 0xff) != 0x1f || (m[1] & 0xff) != 0x8b || m[2] != 8) {
      return -1;
    }
    int flg = m[3] & 0xff;
    if ((flg & 0xe0) != 0) {
      return -1;
    }
    int p = 10;
    if ((flg & FEXTRA) != 0) {
      if (p + 2 > n) {
        return -1;
      }
      p += 2 + ((m[10] & 0xff) | (m[11] & 0xff) << 8);
    }
    for (int f : new int[] {FNAME, FCOMMENT}) {
      if ((flg & f) != 0) {
        while (p < n && m[p] != 0) {
          p++;
        }
        if (p >= n) {
          return -1;
        }
        p++;
      }
    }
    if ((flg & FHCRC) != 0) {
      p += 2;
    }
    return p <= n ? p : -1;
  }

  /** Decodes one complete member held in memory; checks its CRC and length. */
  static byte[] decodeMember(byte[] m, String archive, long fileOffset, InflateEngine engine) {
    int p = headerLength(m, m.length);
    if (p < 0) {
      throw new CorruptArchiveException(archive, fileOffset, null, "bad gzip member header", null);
    }
    int n = m.length;
    long isize = le32(m, n - 4);
    long storedCrc = le32(m, n - 8);
    byte[] out = new byte[(int) isize + 1];
    try (RawInflater inf = engine.open(n - 8 - p, Math.min(out.length, ChunkPipe.CHUNK))) {
      inf.setInput(m, p, n - 8 - p);
      int got = 0;
      while (!inf.finished()) {
        int r = inf.inflate(out, got, out.length - got);
        got += r;
        if (r == 0 && !inf.finished() && (inf.needsInput() || got == out.length)) {
          throw new CorruptArchiveException(
              archive, fileOffset, null, "gzip member does not match its stated length", null);
        }
      }
      if (got != isize || inf.crc() != storedCrc) {
        throw new CorruptArchiveException(
            archive,
            fileOffset,
            null,
            String.format("gzip CRC mismatch in the member starting at byte %d", fileOffset),
            null);
      }
      return java.util.Arrays.copyOf(out, (int) isize);
    } catch (DataFormatException e) {
      throw new CorruptArchiveException(
          archive, fileOffset, null, "bad deflate data: " + e.getMessage(), e);
    }
  }

  /** An independently decodable unit of a file (a gzip member or a zstd frame). */
  record Segment(long offset, long length, long contentSize) {}
}
