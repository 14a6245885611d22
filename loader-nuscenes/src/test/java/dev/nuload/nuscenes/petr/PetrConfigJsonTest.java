package dev.nuload.nuscenes.petr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nuload.image.ChannelNormalization;
import dev.nuload.image.TensorDType;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link PetrConfig#fromJson} and {@link PetrConfig#toJson} (docs/format/pipeline-config.md). */
class PetrConfigJsonTest {
  @TempDir Path tmp;

  /** The smallest config: the required keys only. */
  static final String MINIMAL =
      """
      {"format": "nuload-pipeline/1", "name": "tiny",
       "ida_aug_conf": {"final_dim": [240, 600], "resize_lim": [0.36, 0.48]},
       "img_norm_cfg": {"mean": [1, 2, 3], "std": [4, 5, 6]}}
      """;

  /**
   * Every component equal, arrays and the normalisation by content (records compare arrays by
   * reference).
   */
  static void assertSameConfig(PetrConfig want, PetrConfig got) throws Exception {
    for (RecordComponent rc : PetrConfig.class.getRecordComponents()) {
      Object a = rc.getAccessor().invoke(want);
      Object b = rc.getAccessor().invoke(got);
      if (a instanceof double[] x) {
        assertArrayEquals(x, (double[]) b, 0, rc.getName());
      } else if (a instanceof ChannelNormalization n) {
        ChannelNormalization m = (ChannelNormalization) b;
        assertArrayEquals(n.mean(), m.mean(), 0, "mean");
        assertArrayEquals(n.std(), m.std(), 0, "std");
        assertEquals(n.toRgb(), m.toRgb(), "to_rgb");
      } else {
        assertEquals(a, b, rc.getName());
      }
    }
  }

  static Path repo() {
    String dir = System.getProperty("nuload.repo.dir");
    return dir != null ? Path.of(dir) : Path.of("").toAbsolutePath().getParent();
  }

  @Test
  void shouldReadTheDocumentsExampleAsThePetrv2Preset() throws Exception {
    String doc = Files.readString(repo().resolve("docs/format/pipeline-config.md"));
    Matcher m = Pattern.compile("```json\\n(.*?)```", Pattern.DOTALL).matcher(doc);
    assertTrue(m.find(), "the doc has a json example");
    assertSameConfig(PetrConfig.petrv2_800x320(), PetrConfig.fromJson(m.group(1), "doc example"));
  }

  @ParameterizedTest
  @CsvSource({"petrv2", "petrv1"})
  void shouldReadBackWhatItWritesForThePresets(String preset) throws Exception {
    PetrConfig p = PetrConfig.preset(preset);
    Path file = tmp.resolve(preset + ".json");
    Files.writeString(file, p.toJson());
    assertSameConfig(p, PetrConfig.fromJson(file));
  }

  @Test
  void shouldKeepModeAndDtypeOutOfTheFile() throws Exception {
    PetrConfig fast = PetrConfig.petrv1_800x320().withMode(ImageMode.FAST);
    PetrConfig back = PetrConfig.fromJson(fast.withDtype(TensorDType.UINT8).toJson(), "x");
    assertEquals(ImageMode.EXACT, back.mode());
    assertEquals(TensorDType.FLOAT32, back.dtype());
    assertSameConfig(PetrConfig.petrv1_800x320(), back);
  }

  @Test
  void shouldFillTheDocumentedDefaults() {
    PetrConfig c = PetrConfig.fromJson(MINIMAL, "tiny.json");
    assertEquals("tiny", c.name());
    assertEquals(PetrConfig.CAMERAS, c.cameras());
    assertEquals(1, c.frames());
    assertEquals(1600, c.sourceWidth());
    assertEquals(900, c.sourceHeight());
    assertEquals(600, c.finalWidth());
    assertEquals(240, c.finalHeight());
    assertEquals(0.36, c.resizeMin());
    assertEquals(0.48, c.resizeMax());
    assertEquals(0.0, c.botPctMin());
    assertEquals(0.0, c.botPctMax());
    assertEquals(false, c.randFlip());
    assertEquals(0.0, c.globalRotMin());
    assertEquals(0.0, c.globalRotMax());
    assertEquals(1.0, c.scaleMin());
    assertEquals(1.0, c.scaleMax());
    assertArrayEquals(new double[] {1, 2, 3}, c.normalization().mean());
    assertEquals(false, c.normalization().toRgb());
    assertEquals(32, c.sizeDivisor());
    assertEquals(PetrConfig.CLASSES, c.classes());
    assertArrayEquals(new double[] {-51.2, -51.2, -5.0, 51.2, 51.2, 3.0}, c.pointCloudRange());
    assertEquals(true, c.useValidFlag());
    assertEquals(3, c.sweepRangeMin());
    assertEquals(27, c.sweepRangeMax());
    assertEquals(0.083, c.sweepInterval());
    assertEquals(ImageMode.EXACT, c.mode());
    assertEquals(TensorDType.FLOAT32, c.dtype());
  }

