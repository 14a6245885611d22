package dev.nuload.archive;

import dev.nuload.BadDataException;

/**
 * An archive is truncated or corrupt (bad gzip/zstd data or checksum, bad tar header). The message
 * names the archive, the compressed byte offset and the entry being read. Exit code 3.
 */
public class CorruptArchiveException extends BadDataException {
  private static final long serialVersionUID = 1L;

  private final String archive;
  private final long compressedOffset;
  private final String reason;

  /**
   * Creates the exception.
   *
   * @param archive the archive file name.
   * @param compressedOffset byte offset in the archive file where reading stopped, or -1.
   * @param entry the entry being read or last read, or null.
   * @param reason what is wrong.
   * @param cause the underlying error, or null.
   */
  public CorruptArchiveException(
      String archive, long compressedOffset, String entry, String reason, Throwable cause) {
    super(
        archive
            + ": "
            + reason
            + (compressedOffset >= 0 ? " at archive byte " + compressedOffset : "")
            + (entry != null
                ? " (entry '" + UnsafeEntryException.printable(entry) + "')"
                : " (before the first entry)"),
        cause);
    this.archive = archive;
    this.compressedOffset = compressedOffset;
    this.reason = reason;
  }

  /**
   * Returns the same error naming the entry that was being read.
   *
   * @param entry the entry name, or null.
   * @return a new exception.
   */
  public CorruptArchiveException withEntry(String entry) {
    return new CorruptArchiveException(archive, compressedOffset, entry, reason, getCause());
  }

  /**
   * Returns the byte offset in the archive where reading stopped.
   *
   * @return the offset, or -1.
   */
  public long compressedOffset() {
    return compressedOffset;
  }
}
