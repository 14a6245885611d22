package dev.nuload.nuscenes.petr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nuload.BadDataException;
import dev.nuload.ExitCode;
import dev.nuload.NuloadException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link PipelineConfigFiles}: {@code .json} read directly; {@code .py} / {@code .yml} through
 * {@code python3 -m nuload.config}, which is not part of this checkout's tests, so only the case
 * where it cannot run is tested (an empty module folder, a missing interpreter).
 */
class PipelineConfigFilesTest {
  @TempDir Path tmp;

  /** A reader whose module folder holds no {@code nuload} package. */
  PipelineConfigFiles withoutConverter() throws Exception {
    return new PipelineConfigFiles("python3", Files.createDirectories(tmp.resolve("python")));
  }

  @Test
  void shouldReadAJsonConfig() throws Exception {
    Path file = tmp.resolve("petr_600x240.json");
    Files.writeString(file, PetrFixtures.PETR_600X240_JSON);
    PetrConfig c = withoutConverter().read(file);
    assertEquals("petr_r50_600x240", c.name());
    assertEquals(608, c.paddedWidth());
    assertEquals(256, c.paddedHeight());
  }

  @Test
  void shouldReadAJsonConfigWhoseExtensionIsUpperCase() throws Exception {
    Path file = tmp.resolve("PETRV2.JSON");
    Files.writeString(file, PetrConfig.petrv2_800x320().toJson());
    PetrConfigJsonTest.assertSameConfig(PetrConfig.petrv2_800x320(), withoutConverter().read(file));
  }

  @Test
  void shouldReportARefusedJsonConfigAsBadDataNamingFileAndKey() throws Exception {
    Path file = tmp.resolve("cfg.json");
    Files.writeString(
        file, PetrFixtures.PETR_600X240_JSON.replace("\"frames\": 1", "\"frames\": 4"));
    BadDataException e = assertThrows(BadDataException.class, () -> withoutConverter().read(file));
    assertEquals(ExitCode.BAD_DATA, e.exitCode());
    assertEquals(file + ": frames 4 is not served: nuload serves 1 or 2", e.getMessage());
  }

  @Test
  void shouldReportAMissingFileAsBadData() throws Exception {
    Path file = tmp.resolve("missing.json");
    BadDataException e = assertThrows(BadDataException.class, () -> withoutConverter().read(file));
    assertEquals(file + ": config file not found", e.getMessage());
  }

  @Test
  void shouldRefuseAnotherKindOfFileAsUsage() throws Exception {
    Path file = Files.writeString(tmp.resolve("cfg.toml"), "x = 1\n");
    NuloadException e = assertThrows(NuloadException.class, () -> withoutConverter().read(file));
    assertEquals(ExitCode.USAGE, e.exitCode());
    assertTrue(e.getMessage().contains(".json (nuload-pipeline/1), .py"), e.getMessage());
  }

  @Test
  void shouldNameTheConverterAndTheFileWhenTheModuleIsAbsent() throws Exception {
    for (String name : new String[] {"petr_vovnet_gridmask_p4_800x320.py", "petr.yml"}) {
      Path file = Files.writeString(tmp.resolve(name), "_base_ = []\n");
      NuloadException e = assertThrows(NuloadException.class, () -> withoutConverter().read(file));
      assertEquals(ExitCode.OUT_OF_RESOURCES, e.exitCode(), e.getMessage());
      assertTrue(e.getMessage().startsWith(file + ": cannot convert it: "), e.getMessage());
      assertTrue(
          e.getMessage().contains("`python3 -m nuload.config " + file + "` is not available"),
          e.getMessage());
      assertTrue(e.getMessage().contains("No module named"), e.getMessage());
      assertTrue(e.getMessage().contains("give a .json config"), e.getMessage());
    }
  }

  @Test
  void shouldNameTheConverterWhenPythonIsMissing() throws Exception {
    Path file = Files.writeString(tmp.resolve("petr.yaml"), "model: {}\n");
    PipelineConfigFiles noPython =
        new PipelineConfigFiles(tmp.resolve("no-such-python3").toString(), null);
    NuloadException e = assertThrows(NuloadException.class, () -> noPython.read(file));
    assertEquals(ExitCode.OUT_OF_RESOURCES, e.exitCode());
    assertTrue(e.getMessage().contains("python3 -m nuload.config " + file), e.getMessage());
    assertTrue(e.getMessage().contains("could not be started"), e.getMessage());
  }
}
