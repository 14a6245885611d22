package dev.nuload.archive;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * The per-archive extraction journal, {@code <target>/.nuload/extract/<archive file name>.journal}:
 * a fixed header that identifies the archive (size and modification time), then one appended record
 * per published file and a final COMPLETE record. Records are written right after each file's
 * rename, straight to the file (no user-space buffer), so a killed process loses at most the record
 * being written; a torn last record fails its CRC and is cut off on the next open. Layout: {@code
 * docs/format/extract-journal.md}.
 *
 * <pre>
 * header (40 bytes)                      record
 * +0  magic "NULDJRN1"                   +0  body length L (u32 LE)
 * +8  version (u32 LE) = 1               +4  CRC-32 of the body (u32 LE)
 * +12 header length (u32 LE) = 40        +8  body: kind (u8) 1=FILE 2=COMPLETE
 * +16 archive size (u64 LE)                        size (u64 LE)
 * +24 archive mtime, epoch ms (u64 LE)             name length N (u16 LE)
 * +32 created, epoch ms (u64 LE)                   name (N bytes UTF-8; COMPLETE: scope)
 * </pre>
 *
 * <p>Thread-safe: records may be appended from several writer threads.
 */
public final class ExtractJournal implements AutoCloseable {
  /** File magic. */
  public static final byte[] MAGIC = "NULDJRN1".getBytes(StandardCharsets.US_ASCII);

  /** Layout version. */
  public static final int VERSION = 1;

  /** Header length in bytes. */
  public static final int HEADER_LENGTH = 40;

  /** Offset of the archive size in the header. */
  public static final int ARCHIVE_SIZE_OFFSET = 16;

  /** Offset of the archive modification time in the header. */
  public static final int ARCHIVE_MTIME_OFFSET = 24;

  /** Offset of the creation time in the header. */
  public static final int CREATED_OFFSET = 32;

  /** Bytes before a record's body (length and CRC). */
  public static final int RECORD_PREFIX = 8;

  /** Bytes of a record body before the name (kind, size, name length). */
  public static final int BODY_FIXED = 11;

  /** Record kind: a file was published under its final name. */
  public static final byte KIND_FILE = 1;

  /** Record kind: the whole archive was extracted. */
  public static final byte KIND_COMPLETE = 2;

  private final Path file;
  private final FileChannel ch;
  private final Map<String, Long> done;
  private final String completeScope;
  private final boolean resumed;

  private ExtractJournal(
      Path file, FileChannel ch, Map<String, Long> done, String completeScope, boolean resumed) {
    this.file = file;
    this.ch = ch;
    this.done = done;
    this.completeScope = completeScope;
    this.resumed = resumed;
  }

  /**
   * Opens the journal of an archive: keeps the existing records when the header matches the
   * archive's size and modification time, else starts a new journal.
   *
   * @param file the journal path.
   * @param archiveSize the archive's size.
   * @param archiveMtimeMillis the archive's modification time.
   * @return the open journal.
   * @throws IOException on an I/O error.
   */
  public static ExtractJournal open(Path file, long archiveSize, long archiveMtimeMillis)
      throws IOException {
    Files.createDirectories(file.getParent());
    Map<String, Long> done = new HashMap<>();
    if (Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
      String[] scope = new String[1];
      long good = readExisting(ch, archiveSize, archiveMtimeMillis, done, scope);
      if (good > 0) {
        ch.truncate(good);
        ch.position(good);
        return new ExtractJournal(file, ch, done, scope[0], true);
      }
      ch.close();
      done.clear();
    }
    FileChannel ch =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.READ,
            StandardOpenOption.WRITE);
    ByteBuffer h = ByteBuffer.allocate(HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
    h.put(MAGIC).putInt(VERSION).putInt(HEADER_LENGTH);
    h.putLong(archiveSize).putLong(archiveMtimeMillis).putLong(System.currentTimeMillis());
    h.flip();
    while (h.hasRemaining()) {
      ch.write(h);
    }
    return new ExtractJournal(file, ch, done, null, false);
  }

