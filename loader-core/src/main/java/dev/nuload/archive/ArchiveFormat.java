package dev.nuload.archive;

import dev.nuload.BadDataException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** The archive formats nuload reads, told apart by their first bytes, never by the file name. */
public enum ArchiveFormat {
  /** gzip (RFC 1952), one or more members; a tar inside. Magic {@code 1f 8b}. */
  GZIP,
  /**
   * Zstandard, one or more frames (skippable frames allowed); a tar inside. Magic {@code 28 b5 2f
   * fd}.
   */
  ZSTD,
  /** An uncompressed tar: a valid header checksum in the first block. */
  TAR;

  /**
   * Detects the format of a file from its first block.
   *
   * @param archive the file.
   * @return the format.
   * @throws CorruptArchiveException when the file is empty.
   * @throws BadDataException when the bytes match no supported format.
   * @throws IOException when the file cannot be read.
   */
  public static ArchiveFormat detect(Path archive) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(TarReader.BLOCK);
    try (FileChannel ch = FileChannel.open(archive, StandardOpenOption.READ)) {
      while (b.hasRemaining() && ch.read(b) > 0) {}
    }
    byte[] a = b.array();
    int n = b.position();
    String name = archive.getFileName().toString();
    if (n == 0) {
      throw new CorruptArchiveException(name, 0, null, "empty file (0 bytes)", null);
    }
    if (n >= 2 && (a[0] & 0xff) == 0x1f && (a[1] & 0xff) == 0x8b) {
      return GZIP;
    }
    if (n >= 4) {
      int magic = (a[0] & 0xff) | (a[1] & 0xff) << 8 | (a[2] & 0xff) << 16 | (a[3] & 0xff) << 24;
      if (magic == ZstdFrames.FRAME_MAGIC || (magic & 0xFFFFFFF0) == ZstdFrames.SKIPPABLE_MAGIC) {
        return ZSTD;
      }
    }
    if (n == TarReader.BLOCK && (tarChecksumOk(a) || java.util.Arrays.equals(a, new byte[n]))) {
      return TAR;
    }
    StringBuilder hex = new StringBuilder();
    for (int i = 0; i < Math.min(n, 4); i++) {
      hex.append(String.format("%02x ", a[i] & 0xff));
    }
    throw new BadDataException(
        name + ": not a gzip, zstd or tar archive (first bytes " + hex.toString().trim() + ")");
  }

  private static boolean tarChecksumOk(byte[] block) {
    try {
      long stored = TarReader.parseNumber(block, 148, 8, "checksum", 0);
      long sum = 0;
      for (int i = 0; i < TarReader.BLOCK; i++) {
        sum += (i >= 148 && i < 156) ? ' ' : (block[i] & 0xff);
      }
      return stored == sum && sum != 8 * ' ';
    } catch (IOException e) {
      return false;
    }
  }
}
