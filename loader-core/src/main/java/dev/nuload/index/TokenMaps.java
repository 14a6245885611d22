package dev.nuload.index;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * Creates and opens {@link TokenMap} files (Chronicle Map underneath).
 *
 * <p>Loading this class switches Chronicle's usage analytics off (system property {@code
 * chronicle.analytics.disable=true} unless already set), before any Chronicle class initialises; no
 * Chronicle class is reachable except through this class. The build also leaves the analytics
 * module out of the dependency tree, so no sender is on the class path at all.
 *
 * <p>Sizing: the writer is told the entry count and the average key and value lengths up front; the
 * file is laid out for exactly that many entries (at trainval scale, 2.6 million sample_data paths
 * take about 460 MB and 6 s to write on two cores).
 */
public final class TokenMaps {
  static {
    ChronicleQuiet.apply();
  }

  private TokenMaps() {}

  /**
   * Starts a token to {@code long} map.
   *
   * @param target the final file name; the map is written next to it under a temporary name.
   * @param entries how many entries will be put (the file is sized for this many).
   * @param averageTokenLength average key length in characters (32 for nuScenes tokens).
   * @return the writer; {@link TokenMapWriter#commit()} publishes the file.
   */
  public static TokenMapWriter<Long> createLongMap(
      Path target, long entries, double averageTokenLength) {
    return ChronicleBackend.createLongs(target, entries, averageTokenLength);
  }

  /**
   * Starts a token to string map.
   *
   * @param target the final file name; the map is written next to it under a temporary name.
   * @param entries how many entries will be put (the file is sized for this many).
   * @param averageTokenLength average key length in characters.
   * @param averageValueLength average value length in UTF-8 bytes.
   * @return the writer; {@link TokenMapWriter#commit()} publishes the file.
   */
  public static TokenMapWriter<String> createStringMap(
      Path target, long entries, double averageTokenLength, double averageValueLength) {
    return ChronicleBackend.createStrings(target, entries, averageTokenLength, averageValueLength);
  }

  /**
   * Opens a token to {@code long} map after checking it against what its writer recorded.
   *
   * @param expected the file, size, CRC32C and entry count recorded at commit.
   * @return the open map.
   * @throws IndexUnusableException when the file is missing, differs in size or checksum, fails to
   *     open or holds another entry count.
   */
  public static TokenMap<Long> openLongMap(TokenMapFile expected) throws IndexUnusableException {
    verifyFile(expected);
    return ChronicleBackend.open(expected, Long.class);
  }

  /**
   * Opens a token to string map after checking it against what its writer recorded.
   *
   * @param expected the file, size, CRC32C and entry count recorded at commit.
   * @return the open map.
   * @throws IndexUnusableException when the file is missing, differs in size or checksum, fails to
   *     open or holds another entry count.
   */
  public static TokenMap<String> openStringMap(TokenMapFile expected)
      throws IndexUnusableException {
    verifyFile(expected);
    return ChronicleBackend.open(expected, String.class);
  }

  /**
   * Checks a map file's presence, size and checksum without opening it (the checks {@code open*}
   * run first). A truncated file never reaches the store, whose memory mapping would fault.
   *
   * @param expected what the writer recorded.
   * @throws IndexUnusableException naming the file and the mismatch.
   */
  public static void verifyFile(TokenMapFile expected) throws IndexUnusableException {
    Path f = expected.file();
    if (!Files.isRegularFile(f)) {
      throw new IndexUnusableException("token map " + f + " is missing");
    }
    try {
      long size = Files.size(f);
      if (size != expected.sizeBytes()) {
        throw new IndexUnusableException(
            "token map " + f + " has " + size + " bytes, expected " + expected.sizeBytes());
      }
      long crc = crc32c(f);
      if (crc != expected.crc32c()) {
        throw new IndexUnusableException(
            String.format(
                "token map %s has CRC32C %08x, expected %08x", f, crc, expected.crc32c()));
      }
    } catch (IOException e) {
      throw new IndexUnusableException("token map " + f + " cannot be read: " + e, e);
    }
  }

  /**
   * Computes the CRC32C of a whole file.
   *
   * @param file the file.
   * @return the checksum as an unsigned 32-bit value.
   * @throws IOException when the file cannot be read.
   */
  public static long crc32c(Path file) throws IOException {
    CRC32C crc = new CRC32C();
    ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      while (ch.read(buf) >= 0) {
        buf.flip();
        crc.update(buf);
        buf.clear();
      }
    }
    return crc.getValue();
  }

  static UncheckedIOException unchecked(String what, IOException e) {
    return new UncheckedIOException(what + ": " + e.getMessage(), e);
  }
}
