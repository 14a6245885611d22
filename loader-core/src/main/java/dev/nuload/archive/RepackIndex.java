package dev.nuload.archive;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The entry index at the end of a {@code .tar.zst} written by {@link Repacker}: a zstd skippable
 * frame (ignored by every zstd decoder, so the file stays a plain {@code .tar.zst}) that lists each
 * compressed frame (where it is, which tar bytes and entries it holds) and each entry (name, type,
 * size). Every frame starts at a tar entry boundary, so frames decompress and parse independently.
 * Layout: {@code docs/format/repacked-tar-zst.md}.
 *
 * <pre>
 * index frame: +0 u32 0x184D2A5B (skippable magic) | +4 u32 payload length P | +8 payload
 * payload:     +0 "NULDIDX1" | +8 u32 version=1 | +12 u32 frame count F | +16 u64 entry count E
 *              +24 F frame records of 40 bytes:
 *                  u64 compressed offset | u64 compressed length | u64 tar offset | u64 tar length
 *                  u32 first entry | u32 entry count
 *              then E entry records: u64 size | u8 tar type flag | u16 name length N | N bytes name
 *              then the footer, the last 16 bytes of the file:
 *                  u64 index frame length (8 + P) | "NULDIDXE"
 * </pre>
 *
 * All integers little-endian.
 *
 * @param frames the data frames in file order.
 * @param entries the entries in tar order.
 */
public record RepackIndex(List<Frame> frames, List<Entry> entries) {
  /** Magic of the skippable frame that holds the index. */
  public static final int SKIPPABLE_MAGIC = 0x184D2A5B;

  /** Payload magic. */
  public static final byte[] MAGIC = "NULDIDX1".getBytes(StandardCharsets.US_ASCII);

  /** Footer magic (last 8 bytes of the file). */
  public static final byte[] FOOTER_MAGIC = "NULDIDXE".getBytes(StandardCharsets.US_ASCII);

  /** Layout version. */
  public static final int VERSION = 1;

  /** Bytes of the payload header (magic, version, frame count, entry count). */
  public static final int PAYLOAD_HEADER = 24;

  /** Bytes of one frame record. */
  public static final int FRAME_RECORD = 40;

  /** Bytes of an entry record before its name. */
  public static final int ENTRY_FIXED = 11;

  /** Bytes of the footer. */
  public static final int FOOTER = 16;

  /**
   * One compressed frame.
   *
   * @param offset byte offset of the frame in the file.
   * @param length compressed bytes.
   * @param tarOffset offset of its first byte in the tar stream.
   * @param tarLength uncompressed bytes.
   * @param firstEntry index of its first entry.
   * @param entryCount entries that start in it.
   */
  public record Frame(
      long offset, long length, long tarOffset, long tarLength, int firstEntry, int entryCount) {}

  /**
   * One tar entry.
   *
   * @param name the name as stored in the tar.
   * @param type the tar type flag.
   * @param size data bytes.
   */
  public record Entry(String name, byte type, long size) {}

  /**
   * Encodes the index as its skippable frame, footer included.
   *
   * @return the bytes to append to the file.
   */
  public byte[] encode() {
    List<byte[]> names = new ArrayList<>(entries.size());
    long namesBytes = 0;
    for (Entry e : entries) {
      byte[] n = e.name().getBytes(StandardCharsets.UTF_8);
      names.add(n);
      namesBytes += ENTRY_FIXED + n.length;
    }
    long payload = PAYLOAD_HEADER + (long) FRAME_RECORD * frames.size() + namesBytes + FOOTER;
    if (payload > Integer.MAX_VALUE - 16) {
      throw new IllegalStateException("index too large");
    }
    ByteBuffer b = ByteBuffer.allocate((int) payload + 8).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(SKIPPABLE_MAGIC).putInt((int) payload);
    b.put(MAGIC).putInt(VERSION).putInt(frames.size()).putLong(entries.size());
    for (Frame f : frames) {
      b.putLong(f.offset()).putLong(f.length()).putLong(f.tarOffset()).putLong(f.tarLength());
      b.putInt(f.firstEntry()).putInt(f.entryCount());
    }
    for (int i = 0; i < entries.size(); i++) {
      Entry e = entries.get(i);
      b.putLong(e.size()).put(e.type()).putShort((short) names.get(i).length).put(names.get(i));
    }
    b.putLong(payload + 8).put(FOOTER_MAGIC);
    return b.array();
  }

