package dev.nuload.archive;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * Window resolution for {@link ParallelGzipInflater}: the two stand-in windows a chunk is decoded
 * with before the output in front of it is known, and the replacement of the stand-in bytes by the
 * real 32 KiB window once it is (in a chunk's output, and in ISA-L's window so the second decoder
 * can stop).
 */
final class WindowResolver {
  private static final int BLOCK = ChunkPipe.CHUNK;

  /**
   * The two stand-in windows a speculative chunk is decoded with: {@code a[q] = q mod 256}, {@code
   * b[q] = a[q] + q / 256 + 1 mod 256}.
   */
  static final MemorySegment WINDOW_A;

  /** The second stand-in window (see {@link #WINDOW_A}). */
  static final MemorySegment WINDOW_B;

  static {
    Arena a = Arena.global();
    WINDOW_A = a.allocate(IsalChunkDecoder.WINDOW);
    WINDOW_B = a.allocate(IsalChunkDecoder.WINDOW);
    for (int q = 0; q < IsalChunkDecoder.WINDOW; q++) {
      WINDOW_A.set(JAVA_BYTE, q, (byte) q);
      WINDOW_B.set(JAVA_BYTE, q, (byte) (q + (q >>> 8) + 1));
    }
  }

  /** The real output before a chunk: its last 32 KiB and how many bytes there were. */
  record Window(byte[] bytes, long outputBefore) {}

  private final String archive;

  /**
   * Creates a resolver for one archive.
   *
   * @param archive archive name for errors.
   */
  WindowResolver(String archive) {
    this.archive = archive;
  }

  /** Window position named by a byte that differs between the two stand-in decoders. */
  static int standIn(byte a, byte b) {
    return ((((b - a) & 0xff) - 1) << 8) | (a & 0xff);
  }

  /**
   * Replaces the stand-in bytes of a speculative chunk with the real window, then computes the CRC
   * of that part. Only bytes that differ between the two decoders are touched.
   */
  void resolve(Piece p, byte[] history, long before) {
    CRC32 c = new CRC32();
    for (int base = 0; base < p.prefixLength; base += BLOCK) {
      byte[] blk = p.blocks.get(base / BLOCK);
      int len = Math.min(BLOCK, p.prefixLength - base);
      int i = 0;
      while (i < len) {
        int m = Arrays.mismatch(blk, i, len, p.prefixB, base + i, base + len);
        if (m < 0) {
          break;
        }
        i += m;
        // Stand-in bytes come in runs (copies of copies): check the next bytes one by one
        // before searching again.
        for (int stop = Math.min(len, i + 256); i < stop; i++) {
          byte a = blk[i];
          byte b = p.prefixB[base + i];
          if (a != b) {
            int q = standIn(a, b);
            if (IsalChunkDecoder.WINDOW - q > before) {
              throw corrupt(
                  p.startBit >>> 3, "deflate back-reference before the start of the gzip member");
            }
            blk[i] = history[q];
          }
        }
      }
      c.update(blk, 0, len);
    }
    p.prefixCrc = c.getValue();
    p.resolved = true;
  }

  /** Slides the window: {@code history} ends with the (resolved) output of {@code p}. */
  static void keepHistory(Piece p, byte[] history) {
    int w = history.length;
    int n = (int) Math.min(p.length, w);
    System.arraycopy(history, n, history, 0, w - n);
    System.arraycopy(p.last(n), 0, history, w - n, n);
  }

  /**
   * Returns the real bytes of the last {@code p.lastA.length} output positions of {@code p}, given
   * the real window before the piece; {@code p.prefixB} tells which of them came from that window.
   */
  static byte[] resolvedLast(Piece p, byte[] window) {
    int n = p.lastA.length;
    byte[] r = new byte[IsalChunkDecoder.WINDOW];
    System.arraycopy(window, n, r, 0, IsalChunkDecoder.WINDOW - n);
    long base = p.length - n;
    for (int i = 0; i < n; i++) {
      long pos = base + i;
      byte a = p.lastA[i];
      if (pos < p.prefixLength && p.prefixB != null && p.prefixB[(int) pos] != a) {
        a = window[standIn(a, p.prefixB[(int) pos])];
      }
      r[IsalChunkDecoder.WINDOW - n + i] = a;
    }
    return r;
  }

  /**
   * Once the real window before a speculative chunk is known, writes the real bytes into ISA-L's
   * window of the first decoder, so the second can stop at once.
   *
   * @return true when the window was replaced.
   */
  static boolean useRealWindow(IsalChunkDecoder a, IsalChunkDecoder second, Window window) {
    return window != null && a.resolveWindow(second, window.bytes());
  }

  private CorruptArchiveException corrupt(long at, String reason) {
    return new CorruptArchiveException(archive, at, null, reason, null);
  }
}
