package dev.nuload.image;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Paths of the real nuScenes JPEGs in the shared fixtures and of the Python reference. */
final class ImageFixtures {
  private ImageFixtures() {}

  static Path testdata() {
    String dir = System.getProperty("nuload.testdata.dir");
    return Path.of(dir == null ? "../testdata" : dir);
  }

  static Path repo() {
    String dir = System.getProperty("nuload.repo.dir");
    if (dir != null) {
      return Path.of(dir);
    }
    Path p = Path.of("").toAbsolutePath();
    return Files.exists(p.resolve("loader-bench")) ? p : p.getParent();
  }

  /** The 6 camera JPEGs of the real keyframe of scene-0061 (1600x900, 4:2:0). */
  static List<Path> keyframeJpegs() {
    Path dir = testdata().resolve("nuscenes-real/keyframe-scene-0061");
    assertTrue(
        Files.isDirectory(dir), "real fixture missing (testdata/ is part of the checkout): " + dir);
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".jpg")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] bytes(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path referenceScript() {
    return repo().resolve("loader-bench/src/main/python/nuload_bench/petr_reference.py");
  }
}
