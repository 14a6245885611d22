package dev.nuload.nuscenes.infos;

import dev.nuload.nuscenes.NuScenesVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Where {@code nuload infos} writes by default: {@code /dev/shm/nuload/<dataset-id>/}, so that
 * every process on the machine maps the same pages; when {@code /dev/shm} is absent, not writable
 * or short of space, a folder under {@code java.io.tmpdir}, with a warning naming both.
 */
public final class OutputDirs {
  /** The shared-memory root. */
  public static final Path SHM = Path.of("/dev/shm");

  private OutputDirs() {}

  /**
   * Returns the short stable id of a dataset: the version and 8 hex digits of the SHA-256 of the
   * dataroot's real path and the version.
   *
   * @param dataroot the dataset root (resolved to its real path when it exists).
   * @param version the version.
   * @return for example {@code v1.0-trainval-3f9c20a1}.
   */
  public static String datasetId(Path dataroot, NuScenesVersion version) {
    return version.dirName()
        + "-"
        + SourceFingerprint.sha256(realPath(dataroot) + "\n" + version.dirName()).substring(0, 8);
  }

  /**
   * Returns the real path of a folder, or its absolute normalised path when it does not exist.
   *
   * @param p the path.
   * @return the path as a string.
   */
  public static String realPath(Path p) {
    try {
      return p.toRealPath().toString();
    } catch (IOException e) {
      return p.toAbsolutePath().normalize().toString();
    }
  }

  /**
   * Estimates the bytes an infos build writes: twice the tables' size (the info files are a
   * fraction of the tables when few sweeps are kept, up to about their size with PETRv2 camera
   * sweeps, plus the token index at about a third of {@code sample_data.json}).
   *
   * @param fingerprint the tables' stamps.
   * @return the estimate in bytes, at least 64 MiB.
   */
  public static long estimateBytes(SourceFingerprint fingerprint) {
    long sum = 0;
    for (SourceFingerprint.TableStamp t : fingerprint.tables()) {
      sum += Math.max(0, t.size());
    }
    return Math.max(64L << 20, 2 * sum);
  }

  /**
   * Chooses the default output folder.
   *
   * @param datasetId the id from {@link #datasetId}.
   * @param neededBytes the space estimate.
   * @param shmRoot the shared-memory root ({@link #SHM}; tests pass another).
   * @param warn receives the fallback warning.
   * @return {@code shmRoot/nuload/<id>} or {@code java.io.tmpdir/nuload/<id>}.
   */
  public static Path chooseDefault(
      String datasetId, long neededBytes, Path shmRoot, Consumer<String> warn) {
    Path shm = shmRoot.resolve("nuload").resolve(datasetId);
    Path tmp = Path.of(System.getProperty("java.io.tmpdir")).resolve("nuload").resolve(datasetId);
    String why;
    if (!Files.isDirectory(shmRoot) || !Files.isWritable(shmRoot)) {
      why = shmRoot + " is absent or not writable";
    } else {
      long free = usable(shmRoot);
      if (free >= neededBytes) {
        return shm;
      }
      why =
          String.format(
              "%s has %,d MiB free, about %,d MiB needed", shmRoot, free >> 20, neededBytes >> 20);
    }
    warn.accept("warning: " + why + "; writing to " + tmp + " instead of " + shm);
    return tmp;
  }

  /**
   * Returns the usable bytes of a file store, 0 when unknown.
   *
   * @param dir a folder on the store.
   * @return usable bytes.
   */
  public static long usable(Path dir) {
    try {
      Path p = dir;
      while (p != null && !Files.exists(p)) {
        p = p.getParent();
      }
      return p == null ? 0 : Files.getFileStore(p).getUsableSpace();
    } catch (IOException e) {
      return 0;
    }
  }
}
