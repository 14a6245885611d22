package dev.nuload.nuscenes.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nuload.ExitCode;
import dev.nuload.nuscenes.petr.PetrConfig;
import dev.nuload.nuscenes.petr.PetrFixtures;
import dev.nuload.nuscenes.petr.PetrSampleProcessor;
import dev.nuload.nuscenes.table.Fixtures;
import dev.nuload.shm.DType;
import dev.nuload.shm.RingBatch;
import dev.nuload.shm.RingLayout;
import dev.nuload.shm.RingReader;
import dev.nuload.shm.TensorSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code nuload serve --config}, {@code sample-digests --config} and {@code preview --config} with
 * a PETR 600x240 JSON config on the real scene-0523 (rows 0 and 1 have their images): the ring's
 * image tensor is {@code [B, 6, 3, 256, 608]}, its bytes are the processor's, and the digests and
 * the preview describe the same pipeline.
 */
class ServeCommandConfigTest {
  @TempDir static Path dir;
  static Path infos;
  static Path config;

  @BeforeAll
  static void buildInfosAndConfig() throws IOException {
    infos = PreviewCommandTest.scene0523Infos(dir);
    config = Files.writeString(dir.resolve("petr_600x240.json"), PetrFixtures.PETR_600X240_JSON);
  }

  static Path root() {
    return Fixtures.real("scene-0523");
  }

  private record Run(int rc, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = NuloadCli.commandLine(args[0]);
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int rc = cl.execute(args);
    return new Run(rc, out.toString(), err.toString());
  }

