package dev.nuload.nuscenes.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nuload.ExitCode;
import dev.nuload.nuscenes.petr.PetrFixtures;
import dev.nuload.nuscenes.table.Fixtures;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code nuload preview} on the Arrow infos of the real scene-0523 (rows 0 and 1 have images). */
class PreviewCommandTest {
  @TempDir static Path dir;
  static Path infos;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeAll
  static void buildInfos() {
    infos = scene0523Infos(dir);
  }

  /** Runs {@code nuload infos} on the real scene-0523 into {@code dir} and returns the val file. */
  static Path scene0523Infos(Path dir) {
    Path root = Fixtures.real("scene-0523");
    CommandLine cl = NuloadCli.commandLine();
    cl.setOut(new PrintWriter(new StringWriter()));
    cl.setErr(new PrintWriter(new StringWriter()));
    int rc =
        cl.execute(
            "infos",
            "--dataroot",
            root.toString(),
            "--version",
            "v1.0-trainval",
            "--out",
            dir.resolve("infos").toString());
    assertEquals(0, rc);
    return dir.resolve("infos/nuscenes_infos_val.arrow");
  }

  private int run(String... args) {
    CommandLine cl = NuloadCli.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    return cl.execute(args);
  }

  private int preview(Path outDir, String sample, String... extra) {
    String[] base = {
      "preview",
      "--infos",
      infos.toString(),
      "--dataroot",
      Fixtures.real("scene-0523").toString(),
      "--sample",
      sample,
      "--out",
      outDir.toString()
    };
    String[] all = new String[base.length + extra.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(extra, 0, all, base.length, extra.length);
    return run(all);
  }

  @Test
  void shouldWriteNpyMetaAndOnePngPerView() throws Exception {
    Path o = dir.resolve("test-mode");
    assertEquals(ExitCode.OK, preview(o, "1"), err.toString());
    byte[] npy = Files.readAllBytes(o.resolve("img.npy"));
    String header = new String(npy, 10, 118, StandardCharsets.US_ASCII);
    assertTrue(header.contains("'descr': '<f4'"), header);
    assertTrue(header.contains("'shape': (12, 3, 320, 800)"), header);
    assertEquals(128 + 12L * 3 * 320 * 800 * 4, npy.length);
    String meta = Files.readString(o.resolve("meta.json"));
    for (String key :
        new String[] {"\"views\"", "\"lidar2img\"", "\"intrinsics\"", "\"img_shape\""}) {
      assertTrue(meta.contains(key), key);
    }
    assertTrue(meta.contains("\"CAM_FRONT@prev\""), meta.substring(0, 300));
    BufferedImage png = ImageIO.read(o.resolve("00_CAM_FRONT.png").toFile());
    assertEquals(800, png.getWidth());
    assertEquals(320, png.getHeight());
    assertTrue(Files.exists(o.resolve("11_CAM_BACK_RIGHT_prev.png")));
    assertTrue(out.toString().contains("fast vs exact"), out.toString());
  }

  @Test
  void shouldFindTheSampleByTokenAndApplyTrainingAugmentation() throws Exception {
    Path o = dir.resolve("train");
    assertEquals(
        ExitCode.OK,
        preview(
            o,
            "ce03b6f0c1d2455aa18f6275917485bc",
            "--train",
            "--seed",
            "3",
            "--mode",
            "fast",
            "--frames",
            "1"),
        err.toString());
    String meta = Files.readString(o.resolve("meta.json"));
    assertTrue(meta.contains("\"mode\" : \"fast\""), meta);
    assertTrue(!meta.contains("\"rot_angle\" : 0.0,"), meta);
    assertEquals(6 + 2, Files.list(o).count());
  }

  @Test
  void shouldPreviewTheSampleWithTheUsersConfig() throws Exception {
    Path cfg = Files.writeString(dir.resolve("petr_600x240.json"), PetrFixtures.PETR_600X240_JSON);
    Path o = dir.resolve("config");
    assertEquals(
        ExitCode.OK, preview(o, "1", "--config", cfg.toString(), "--train"), err.toString());
    byte[] npy = Files.readAllBytes(o.resolve("img.npy"));
    String header = new String(npy, 10, 118, StandardCharsets.US_ASCII);
    assertTrue(header.contains("'shape': (6, 3, 256, 608)"), header);
    String meta = Files.readString(o.resolve("meta.json")).replaceAll("\\s+", "");
    assertTrue(meta.contains("\"img_shape\":[240,600]"), meta);
    assertTrue(meta.contains("\"pad_shape\":[256,608]"), meta);
    assertTrue(meta.contains("\"preset\":\"petr_r50_600x240\""), meta);
    BufferedImage png = ImageIO.read(o.resolve("05_CAM_BACK_RIGHT.png").toFile());
    assertEquals(600, png.getWidth());
    assertEquals(240, png.getHeight());
    assertTrue(out.toString().contains("6 views of 600x240"), out.toString());
  }

  @Test
  void shouldRefuseAnUnknownTokenAsUsageError() {
    assertEquals(ExitCode.USAGE, preview(dir.resolve("bad"), "f".repeat(32)));
    assertTrue(err.toString().contains("no such token"), err.toString());
  }

  @Test
  void shouldNameTheMissingImageAsBadData() {
    assertEquals(ExitCode.BAD_DATA, preview(dir.resolve("missing"), "5"));
    assertTrue(err.toString().contains("cannot read image"), err.toString());
  }
}
