package dev.nuload.nuscenes.synth;

import dev.nuload.archive.TarGzWriter;
import dev.nuload.nuscenes.NuScenesVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Packs a synthetic dataset like the official downloads (spec 1.2): {@code v1.0-mini.tgz} (maps,
 * samples, sweeps, tables); {@code v1.0-trainval_meta.tgz} plus {@code v1.0-trainvalNN_blobs.tgz}
 * parts; {@code v1.0-test_meta.tgz} plus {@code v1.0-test_blobs.tgz}. Entry names are relative to
 * the dataset root; directories come before their files.
 */
final class ArchivePacker {
  private ArchivePacker() {}

  /**
   * Writes the archives.
   *
   * @param root the dataset root.
   * @param version the version.
   * @param partLists per blob part, a text file listing its sensor files (relative paths), or an
   *     empty list when no sensor files were written.
   * @return the archives written.
   * @throws IOException on a read or write error.
   */
  static List<Path> pack(Path root, NuScenesVersion version, List<Path> partLists)
      throws IOException {
    Path dir = Files.createDirectories(root.resolve("archives"));
    List<Path> out = new ArrayList<>();
    String v = version.dirName();
    if (version == NuScenesVersion.MINI) {
      Path tgz = dir.resolve(v + ".tgz");
      try (TarGzWriter w = new TarGzWriter(tgz, 6)) {
        addTree(w, root, "maps");
        for (Path list : partLists) {
          addListed(w, root, list);
        }
        addTree(w, root, v);
        w.commit();
      }
      out.add(tgz);
      return out;
    }
    Path meta = dir.resolve(v + "_meta.tgz");
    try (TarGzWriter w = new TarGzWriter(meta, 6)) {
      addTree(w, root, "maps");
      addTree(w, root, v);
      w.commit();
    }
    out.add(meta);
    for (int p = 0; p < partLists.size(); p++) {
      String name =
          version == NuScenesVersion.TEST
              ? v + "_blobs.tgz"
              : String.format("%s%02d_blobs.tgz", v, p + 1);
      Path tgz = dir.resolve(name);
      try (TarGzWriter w = new TarGzWriter(tgz, 1)) {
        addListed(w, root, partLists.get(p));
        w.commit();
      }
      out.add(tgz);
    }
    return out;
  }

  private static void addTree(TarGzWriter w, Path root, String top) throws IOException {
    Path base = root.resolve(top);
    if (!Files.isDirectory(base)) {
      return;
    }
    List<Path> all;
    try (Stream<Path> s = Files.walk(base)) {
      all = s.filter(p -> !p.getFileName().toString().endsWith(".part")).sorted().toList();
    }
    for (Path p : all) {
      String rel = root.relativize(p).toString().replace('\\', '/');
      if (Files.isDirectory(p)) {
        w.addDirectory(rel);
      } else {
        w.addFile(rel, p);
      }
    }
  }

  private static void addListed(TarGzWriter w, Path root, Path list) throws IOException {
    List<String> files = new ArrayList<>(Files.readAllLines(list));
    files.sort(null);
    Set<String> dirs = new HashSet<>();
    for (String f : files) {
      int slash = f.indexOf('/');
      while (slash > 0) {
        String d = f.substring(0, slash + 1);
        if (dirs.add(d)) {
          w.addDirectory(d);
        }
        slash = f.indexOf('/', slash + 1);
      }
      w.addFile(f, root.resolve(f));
    }
  }
}