  private static String[] samples(String command, String... extra) {
    String[] base = {
      command,
      "--infos",
      infos.toString(),
      "--dataroot",
      root().toString(),
      "--config",
      config.toString(),
      "--eval",
      "--limit",
      "2"
    };
    String[] all = new String[base.length + extra.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(extra, 0, all, base.length, extra.length);
    return all;
  }

  @Test
  void shouldServeA600x240ConfigAsB6x3x256x608Images() throws Exception {
    Path ring = dir.resolve("cfg.ring");
    CompletableFuture<Run> serve =
        CompletableFuture.supplyAsync(
            () ->
                run(
                    samples(
                        "serve",
                        "--ring",
                        ring.toString(),
                        "--batch-size",
                        "2",
                        "--workers",
                        "2",
                        "--slots",
                        "2")));
    PetrConfig c = PetrFixtures.petr600x240();
    String imgDigest0;
    try (RingReader reader = openWhenReady(ring, serve);
        Arena arena = Arena.ofConfined();
        PetrSampleProcessor proc = new PetrSampleProcessor(c, root())) {
      RingLayout layout = reader.layout();
      assertEquals(2, layout.batchSize());
      TensorSpec img = layout.tensors().get(layout.indexOf("img"));
      assertEquals(DType.FLOAT32, img.dtype());
      assertArrayEquals(new long[] {6, 3, 256, 608}, img.shape()); // batch: [2, 6, 3, 256, 608]
      RingBatch b = reader.next();
      assertEquals(2, b.size());
      MemorySegment imgs = b.tensor("img");
      assertEquals(2L * 6 * 3 * 256 * 608 * 4, imgs.byteSize());
      MemorySegment shapes = b.tensor("img_shape");
      MemorySegment want = arena.allocate(c.imageBytes(), 64);
      for (int row = 0; row < 2; row++) {
        assertEquals(240, shapes.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, 2L * row));
        assertEquals(600, shapes.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, 2L * row + 1));
        proc.process(PetrFixtures.scene0523().get(row), row, 0, 0, false, want);
        MemorySegment got = imgs.asSlice(row * c.imageBytes(), c.imageBytes());
        assertEquals(-1L, got.mismatch(want), "row " + row + " differs from the processor");
        assertEquals(
            PetrFixtures.scene0523().get(row).token(), b.strings("sample_tokens").get(row));
      }
      assertPadIsZero(imgs, c);
      imgDigest0 = sha256(imgs.asSlice(0, c.imageBytes()).asByteBuffer());
      reader.release(b);
      assertNull(reader.next());
    }
    Run r = serve.get(120, TimeUnit.SECONDS);
    assertEquals(ExitCode.OK, r.rc(), r.err());
    assertTrue(r.out().contains("petr_r50_600x240"), r.out());
    Run digests = run(samples("sample-digests"));
    assertEquals(ExitCode.OK, digests.rc(), digests.err());
    List<String> lines = digests.out().lines().toList();
    assertEquals(2, lines.size(), digests.out());
    assertTrue(lines.get(0).contains("\"img\":\"" + imgDigest0 + "\""), lines.get(0));
  }

  /** Rows 240..255 and columns 600..607 of every plane are 0 (PadMultiViewImage). */
  private static void assertPadIsZero(MemorySegment imgs, PetrConfig c) {
    long planes = imgs.byteSize() / 4 / (256L * 608);
    for (long p = 0; p < planes; p++) {
      for (int y = 0; y < 256; y++) {
        for (int x = y < 240 ? 600 : 0; x < 608; x++) {
          float v = imgs.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, (p * 256 + y) * 608 + x);
          assertEquals(0f, v, "plane " + p + " y " + y + " x " + x);
        }
      }
    }
  }

  @Test
  void shouldRefuseConfigAndPresetTogetherAsUsage() {
    Run r = run(samples("sample-digests", "--preset", "petrv1"));
    assertEquals(ExitCode.USAGE, r.rc());
    assertTrue(r.err().contains("--config and --preset are mutually exclusive"), r.err());
  }

  @Test
  void shouldReportARefusedConfigAsBadDataNamingTheKey() throws IOException {
    Path bad =
        Files.writeString(
            dir.resolve("rot.json"),
            PetrFixtures.PETR_600X240_JSON.replace(
                "\"rand_flip\": true", "\"rand_flip\": true, \"rot_lim\": [-5.4, 5.4]"));
    String[][] commands = {
      {"serve", "--ring", dir.resolve("never.ring").toString()},
      {"preview", "--sample", "0", "--out", dir.resolve("never").toString()},
      {"sample-digests"}
    };
    for (String[] command : commands) {
      String[] base = {
        "--infos", infos.toString(), "--dataroot", root().toString(), "--config", bad.toString()
      };
      String[] args = new String[command.length + base.length];
      System.arraycopy(command, 0, args, 0, command.length);
      System.arraycopy(base, 0, args, command.length, base.length);
      Run r = run(args);
      assertEquals(ExitCode.BAD_DATA, r.rc(), command[0] + ": " + r.err());
      assertTrue(
          r.err()
              .contains(
                  "nuload "
                      + command[0]
                      + ": "
                      + bad
                      + ": ida_aug_conf.rot_lim [-5.4, 5.4] is not served: nuload serves [0, 0]"
                      + " only"),
          r.err());
      assertTrue(Files.notExists(dir.resolve("never.ring")), "no ring for a refused config");
    }
  }

  @Test
  void shouldLetFramesOverrideTheConfig() {
    Run r = run(samples("sample-digests", "--frames", "2"));
    assertEquals(ExitCode.OK, r.rc(), r.err());
    assertEquals(2, r.out().lines().count());
  }

  private static RingReader openWhenReady(Path ring, CompletableFuture<Run> serve)
      throws Exception {
    for (int i = 0; ; i++) {
      if (serve.isDone()) {
        throw new AssertionError("serve ended before the ring was ready: " + serve.get());
      }
      try {
        return RingReader.open(ring, Duration.ofSeconds(30));
      } catch (IOException | RuntimeException e) {
        if (i > 1200) {
          throw e;
        }
        Thread.sleep(25);
      }
    }
  }

  private static String sha256(ByteBuffer bytes) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    md.update(bytes);
    return HexFormat.of().formatHex(md.digest());
  }
}
