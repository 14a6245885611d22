package dev.nuload.archive;

import dev.nuload.BadDataException;

/**
 * An archive entry was refused: its name escapes or is unusable, its type is not a regular file or
 * a directory, it would write through a link, or it breaks a limit. Exit code 3.
 */
public class UnsafeEntryException extends BadDataException {
  private static final long serialVersionUID = 1L;

  private final String entry;

  /**
   * Creates the exception.
   *
   * @param archive the archive file name.
   * @param entry the entry name as stored.
   * @param reason why it was refused.
   */
  public UnsafeEntryException(String archive, String entry, String reason) {
    super(archive + ": entry '" + printable(entry) + "' refused: " + reason);
    this.entry = entry;
  }

  /**
   * Returns the refused entry's name as stored.
   *
   * @return the name.
   */
  public String entry() {
    return entry;
  }

  static String printable(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        b.append(String.format("\\x%02x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }
}
