package dev.nuload.nuscenes.table;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Paths to the shared real-data fixtures and helpers to copy and break them. */
public final class Fixtures {
  private Fixtures() {}

  /**
   * Returns a folder of the real nuScenes fixtures.
   *
   * @param name for example {@code scene-0523}.
   * @return the path under {@code nuload.testdata.dir}.
   */
  public static Path real(String name) {
    String dir = System.getProperty("nuload.testdata.dir", "../testdata");
    return Path.of(dir, "nuscenes-real", name);
  }

  /**
   * Copies a fixture tree (tables only unless {@code withFiles}) into a temp folder.
   *
   * @param from the fixture folder.
   * @param to the target folder.
   * @param withFiles whether to copy sensor and map files too.
   * @return {@code to}.
   */
  public static Path copy(Path from, Path to, boolean withFiles) {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        Path q = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(q);
        } else if (withFiles || p.toString().endsWith(".json")) {
          Files.copy(p, q);
          q.toFile().setWritable(true);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return to;
  }

  /**
   * Replaces the first occurrence of a text in a file.
   *
   * @param file the file.
   * @param from text to find (must occur).
   * @param to replacement.
   */
  public static void replaceFirst(Path file, String from, String to) {
    try {
      String s = Files.readString(file);
      int i = s.indexOf(from);
      if (i < 0) {
        throw new IllegalArgumentException(from + " not in " + file);
      }
      Files.writeString(file, s.substring(0, i) + to + s.substring(i + from.length()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
