package dev.nuload.archive;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * A streaming reader of POSIX tar (ustar, PAX extended headers, GNU long names and sizes). Every
 * header's checksum is verified; a stream that ends inside a header or inside an entry's data is
 * reported as truncated with the tar offset.
 *
 * <p>Use: {@link #next()} returns each entry's header; then read its data with {@link
 * #readData(byte[], int, int)} or leave it, and the next {@link #next()} skips what is left. Global
 * PAX headers ({@code 'g'}) are read and ignored; per-entry PAX keys {@code path}, {@code
 * linkpath}, {@code size} and {@code mtime} override the ustar fields.
 *
 * <p>Not thread-safe.
 */
public final class TarReader {
  /** Size of a tar block. */
  public static final int BLOCK = 512;

  private static final int MAX_META_BYTES = 1 << 20;

  private final InputStream in;
  private final byte[] block = new byte[BLOCK];
  private long position;
  private long remaining;
  private long padding;
  private boolean sawEndMarker;
  private boolean ended;

  /**
   * Creates a reader.
   *
   * @param in the uncompressed tar stream; not closed by this reader.
   */
  public TarReader(InputStream in) {
    this.in = in;
  }

  /**
   * Returns the offset in the tar stream of the next unread byte.
   *
   * @return bytes consumed so far.
   */
  public long position() {
    return position;
  }

  /**
   * Returns whether the stream ended with the end-of-archive marker (a zero block) rather than at a
   * plain end of input.
   *
   * @return true when the marker was seen.
   */
  public boolean sawEndMarker() {
    return sawEndMarker;
  }

  /**
   * Returns the header of the next entry, skipping the unread data of the current one.
   *
   * @return the header, or null at the end of the archive.
   * @throws IOException on a read error, a bad checksum ({@link TarFormatException}) or a truncated
   *     stream ({@link EOFException}).
   */
  public TarHeader next() throws IOException {
    if (ended) {
      return null;
    }
    skipRest();
    String longName = null;
    String longLink = null;
    String paxPath = null;
    String paxLink = null;
    long paxSize = -1;
    long paxMtime = Long.MIN_VALUE;
    while (true) {
      long headerOffset = position;
      if (!readBlockOrEnd()) {
        ended = true;
        if (longName != null || paxPath != null || paxSize >= 0) {
          throw new EOFException("tar stream ends after a long-name or PAX header");
        }
        return null;
      }
      if (isZero(block)) {
        sawEndMarker = true;
        ended = true;
        return null;
      }
      verifyChecksum(headerOffset);
      byte type = block[156];
      long size = parseNumber(block, 124, 12, "size", headerOffset);
      if (size < 0) {
        throw new TarFormatException("negative size at tar offset " + headerOffset);
      }
      switch (type) {
        case 'L', 'K' -> {
          String s = readMetaString(size, headerOffset);
          if (type == 'L') {
            longName = s;
          } else {
            longLink = s;
          }
          continue;
        }
        case 'x' -> {
          byte[] pax = readMeta(size, headerOffset);
          PaxRecords r = PaxRecords.parse(pax, headerOffset);
          if (r.path() != null) {
            paxPath = r.path();
          }
          if (r.linkPath() != null) {
            paxLink = r.linkPath();
          }
          if (r.size() >= 0) {
            paxSize = r.size();
          }
          if (r.mtimeSeconds() != Long.MIN_VALUE) {
            paxMtime = r.mtimeSeconds();
          }
          continue;
        }
        case 'g' -> {
          readMeta(size, headerOffset);
          continue;
        }
        default -> {}
      }
      String name = paxPath != null ? paxPath : longName != null ? longName : ustarName();
      String link =
          paxLink != null ? paxLink : longLink != null ? longLink : cString(block, 157, 100);
      long dataSize = paxSize >= 0 ? paxSize : size;
      int mode = (int) parseNumber(block, 100, 8, "mode", headerOffset);
      long mtime =
          paxMtime != Long.MIN_VALUE
              ? paxMtime
              : parseNumber(block, 136, 12, "mtime", headerOffset);
      // Directories, links and devices carry no data even when a size is stored.
      boolean hasData =
          !(type == '1' || type == '2' || type == '3' || type == '4' || type == '5' || type == '6');
      remaining = hasData ? dataSize : 0;
      padding = hasData ? (BLOCK - (dataSize % BLOCK)) % BLOCK : 0;
      return new TarHeader(name, link, type, hasData ? dataSize : 0, mode, mtime, headerOffset);
    }
  }

  /**
   * Returns how many data bytes of the current entry are still unread.
   *
   * @return bytes.
   */
  public long remaining() {
    return remaining;
  }

  /**
   * Reads exactly {@code len} bytes of the current entry's data.
   *
   * @param dst destination.
   * @param off offset in {@code dst}.
   * @param len bytes to read; at most {@link #remaining()}.
   * @throws IOException on a read error or a truncated stream ({@link EOFException}).
   */
  public void readData(byte[] dst, int off, int len) throws IOException {
    if (len > remaining) {
      throw new IllegalArgumentException("read past entry end: " + len + " > " + remaining);
    }
    readFully(dst, off, len);
    remaining -= len;
  }

  /**
   * Reads the next {@code dst.remaining()} bytes of the current entry's data into {@code dst}.
   *
   * @param dst destination (for example a direct buffer a file is then written from).
   * @throws IOException when the stream ends early.
   */
  public void readData(java.nio.ByteBuffer dst) throws IOException {
    int len = dst.remaining();
    if (len > remaining) {
      throw new IllegalArgumentException("read past entry end: " + len + " > " + remaining);
    }
    byte[] scratch = in instanceof ChunkPipe ? null : new byte[Math.min(len, 64 << 10)];
    while (dst.hasRemaining()) {
      int r;
      if (in instanceof ChunkPipe pipe) {
        r = pipe.read(dst);
      } else {
        r = in.read(scratch, 0, Math.min(scratch.length, dst.remaining()));
        if (r > 0) {
          dst.put(scratch, 0, r);
        }
      }
      if (r < 0) {
        throw new EOFException("tar stream ends inside entry data at tar offset " + position);
      }
      position += r;
    }
    remaining -= len;
  }

  /**
   * Takes the next {@code len} bytes of the current entry's data without copying them, when the
   * stream is a {@link ChunkPipe} holding them in one native chunk; else returns null and reads
   * nothing (the caller then reads them with {@link #readData(java.nio.ByteBuffer)}).
   *
   * @param len bytes (at least 1, at most {@link #remaining()}).
   * @return the bytes and their release, or null.
   * @throws IOException on a read error.
   */
  ChunkPipe.Borrowed borrowData(int len) throws IOException {
    if (len > remaining) {
      throw new IllegalArgumentException("read past entry end: " + len + " > " + remaining);
    }
    if (!(in instanceof ChunkPipe pipe)) {
      return null;
    }
    ChunkPipe.Borrowed b = pipe.borrow(len);
    if (b != null) {
      position += len;
      remaining -= len;
    }
    return b;
  }

  private void skipRest() throws IOException {
    long n = remaining + padding;
    remaining = 0;
    padding = 0;
    byte[] scratch = null;
    while (n > 0) {
      long skipped = in.skip(n);
      if (skipped <= 0) {
        if (scratch == null) {
          scratch = new byte[8192];
        }
        int r = in.read(scratch, 0, (int) Math.min(scratch.length, n));
        if (r < 0) {
          throw new EOFException("tar stream ends inside entry data at tar offset " + position);
        }
        skipped = r;
      }
      n -= skipped;
      position += skipped;
    }
  }

  private boolean readBlockOrEnd() throws IOException {
    int got = 0;
    while (got < BLOCK) {
      int r = in.read(block, got, BLOCK - got);
      if (r < 0) {
        if (got == 0) {
          return false;
        }
        throw new EOFException("tar stream ends inside a header at tar offset " + position);
      }
      got += r;
      position += r;
    }
    return true;
  }

  private void readFully(byte[] dst, int off, int len) throws IOException {
    while (len > 0) {
      int r = in.read(dst, off, len);
      if (r < 0) {
        throw new EOFException("tar stream ends inside entry data at tar offset " + position);
      }
      off += r;
      len -= r;
      position += r;
    }
  }

  private byte[] readMeta(long size, long headerOffset) throws IOException {
    if (size > MAX_META_BYTES) {
      throw new TarFormatException(
          "extended header of " + size + " bytes at tar offset " + headerOffset + " exceeds 1 MiB");
    }
    byte[] b = new byte[(int) size];
    readFully(b, 0, b.length);
    long pad = (BLOCK - (size % BLOCK)) % BLOCK;
    padding = pad;
    remaining = 0;
    skipRest();
    return b;
  }

  private String readMetaString(long size, long headerOffset) throws IOException {
    byte[] b = readMeta(size, headerOffset);
    int n = 0;
    while (n < b.length && b[n] != 0) {
      n++;
    }
    return new String(b, 0, n, StandardCharsets.UTF_8);
  }

  private String ustarName() {
    String name = cString(block, 0, 100);
    boolean ustar =
        block[257] == 'u'
            && block[258] == 's'
            && block[259] == 't'
            && block[260] == 'a'
            && block[261] == 'r';
    if (ustar
        && block[345] != 0
        && !(block[262] == ' ')) { // GNU magic "ustar  " has no prefix field
      String prefix = cString(block, 345, 155);
      if (!prefix.isEmpty()) {
        return prefix + "/" + name;
      }
    }
    return name;
  }

  private void verifyChecksum(long headerOffset) throws TarFormatException {
    long stored = parseNumber(block, 148, 8, "checksum", headerOffset);
    long unsigned = 0;
    long signed = 0;
    for (int i = 0; i < BLOCK; i++) {
      int b = (i >= 148 && i < 156) ? ' ' : block[i];
      unsigned += b & 0xff;
      signed += b;
    }
    if (stored != unsigned && stored != signed) {
      throw new TarFormatException(
          "bad tar header checksum at tar offset "
              + headerOffset
              + " (stored "
              + stored
              + ", computed "
              + unsigned
              + ")");
    }
  }

  private static String cString(byte[] b, int off, int len) {
    int n = 0;
    while (n < len && b[off + n] != 0) {
      n++;
    }
    return new String(b, off, n, StandardCharsets.UTF_8);
  }

  static long parseNumber(byte[] b, int off, int len, String field, long headerOffset)
      throws TarFormatException {
    if ((b[off] & 0x80) != 0) { // base-256 (GNU): big-endian two's complement
      if ((b[off] & 0x40) != 0) {
        throw new TarFormatException(
            "negative base-256 " + field + " at tar offset " + headerOffset);
      }
      long v = b[off] & 0x3f;
      for (int i = 1; i < len; i++) {
        if (v > (Long.MAX_VALUE >> 8)) {
          throw new TarFormatException(field + " too large at tar offset " + headerOffset);
        }
        v = (v << 8) | (b[off + i] & 0xff);
      }
      return v;
    }
    long v = 0;
    int i = off;
    int end = off + len;
    while (i < end && (b[i] == ' ' || b[i] == 0)) {
      i++;
    }
    boolean any = false;
    for (; i < end; i++) {
      byte c = b[i];
      if (c == ' ' || c == 0) {
        break;
      }
      if (c < '0' || c > '7') {
        throw new TarFormatException(
            "bad octal digit in " + field + " at tar offset " + headerOffset);
      }
      v = (v << 3) + (c - '0');
      any = true;
    }
    return any ? v : 0;
  }

  private static boolean isZero(byte[] b) {
    for (byte x : b) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  /** A malformed tar header (bad checksum, bad number, oversized extended header). */
  public static final class TarFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    TarFormatException(String message) {
      super(message);
    }
  }

  /** The per-entry PAX keys nuload uses. */
  private record PaxRecords(String path, String linkPath, long size, long mtimeSeconds) {
    static PaxRecords parse(byte[] data, long headerOffset) throws TarFormatException {
      String path = null;
      String link = null;
      long size = -1;
      long mtime = Long.MIN_VALUE;
      int i = 0;
      while (i < data.length) {
        int sp = i;
        while (sp < data.length && data[sp] != ' ') {
          sp++;
        }
        int len;
        try {
          len = Integer.parseInt(new String(data, i, sp - i, StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
          if (data[i] == 0) {
            break; // NUL padding after the last record
          }
          throw new TarFormatException("bad PAX record length at tar offset " + headerOffset);
        }
        if (len <= 0 || i + len > data.length || data[i + len - 1] != '\n') {
          throw new TarFormatException("bad PAX record at tar offset " + headerOffset);
        }
        String rec = new String(data, sp + 1, i + len - 1 - (sp + 1), StandardCharsets.UTF_8);
        int eq = rec.indexOf('=');
        if (eq > 0) {
          String key = rec.substring(0, eq);
          String value = rec.substring(eq + 1);
          try {
            switch (key) {
              case "path" -> path = value;
              case "linkpath" -> link = value;
              case "size" -> size = Long.parseLong(value);
              case "mtime" -> {
                int dot = value.indexOf('.');
                mtime = Long.parseLong(dot < 0 ? value : value.substring(0, dot));
              }
              default -> {}
            }
          } catch (NumberFormatException e) {
            throw new TarFormatException(
                "bad PAX " + key + " '" + value + "' at tar offset " + headerOffset);
          }
        }
        i += len;
      }
      return new PaxRecords(path, link, size, mtime);
    }
  }
}
