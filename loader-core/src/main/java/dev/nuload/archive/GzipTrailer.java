package dev.nuload.archive;

import java.lang.foreign.MemorySegment;

/**
 * Checks the 8-byte trailer of a gzip member (CRC-32 and length of the output) that {@link
 * ParallelGzipInflater} inflated from a mapped file.
 */
final class GzipTrailer {
  private GzipTrailer() {}

  /**
   * Checks the trailer at {@code at} against the CRC-32 and length of the member's output.
   *
   * @param archive archive name for errors.
   * @param file the whole archive, mapped.
   * @param at byte offset of the trailer (just after the deflate data).
   * @param crc CRC-32 of the output.
   * @param total bytes of output.
   * @return the byte offset just after the trailer.
   * @throws CorruptArchiveException when the trailer is cut off or does not match.
   */
  static long check(String archive, MemorySegment file, long at, long crc, long total) {
    if (at + 8 > file.byteSize()) {
      throw corrupt(archive, at, "truncated gzip trailer");
    }
    long storedCrc = le32(file, at);
    long storedSize = le32(file, at + 4);
    if (storedCrc != crc) {
      throw corrupt(
          archive,
          at,
          String.format(
              "gzip CRC mismatch in the member starting at byte 0 (stored %08x, computed %08x)",
              storedCrc, crc));
    }
    if (storedSize != (total & 0xFFFFFFFFL)) {
      throw corrupt(archive, at, "gzip length mismatch in the member starting at byte 0");
    }
    return at + 8;
  }

  private static long le32(MemorySegment file, long at) {
    return file.get(LE_INT, at) & 0xFFFFFFFFL;
  }

  private static final java.lang.foreign.ValueLayout.OfInt LE_INT =
      java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);

  private static CorruptArchiveException corrupt(String archive, long at, String reason) {
    return new CorruptArchiveException(archive, at, null, reason, null);
  }
}
