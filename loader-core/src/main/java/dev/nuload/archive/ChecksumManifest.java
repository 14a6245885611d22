package dev.nuload.archive;

import dev.nuload.BadDataException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Expected checksums in the format of {@code md5sum} / {@code sha256sum} ({@code <hex> <name>} or
 * {@code <hex> *<name>}); the algorithm of each line follows from its length (32 hex digits md5, 64
 * sha256). A name is either an archive's file name (its compressed bytes are checked as they are
 * read) or an entry name inside the archives (the file is checked before it is published; a
 * mismatch never reaches its final name).
 */
public final class ChecksumManifest {
  /**
   * One expected checksum.
   *
   * @param algorithm {@code MD5} or {@code SHA-256}.
   * @param hex lower-case hex digest.
   */
  public record Expected(String algorithm, String hex) {
    /**
     * Creates a digest for this algorithm.
     *
     * @return a new digest.
     */
    public MessageDigest newDigest() {
      try {
        return MessageDigest.getInstance(algorithm);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }

    /**
     * Checks a computed digest.
     *
     * @param digest the digest after all bytes.
     * @return null when it matches, else the computed hex.
     */
    public String mismatch(MessageDigest digest) {
      String got = HexFormat.of().formatHex(digest.digest());
      return got.equals(hex) ? null : got;
    }
  }

  /** An empty manifest. */
  public static final ChecksumManifest NONE = new ChecksumManifest(Map.of());

  private final Map<String, Expected> byName;

  private ChecksumManifest(Map<String, Expected> byName) {
    this.byName = byName;
  }

  /**
   * Reads a manifest file.
   *
   * @param file the manifest.
   * @return the manifest.
   * @throws BadDataException naming the file and line when a line is malformed.
   * @throws IOException when the file cannot be read.
   */
  public static ChecksumManifest read(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    Map<String, Expected> m = new HashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int sp = line.indexOf(' ');
      if (sp < 0 || sp + 1 >= line.length()) {
        throw new BadDataException(file + ":" + (i + 1) + ": expected '<hex>  <name>'");
      }
      String hex = line.substring(0, sp).toLowerCase(java.util.Locale.ROOT);
      String name = line.substring(sp + 1);
      if (name.startsWith(" ") || name.startsWith("*")) {
        name = name.substring(1);
      }
      while (name.startsWith("./")) {
        name = name.substring(2);
      }
      String alg =
          switch (hex.length()) {
            case 32 -> "MD5";
            case 64 -> "SHA-256";
            default ->
                throw new BadDataException(
                    file + ":" + (i + 1) + ": checksum must be 32 (md5) or 64 (sha256) hex digits");
          };
      if (!hex.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        throw new BadDataException(file + ":" + (i + 1) + ": checksum is not hex");
      }
      m.put(name, new Expected(alg, hex));
    }
    return new ChecksumManifest(Map.copyOf(m));
  }

  /**
   * Looks up a name.
   *
   * @param name an archive file name or a clean entry name.
   * @return the expected checksum, or null.
   */
  public Expected get(String name) {
    return byName.get(name);
  }

  /**
   * Returns how many names the manifest lists.
   *
   * @return the count.
   */
  public int size() {
    return byName.size();
  }
}