  @Test
  void shouldPadA600x240ConfigTo608x256() {
    PetrConfig c = PetrFixtures.petr600x240();
    assertEquals(256, c.paddedHeight());
    assertEquals(608, c.paddedWidth());
    assertArrayEquals(new long[] {6, 3, 256, 608}, c.imageShape());
    assertEquals(6L * 3 * 256 * 608 * 4, c.imageBytes());
    assertEquals(-0.3925, c.globalRotMin());
    assertEquals(1.05, c.scaleMax());
    assertTrue(c.randFlip());
  }

  @Test
  void shouldRefuseARotationItDoesNotServeNamingFileKeyAndValue() throws Exception {
    Path file = tmp.resolve("cfg.json");
    Files.writeString(
        file, MINIMAL.replace("\"final_dim\"", "\"rot_lim\": [-5.4, 5.4], \"final_dim\""));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> PetrConfig.fromJson(file));
    assertEquals(
        file + ": ida_aug_conf.rot_lim [-5.4, 5.4] is not served: nuload serves [0, 0] only",
        e.getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        // what is changed in MINIMAL | the message, after "c.json: "
        "\"name\": \"tiny\" | \"name\": \"tiny\", \"sweeps_num\": 1 | unknown key sweeps_num",
        "\"resize_lim\" | \"resiz_lim\": [1, 2], \"resize_lim\" | unknown key"
            + " ida_aug_conf.resiz_lim",
        "\"std\": [4, 5, 6] | \"std\": [4, 5, 6], \"to_bgr\": true | unknown key"
            + " img_norm_cfg.to_bgr",
        "\"nuload-pipeline/1\" | \"nuload-pipeline/2\" | format \"nuload-pipeline/2\" is not"
            + " supported: nuload reads nuload-pipeline/1",
        "\"final_dim\": [240, 600], | '' | ida_aug_conf.final_dim is required",
        "[240, 600] | [240.5, 600] | ida_aug_conf.final_dim [240.5, 600] must be a list of 2"
            + " integers",
        "[240, 600] | [240] | ida_aug_conf.final_dim [240] must be a list of 2 integers",
        "[0.36, 0.48] | [0.0001, 0.48] | ida_aug_conf.resize_lim [1.0E-4, 0.48] must be positive and"
            + " resize H x W to at least 1x1",
        "[0.36, 0.48] | [-1, 0.48] | ida_aug_conf.resize_lim [-1, 0.48] must be positive",
        "[0.36, 0.48] | [0.48, 0.36] | ida_aug_conf.resize_lim [0.48, 0.36] must be [min, max]"
            + " with min <= max",
        "\"name\": \"tiny\" | \"name\": \"tiny\", \"frames\": 3 | frames 3 is not served: nuload"
            + " serves 1 or 2",
        "\"name\": \"tiny\" | \"name\": \"tiny\", \"global_rot_scale_trans\": {\"rot_range\":"
            + " [0, 0], \"scale_ratio_range\": [1, 1], \"translation_std\": [0.5, 0.5, 0.5]} |"
            + " global_rot_scale_trans.translation_std [0.5, 0.5, 0.5] is not served: nuload"
            + " serves [0, 0, 0] only",
        "\"name\": \"tiny\" | \"name\": \"tiny\", \"global_rot_scale_trans\": {\"rot_range\":"
            + " [0, 0], \"scale_ratio_range\": [1, 1], \"reverse_angle\": false} |"
            + " global_rot_scale_trans.reverse_angle false is not served: nuload serves true only",
        "\"name\": \"tiny\" | \"name\": \"tiny\", \"global_rot_scale_trans\": {\"rot_range\":"
            + " [0, 0]} | global_rot_scale_trans.scale_ratio_range is required",
        "\"std\": [4, 5, 6] | \"std\": [4, 0, 6] | img_norm_cfg.std [4, 0, 6] must not hold 0",
        "\"name\": \"tiny\" | \"name\": \"tiny\", \"use_valid_flag\": 1 | use_valid_flag 1 must be"
            + " true or false",
        "\"name\": \"tiny\" | \"name\": \"tiny\", \"cameras\": [\"CAM_FRONT\", \"CAM_FRONT\"] |"
            + " cameras [\"CAM_FRONT\", \"CAM_FRONT\"] names \"CAM_FRONT\" twice",
        "\"name\": \"tiny\" | \"name\": \"tiny\", \"sweep_range\": [5, 5] | sweep_range [5, 5]"
            + " must be [lo, hi] with 0 <= lo < hi",
        "\"name\": \"tiny\" | \"name\": \"tiny\", \"size_divisor\": 0 | size_divisor 0 must be"
            + " positive",
        "\"name\": \"tiny\" | \"name\": \"tiny\", \"name\": \"again\" | Duplicate field",
        "\"name\": \"tiny\", | '' | name is required",
      })
  void shouldRefuseNamingTheKeyPath(String from, String to, String message) {
    String json = MINIMAL.replace(from, to);
    assertTrue(!json.equals(MINIMAL), "the case changes the config");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> PetrConfig.fromJson(json, "c.json"));
    assertTrue(e.getMessage().startsWith("c.json: "), e.getMessage());
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }

  @Test
  void shouldRefuseTextThatIsNotAJsonObject() {
    for (String bad : new String[] {"[1, 2]", "{\"format\": ", "{} {}", ""}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> PetrConfig.fromJson(bad, "b.json"));
      assertTrue(e.getMessage().startsWith("b.json: "), e.getMessage());
    }
  }
}