  /**
   * Reads the index at the end of a file.
   *
   * @param ch the file.
   * @param archive the file name, for messages.
   * @return the index, or null when the file has no index footer.
   * @throws CorruptArchiveException when a footer is present but the index is inconsistent.
   * @throws IOException on a read error.
   */
  public static RepackIndex read(FileChannel ch, String archive) throws IOException {
    long size = ch.size();
    if (size < FOOTER + 8 + PAYLOAD_HEADER) {
      return null;
    }
    ByteBuffer foot = ByteBuffer.allocate(FOOTER).order(ByteOrder.LITTLE_ENDIAN);
    ZstdFrames.readFully(ch, foot, size - FOOTER);
    byte[] magic = new byte[8];
    foot.get(8, magic);
    if (!java.util.Arrays.equals(magic, FOOTER_MAGIC)) {
      return null;
    }
    long len = foot.getLong(0);
    if (len < 8 + PAYLOAD_HEADER + FOOTER || len > size || len > Integer.MAX_VALUE) {
      throw bad(archive, size - FOOTER, "index length " + len + " out of range");
    }
    long start = size - len;
    ByteBuffer b = ByteBuffer.allocate((int) len).order(ByteOrder.LITTLE_ENDIAN);
    ZstdFrames.readFully(ch, b, start);
    b.flip();
    if (b.getInt(0) != SKIPPABLE_MAGIC || (b.getInt(4) & 0xFFFFFFFFL) != len - 8) {
      throw bad(archive, start, "index frame header does not match its footer");
    }
    b.get(8, magic);
    if (!java.util.Arrays.equals(magic, MAGIC) || b.getInt(16) != VERSION) {
      throw bad(archive, start, "index magic or version not recognised");
    }
    int frameCount = b.getInt(20);
    long entryCount = b.getLong(24);
    if (frameCount < 0
        || entryCount < 0
        || entryCount > Integer.MAX_VALUE
        || 8 + PAYLOAD_HEADER + (long) frameCount * FRAME_RECORD + entryCount * ENTRY_FIXED + FOOTER
            > len) {
      throw bad(archive, start, "index counts out of range");
    }
    List<Frame> frames = new ArrayList<>(frameCount);
    int p = 8 + PAYLOAD_HEADER;
    long expectOffset = 0;
    long expectTar = 0;
    long expectEntry = 0;
    for (int i = 0; i < frameCount; i++) {
      Frame f =
          new Frame(
              b.getLong(p),
              b.getLong(p + 8),
              b.getLong(p + 16),
              b.getLong(p + 24),
              b.getInt(p + 32),
              b.getInt(p + 36));
      if (f.offset() != expectOffset
          || f.length() <= 0
          || f.offset() + f.length() > start
          || f.tarOffset() != expectTar
          || f.tarLength() < 0
          || f.firstEntry() != expectEntry
          || f.entryCount() < 0) {
        throw bad(archive, start, "index frame " + i + " is inconsistent");
      }
      expectOffset = f.offset() + f.length();
      expectTar += f.tarLength();
      expectEntry += f.entryCount();
      frames.add(f);
      p += FRAME_RECORD;
    }
    if (expectEntry != entryCount || expectOffset != start) {
      throw bad(archive, start, "index frames do not cover the data");
    }
    List<Entry> entries = new ArrayList<>((int) entryCount);
    for (long i = 0; i < entryCount; i++) {
      if (p + ENTRY_FIXED > len - FOOTER) {
        throw bad(archive, start, "index entry table truncated");
      }
      long sz = b.getLong(p);
      byte type = b.get(p + 8);
      int n = b.getShort(p + 9) & 0xffff;
      p += ENTRY_FIXED;
      if (p + n > len - FOOTER || sz < 0) {
        throw bad(archive, start, "index entry " + i + " is inconsistent");
      }
      entries.add(new Entry(new String(b.array(), p, n, StandardCharsets.UTF_8), type, sz));
      p += n;
    }
    return new RepackIndex(List.copyOf(frames), List.copyOf(entries));
  }

  private static CorruptArchiveException bad(String archive, long at, String reason) {
    return new CorruptArchiveException(archive, at, null, reason, null);
  }
}
