package dev.nuload.archive;

/**
 * One tar entry as read by {@link TarReader}: the effective name after GNU long-name and PAX
 * records, the type flag, the data size and the header's position in the tar stream.
 *
 * @param name the entry name exactly as stored (not yet checked or normalized).
 * @param linkName the link target for link entries, else empty.
 * @param type the tar type flag byte ({@code '0'} file, {@code '5'} directory, ...).
 * @param size bytes of data that follow the header.
 * @param mode permission bits as stored (may include setuid/setgid/sticky).
 * @param mtimeSeconds modification time, seconds since the epoch.
 * @param headerOffset offset of the entry's first header block in the tar stream.
 */
public record TarHeader(
    String name,
    String linkName,
    byte type,
    long size,
    int mode,
    long mtimeSeconds,
    long headerOffset) {

  /**
   * Returns whether the entry is a regular file ({@code '0'}, or NUL with a name not ending in
   * {@code /}).
   *
   * @return true for a regular file.
   */
  public boolean isFile() {
    return type == '0' || (type == 0 && !name.endsWith("/"));
  }

  /**
   * Returns whether the entry is a directory ({@code '5'}, or NUL with a trailing {@code /}).
   *
   * @return true for a directory.
   */
  public boolean isDirectory() {
    return type == '5' || (type == 0 && name.endsWith("/"));
  }

  /**
   * Names the entry type for messages.
   *
   * @return for example {@code "symbolic link"}.
   */
  public String typeName() {
    return switch (type) {
      case '0', 0 -> isDirectory() ? "directory" : "regular file";
      case '1' -> "hard link";
      case '2' -> "symbolic link";
      case '3' -> "character device";
      case '4' -> "block device";
      case '5' -> "directory";
      case '6' -> "FIFO";
      case '7' -> "contiguous file";
      case 'S' -> "GNU sparse file";
      case 'V' -> "volume label";
      case 'D' -> "GNU dump directory";
      case 'M' -> "GNU multi-volume continuation";
      default -> "unknown type '" + (char) (type & 0xff) + "'";
    };
  }
}
