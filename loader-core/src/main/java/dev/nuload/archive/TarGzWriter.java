package dev.nuload.archive;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Writes a gzip-compressed tar archive ({@code .tgz}) with relative entry names, regular files with
 * mode 0644 and directories with mode 0755, POSIX long names and sizes. The archive is written to a
 * temporary file beside the target and renamed onto it by {@link #commit()}; closing without a
 * commit deletes the temporary file, so a failed run never leaves a truncated archive under the
 * final name.
 *
 * <p>Entries carry a fixed modification time, so the same inputs give the same archive bytes.
 */
public final class TarGzWriter implements AutoCloseable {
  /** Modification time stamped on every entry (the nuScenes v1.0 release date). */
  public static final Instant ENTRY_TIME = Instant.parse("2019-03-26T00:00:00Z");

  private static final int FILE_MODE = 0100644;
  private static final int DIR_MODE = 040755;

  private final Path target;
  private final Path temp;
  private final TarArchiveOutputStream tar;
  private long entries;
  private boolean committed;

  /**
   * Opens a writer.
   *
   * @param target the final archive path; its folder must exist.
   * @param level gzip level, 1 (fast) to 9 (small).
   * @throws IOException when the temporary file cannot be created.
   */
  public TarGzWriter(Path target, int level) throws IOException {
    if (level < 1 || level > 9) {
      throw new IllegalArgumentException("gzip level must be 1..9, got " + level);
    }
    this.target = target;
    this.temp = target.resolveSibling(target.getFileName() + ".part");
    OutputStream raw = new BufferedOutputStream(Files.newOutputStream(temp), 1 << 20);
    GZIPOutputStream gz =
        new GZIPOutputStream(raw, 1 << 16) {
          {
            def.setLevel(level);
          }
        };
    tar = new TarArchiveOutputStream(gz, "UTF-8");
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
  }

  /**
   * Adds a directory entry.
   *
   * @param name relative name; a trailing slash is added when missing.
   * @throws IOException on a write error.
   */
  public void addDirectory(String name) throws IOException {
    String n = checkName(name).endsWith("/") ? name : name + "/";
    TarArchiveEntry e = new TarArchiveEntry(n);
    e.setMode(DIR_MODE);
    e.setModTime(FileTime.from(ENTRY_TIME));
    tar.putArchiveEntry(e);
    tar.closeArchiveEntry();
    entries++;
  }

  /**
   * Adds a regular file with the contents of {@code source}.
   *
   * @param name relative entry name, for example {@code samples/CAM_FRONT/x.jpg}.
   * @param source the file to copy.
   * @throws IOException when {@code source} cannot be read or the archive written.
   */
  public void addFile(String name, Path source) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(checkName(name));
    e.setMode(FILE_MODE);
    e.setSize(Files.size(source));
    e.setModTime(FileTime.from(ENTRY_TIME));
    tar.putArchiveEntry(e);
    Files.copy(source, tar);
    tar.closeArchiveEntry();
    entries++;
  }

  /**
   * Returns how many entries were added so far.
   *
   * @return the entry count.
   */
  public long entries() {
    return entries;
  }

  /**
   * Finishes the archive and renames it onto the target path.
   *
   * @return the size of the archive in bytes.
   * @throws IOException on a write or rename error.
   */
  public long commit() throws IOException {
    tar.finish();
    tar.close();
    Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    committed = true;
    return Files.size(target);
  }

  @Override
  public void close() throws IOException {
    if (!committed) {
      try {
        tar.close();
      } finally {
        Files.deleteIfExists(temp);
      }
    }
  }

  private static String checkName(String name) {
    if (name.isEmpty() || name.startsWith("/") || name.contains("..") || name.contains("\\")) {
      throw new IllegalArgumentException(
          "tar entry name must be relative and clean: '" + name + "'");
    }
    return name;
  }
}
