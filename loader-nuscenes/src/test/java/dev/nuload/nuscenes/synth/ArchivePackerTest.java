package dev.nuload.nuscenes.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nuload.nuscenes.NuScenesVersion;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchivePackerTest {
  @TempDir Path dir;

  private static String run(Path cwd, String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out);
    return out;
  }

  /** A trainval tree with meta-only tables plus fake sensor files listed in two parts. */
  private List<Path> trainvalWithFakeBlobs(Path root) throws Exception {
    SyntheticDataset.generate(
        SynthOptions.builder(root)
            .version(NuScenesVersion.TRAINVAL)
            .scenes(2)
            .sensorFiles(false)
            .build(),
        line -> {});
    List<Path> lists = new ArrayList<>();
    for (int p = 1; p <= 2; p++) {
      List<String> names =
          List.of(
              "samples/CAM_FRONT/n008-x__CAM_FRONT__" + p + ".jpg",
              "sweeps/LIDAR_TOP/n008-x__LIDAR_TOP__" + p + ".pcd.bin");
      for (String n : names) {
        Files.createDirectories(root.resolve(n).getParent());
        Files.write(root.resolve(n), (n + p).getBytes(StandardCharsets.UTF_8));
      }
      Path l = dir.resolve("part" + p + ".lst");
      Files.write(l, names);
      lists.add(l);
    }
    return lists;
  }

  @Test
  void shouldNameTrainvalArchivesLikeTheOfficialDownloads() throws Exception {
    Path root = dir.resolve("tv");
    List<Path> out =
        ArchivePacker.pack(root, NuScenesVersion.TRAINVAL, trainvalWithFakeBlobs(root));
    assertEquals(
        List.of("v1.0-trainval_meta.tgz", "v1.0-trainval01_blobs.tgz", "v1.0-trainval02_blobs.tgz"),
        out.stream().map(p -> p.getFileName().toString()).toList());
    List<String> meta = run(dir, "tar", "-tzf", out.get(0).toString()).lines().toList();
    assertTrue(meta.contains("maps/"));
    assertTrue(meta.contains("v1.0-trainval/sample_data.json"));
    assertEquals(4 + 1 + 13 + 1, meta.size());
    List<String> blob = run(dir, "tar", "-tzf", out.get(1).toString()).lines().toList();
    assertEquals(
        List.of(
            "samples/",
            "samples/CAM_FRONT/",
            "samples/CAM_FRONT/n008-x__CAM_FRONT__1.jpg",
            "sweeps/",
            "sweeps/LIDAR_TOP/",
            "sweeps/LIDAR_TOP/n008-x__LIDAR_TOP__1.pcd.bin"),
        blob);
  }

  @Test
  void shouldExtractArchivesByteIdenticallyWithSystemTar() throws Exception {
    Path root = dir.resolve("tv");
    List<Path> out =
        ArchivePacker.pack(root, NuScenesVersion.TRAINVAL, trainvalWithFakeBlobs(root));
    Path x = Files.createDirectories(dir.resolve("x"));
    for (Path a : out) {
      run(x, "tar", "-xzf", a.toString());
    }
    for (String top : List.of("maps", "samples", "sweeps", "v1.0-trainval")) {
      try (var s = Files.walk(root.resolve(top))) {
        for (Path f : s.filter(Files::isRegularFile).toList()) {
          Path rel = root.relativize(f);
          assertArrayEquals(
              Files.readAllBytes(f), Files.readAllBytes(x.resolve(rel)), rel.toString());
        }
      }
    }
  }

  @Test
  void shouldPackMiniIntoOneArchiveWhenGenerating() throws Exception {
    SynthReport r =
        SyntheticDataset.generate(
            SynthOptions.builder(dir.resolve("m"))
                .scenes(1)
                .sensorFiles(false)
                .archive(true)
                .build(),
            line -> {});
    assertEquals(List.of(dir.resolve("m/archives/v1.0-mini.tgz")), r.archives());
    List<String> names = run(dir, "tar", "-tzf", r.archives().get(0).toString()).lines().toList();
    assertTrue(names.contains("maps/"));
    assertTrue(names.contains("v1.0-mini/"));
    assertTrue(names.contains("v1.0-mini/scene.json"));
  }
}
