package dev.nuload.nuscenes.petr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.nuload.image.NpyFiles;
import dev.nuload.image.TensorDType;
import dev.nuload.image.TurboJpegDecoder;
import dev.nuload.nuscenes.info.InfoRecord;
import dev.nuload.nuscenes.info.InfoRecord.CameraSweepFrame;
import dev.nuload.nuscenes.info.InfoRecord.SensorEntry;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exact mode for a non-default {@code final_dim} (PETR 600x240 read from its JSON config,
 * padded to 608x256) against the Python reference pipeline ({@code petr_reference.py parity}:
 * Pillow decode, BICUBIC resize, crop, flip, numpy normalise and pad; the ida matrix, intrinsics,
 * {@code lidar2img} and the global rotation/scale in float64 numpy from the info's {@code
 * cam_intrinsic} and {@code sensor2lidar_*}) on real nuScenes JPEGs: the scene-0061 keyframe and
 * scene-0523 row 1 with its past keyframe. In test mode the reference computes the parameters from
 * the config itself; a training sample uses given parameters. The normalised float32 tensors must
 * be identical element for element, the matrices equal to a relative 1e-12.
 */
class PetrFinalDimParityTest {
  private static final JsonFactory JSON = new JsonFactory();

  @TempDir Path tmp;

  static Path referenceScript() {
    return PetrConfigJsonTest.repo()
        .resolve("loader-bench/src/main/python/nuload_bench/petr_reference.py");
  }

  @Test
  void shouldMatchTheReferenceInTestModeOnTheScene0061Keyframe() throws Exception {
    PetrConfig c = PetrFixtures.petr600x240();
    InfoRecord info = PetrFixtures.scene0061();
    AugmentParams p = PetrAugmentation.test(c, info.cameraSweeps().size());
    assertEquals(600, p.resizeWidth());
    assertEquals(337, p.resizeHeight());
    assertEquals(97, p.cropTop());
    parity(c, info, PetrFixtures.dataroot0061(tmp.resolve("root")), p, false);
  }

  @Test
  void shouldMatchTheReferenceForAGivenTrainingDrawOnTheScene0061Keyframe() throws Exception {
    PetrConfig c = PetrFixtures.petr600x240();
    double r = 0.37; // int(1600 r) = 592 < 600: the crop's last columns are black
    int w = (int) (1600 * r);
    int h = (int) (900 * r);
    AugmentParams p = new AugmentParams(r, w, h, 0, h - 240, true, -1, 0.3, 1.04);
    assertTrue(w < 600, "" + w);
    parity(c, PetrFixtures.scene0061(), PetrFixtures.dataroot0061(tmp.resolve("root")), p, true);
  }

  @Test
  void shouldMatchTheReferenceInTestModeOnScene0523WithThePastFrame() throws Exception {
    PetrConfig c = PetrFixtures.petr600x240().withFrames(2);
    InfoRecord info = PetrFixtures.scene0523().get(1);
    AugmentParams p = PetrAugmentation.test(c, info.cameraSweeps().size());
    parity(c, info, PetrFixtures.dataroot(), p, false);
  }

  @Test
  void shouldMatchTheReferenceForADrawnTrainingSampleOfScene0523() throws Exception {
    PetrConfig c = PetrFixtures.petr600x240().withFrames(2);
    InfoRecord info = PetrFixtures.scene0523().get(1);
    AugmentParams d = PetrAugmentation.draw(c, 5, 1, 1, true, info.cameraSweeps().size());
    assertTrue(d.cropLeft() > 0 && d.rotation() != 0 && d.scale() != 1, "" + d);
    // the fixture holds the past keyframe's images (sweep entry 5), not the sweeps between
    AugmentParams p =
        new AugmentParams(
            d.resizeRatio(),
            d.resizeWidth(),
            d.resizeHeight(),
            d.cropLeft(),
            d.cropTop(),
            !d.flip(), // the other way than drawn, so the four cases cover both
            5,
            d.rotation(),
            d.scale());
    parity(c, info, PetrFixtures.dataroot(), p, true);
  }