  /** Returns the length of the valid prefix (0 when the header does not match). */
  private static long readExisting(
      FileChannel ch, long archiveSize, long archiveMtime, Map<String, Long> done, String[] scope)
      throws IOException {
    long size = ch.size();
    if (size < HEADER_LENGTH) {
      return 0;
    }
    ByteBuffer all = ByteBuffer.allocate((int) Math.min(size, Integer.MAX_VALUE - 8));
    all.order(ByteOrder.LITTLE_ENDIAN);
    while (all.hasRemaining() && ch.read(all, all.position()) > 0) {}
    all.flip();
    byte[] magic = new byte[8];
    all.get(magic);
    if (!java.util.Arrays.equals(magic, MAGIC)
        || all.getInt(8) != VERSION
        || all.getInt(12) != HEADER_LENGTH
        || all.getLong(ARCHIVE_SIZE_OFFSET) != archiveSize
        || all.getLong(ARCHIVE_MTIME_OFFSET) != archiveMtime) {
      return 0;
    }
    int p = HEADER_LENGTH;
    CRC32 crc = new CRC32();
    while (p + RECORD_PREFIX + BODY_FIXED <= all.limit()) {
      int len = all.getInt(p);
      long stored = all.getInt(p + 4) & 0xFFFFFFFFL;
      if (len < BODY_FIXED || p + RECORD_PREFIX + (long) len > all.limit()) {
        break;
      }
      crc.reset();
      crc.update(all.array(), p + RECORD_PREFIX, len);
      if (crc.getValue() != stored) {
        break;
      }
      int b = p + RECORD_PREFIX;
      byte kind = all.get(b);
      long sz = all.getLong(b + 1);
      int nameLen = all.getShort(b + 9) & 0xffff;
      if (BODY_FIXED + nameLen != len) {
        break;
      }
      String name = new String(all.array(), b + BODY_FIXED, nameLen, StandardCharsets.UTF_8);
      if (kind == KIND_FILE) {
        done.put(name, sz);
      } else if (kind == KIND_COMPLETE) {
        scope[0] = name;
      } else {
        break;
      }
      p += RECORD_PREFIX + len;
    }
    return p;
  }

  /**
   * Returns whether the journal was continued from an earlier run.
   *
   * @return true when earlier records were kept.
   */
  public boolean resumed() {
    return resumed;
  }

  /**
   * Returns the scope of an earlier run that finished the archive: empty for the whole archive,
   * else its {@code --include} patterns joined by newlines.
   *
   * @return the scope, or null when no run finished the archive.
   */
  public String completeScope() {
    return completeScope;
  }

  /**
   * Returns the files an earlier run published, by clean name, with their sizes.
   *
   * @return the map (read-only use).
   */
  public Map<String, Long> done() {
    return done;
  }

  /**
   * Records a published file.
   *
   * @param name clean entry name.
   * @param size file size.
   * @throws IOException on a write error.
   */
  public void fileDone(String name, long size) throws IOException {
    append(KIND_FILE, size, name);
  }

  /**
   * Records that the archive was extracted.
   *
   * @param totalBytes bytes of file data extracted.
   * @param scope empty for the whole archive, else the include patterns joined by newlines.
   * @param durable true to force the journal (and on journaling file systems the data before it) to
   *     disk.
   * @throws IOException on a write error.
   */
  public void complete(long totalBytes, String scope, boolean durable) throws IOException {
    append(KIND_COMPLETE, totalBytes, scope);
    if (durable) {
      ch.force(true);
    }
  }

  /**
   * Encodes one record (used by the writer and by the layout test).
   *
   * @param kind record kind.
   * @param size file size or total bytes.
   * @param name clean entry name.
   * @return the record bytes.
   */
  public static ByteBuffer encodeRecord(byte kind, long size, String name) {
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    if (n.length > 0xffff) {
      throw new IllegalArgumentException("name longer than 65535 bytes");
    }
    int len = BODY_FIXED + n.length;
    ByteBuffer r = ByteBuffer.allocate(RECORD_PREFIX + len).order(ByteOrder.LITTLE_ENDIAN);
    r.putInt(len).putInt(0).put(kind).putLong(size).putShort((short) n.length).put(n);
    CRC32 crc = new CRC32();
    crc.update(r.array(), RECORD_PREFIX, len);
    r.putInt(4, (int) crc.getValue());
    r.flip();
    return r;
  }

  private synchronized void append(byte kind, long size, String name) throws IOException {
    ByteBuffer r = encodeRecord(kind, size, name);
    while (r.hasRemaining()) {
      ch.write(r);
    }
  }

  /**
   * Returns the journal's path.
   *
   * @return the file.
   */
  public Path file() {
    return file;
  }

  @Override
  public synchronized void close() throws IOException {
    ch.close();
  }
}
