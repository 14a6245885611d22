package dev.nuload.archive;

import java.nio.charset.StandardCharsets;

/**
 * Checks an entry name and turns it into a clean relative name ({@code a/b/c}), refusing everything
 * that could land outside the target or that nuScenes never contains: empty names, NUL or
 * backslash, absolute names, any {@code ..} component (even a harmless-looking {@code a/../b}, as
 * GNU tar does), names that resolve to the target itself, and names past the length and depth
 * limits. {@code .} components and repeated or trailing slashes are dropped.
 */
public final class EntryNames {
  private EntryNames() {}

  /**
   * Returns the clean relative name, or throws.
   *
   * @param archive the archive file name, for the message.
   * @param name the name as stored.
   * @param limits path length and depth limits.
   * @param directory true for a directory entry, which may name the target itself ({@code ./}).
   * @return the normalized name, components joined by {@code /}; empty only for a directory that
   *     names the target itself.
   * @throws UnsafeEntryException when the name is refused.
   */
  public static String clean(String archive, String name, ExtractLimits limits, boolean directory) {
    if (name.isEmpty()) {
      throw new UnsafeEntryException(archive, name, "empty name");
    }
    if (name.indexOf('\0') >= 0) {
      throw new UnsafeEntryException(archive, name, "name contains NUL");
    }
    if (name.indexOf('\\') >= 0) {
      throw new UnsafeEntryException(archive, name, "name contains a backslash");
    }
    if (name.startsWith("/")) {
      throw new UnsafeEntryException(archive, name, "absolute name");
    }
    if (name.length() > 1 && name.charAt(1) == ':' && Character.isLetter(name.charAt(0))) {
      throw new UnsafeEntryException(archive, name, "drive-letter name");
    }
    if (name.getBytes(StandardCharsets.UTF_8).length > limits.maxPathBytes()) {
      throw new UnsafeEntryException(
          archive, name, "name longer than " + limits.maxPathBytes() + " bytes");
    }
    StringBuilder out = new StringBuilder(name.length());
    int depth = 0;
    for (String part : name.split("/", -1)) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        throw new UnsafeEntryException(archive, name, "name has a '..' component");
      }
      if (part.getBytes(StandardCharsets.UTF_8).length > limits.maxComponentBytes()) {
        throw new UnsafeEntryException(
            archive, name, "name component longer than " + limits.maxComponentBytes() + " bytes");
      }
      if (++depth > limits.maxDepth()) {
        throw new UnsafeEntryException(
            archive, name, "name deeper than " + limits.maxDepth() + " components");
      }
      if (!out.isEmpty()) {
        out.append('/');
      }
      out.append(part);
    }
    if (out.isEmpty() && !directory) {
      throw new UnsafeEntryException(archive, name, "name resolves to the target folder itself");
    }
    return out.toString();
  }
}