  /** Runs the Java sample and asserts that the reference finds it identical. */
  private void parity(PetrConfig c, InfoRecord info, Path root, AugmentParams p, boolean train)
      throws Exception {
    String out = reference(c, info, root, p, train, 0);
    assertTrue(out.contains("\"shape\": [" + c.views() + ", 3, 256, 608]"), out);
  }

  /** Runs the Java sample, hands it to the reference and returns its report. */
  private String reference(
      PetrConfig c, InfoRecord info, Path root, AugmentParams p, boolean train, int exit)
      throws Exception {
    assertTrue(TurboJpegDecoder.isAvailable(), "the exact mode needs libturbojpeg.so.0");
    Path npy = tmp.resolve("java.npy");
    SampleResult r;
    try (Arena arena = Arena.ofConfined();
        PetrSampleProcessor proc = new PetrSampleProcessor(c, root)) {
      MemorySegment img = arena.allocate(c.imageBytes(), 64);
      r = proc.process(info, p, train, img);
      NpyFiles.write(npy, img, TensorDType.FLOAT32, c.imageShape());
    }
    assertEquals(c.views(), r.filenames().size());
    assertEquals(240, r.imgHeight());
    assertEquals(608, r.padWidth());
    Path job = tmp.resolve("job.json");
    writeJob(job, c, info, root, r, npy, train);
    Process py =
        new ProcessBuilder(
                "python3", referenceScript().toString(), "parity", "--job", job.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(py.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(py.waitFor(300, TimeUnit.SECONDS), "reference timed out");
    System.out.println("final_dim parity: " + out.strip());
    assertEquals(exit, py.exitValue(), "reference says: " + out);
    return out;
  }

  @Test
  void shouldTellTheFastModeFromTheExactOne() throws Exception {
    PetrConfig c = PetrFixtures.petr600x240().withMode(ImageMode.FAST);
    InfoRecord info = PetrFixtures.scene0061();
    AugmentParams p = PetrAugmentation.test(c, 0);
    String out = reference(c, info, PetrFixtures.dataroot0061(tmp.resolve("root")), p, false, 1);
    assertTrue(out.contains("elements differ"), out);
  }

  private static void writeJob(
      Path job, PetrConfig c, InfoRecord info, Path root, SampleResult r, Path npy, boolean train)
      throws IOException {
    try (JsonGenerator g = JSON.createGenerator(Files.newBufferedWriter(job))) {
      g.writeStartObject();
      g.writeFieldName("config");
      g.writeRawValue(c.toJson());
      g.writeStringField("mode", train ? "train" : "test");
      g.writeArrayFieldStart("views");
      int nc = c.cameras().size();
      for (int v = 0; v < c.views(); v++) {
        String channel = c.cameras().get(v % nc);
        g.writeStartObject();
        g.writeStringField("path", root.resolve(r.filenames().get(v)).toString());
        if (v < nc) {
          SensorEntry cam =
              info.cams().stream().filter(e -> e.type().equals(channel)).findFirst().orElseThrow();
          numbers(g, "cam_intrinsic", cam.camIntrinsic());
          numbers(g, "sensor2lidar_rotation", cam.sensor2lidarRotation());
          numbers(g, "sensor2lidar_translation", cam.sensor2lidarTranslation());
        } else {
          List<CameraSweepFrame> frames = info.cameraSweeps().get(r.sweepIndex()).frames();
          CameraSweepFrame f =
              frames.stream().filter(e -> e.channel().equals(channel)).findFirst().orElseThrow();
          numbers(g, "intrinsics", f.intrinsics());
          numbers(g, "extrinsics", f.extrinsics());
        }
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeObjectFieldStart("meta");
      SampleMetaJson.writeFields(g, r, c);
      g.writeEndObject();
      g.writeStringField("img", npy.toString());
      g.writeEndObject();
    }
  }

  private static void numbers(JsonGenerator g, String name, double[] values) throws IOException {
    g.writeFieldName(name);
    g.writeArray(values, 0, values.length);
  }
}
