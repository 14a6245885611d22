package dev.nuload.nuscenes.infos;

import dev.nuload.nuscenes.table.NuScenesTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

/**
 * A fast fingerprint of the 13 JSON tables of a version folder, to tell whether info files built
 * from them are stale (stored in the manifest and as {@code nusc.source_fingerprint} in the Arrow
 * schema metadata).
 *
 * <p>Per table it records the file name, length, modification time (nanoseconds) and a CRC32C of
 * the first and the last MiB (the whole file when it is at most 2 MiB). The fingerprint is the
 * SHA-256 of those lines. Hashing the whole of the trainval tables (about 1.3 GB, 2.8 GB with the
 * test tables) would cost seconds on every run; this costs at most 26 MiB of reads (milliseconds)
 * and still catches every realistic change: a re-extracted or edited table gets a new mtime, and
 * almost every edit changes the length or the JSON's head or tail. What it misses is an edit of the
 * middle of a file that keeps its length and whose mtime is then set back: {@code nuload infos
 * --force} rebuilds regardless. Touching a table (new mtime, same content) counts as a change.
 *
 * @param value the SHA-256 as 64 lower-case hex digits.
 * @param tables one stamp per table, in {@link NuScenesTable} order.
 */
public record SourceFingerprint(String value, List<TableStamp> tables) {
  /** Bytes hashed at each end of a table. */
  public static final int EDGE_BYTES = 1 << 20;

  /**
   * The recorded state of one table file.
   *
   * @param name the file name, for example {@code sample.json}.
   * @param size the length in bytes, -1 when the file is missing.
   * @param mtimeNanos the modification time in nanoseconds since the epoch, 0 when missing.
   * @param edgeCrc32c CRC32C of the first and last {@link #EDGE_BYTES} bytes, 0 when missing.
   */
  public record TableStamp(String name, long size, long mtimeNanos, long edgeCrc32c) {}

  /**
   * Returns the first 12 hex digits, for messages.
   *
   * @return a short form of {@link #value()}.
   */
  public String shortValue() {
    return value.substring(0, 12);
  }

  /**
   * Fingerprints the tables of a version folder. A missing table is recorded as missing (the table
   * loader reports it); an unreadable one throws.
   *
   * @param versionDir for example {@code dataroot/v1.0-trainval}.
   * @return the fingerprint.
   * @throws UncheckedIOException when a present table cannot be read.
   */
  public static SourceFingerprint of(Path versionDir) {
    List<TableStamp> stamps = new ArrayList<>();
    for (NuScenesTable t : NuScenesTable.values()) {
      stamps.add(stamp(versionDir.resolve(t.fileName())));
    }
    return of(stamps);
  }

  /**
   * Builds the fingerprint value from stamps.
   *
   * @param stamps the table stamps.
   * @return the fingerprint.
   */
  public static SourceFingerprint of(List<TableStamp> stamps) {
    StringBuilder sb = new StringBuilder("nuload-source-fingerprint-v1\n");
    for (TableStamp s : stamps) {
      sb.append(s.name())
          .append('\t')
          .append(s.size())
          .append('\t')
          .append(s.mtimeNanos())
          .append('\t')
          .append(Long.toHexString(s.edgeCrc32c()))
          .append('\n');
    }
    return new SourceFingerprint(sha256(sb.toString()), List.copyOf(stamps));
  }

  static TableStamp stamp(Path file) {
    String name = file.getFileName().toString();
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      long mtime = a.lastModifiedTime().to(TimeUnit.NANOSECONDS);
      return new TableStamp(name, a.size(), mtime, edgeCrc(file, a.size()));
    } catch (NoSuchFileException e) {
      return new TableStamp(name, -1, 0, 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read table " + file + ": " + e.getMessage(), e);
    }
  }

  private static long edgeCrc(Path file, long size) throws IOException {
    CRC32C crc = new CRC32C();
    ByteBuffer buf = ByteBuffer.allocate((int) Math.min(size, 2L * EDGE_BYTES));
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      if (size <= 2L * EDGE_BYTES) {
        readFully(ch, buf, 0);
      } else {
        buf.limit(EDGE_BYTES);
        readFully(ch, buf, 0);
        buf.limit(2 * EDGE_BYTES);
        readFully(ch, buf, size - EDGE_BYTES);
      }
    }
    buf.flip();
    crc.update(buf);
    return crc.getValue();
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
    long pos = position;
    while (buf.hasRemaining()) {
      int n = ch.read(buf, pos);
      if (n < 0) {
        throw new IOException("file shrank while being fingerprinted");
      }
      pos += n;
    }
  }

  static String sha256(String text) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(md.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }
}
