package dev.nuload.nuscenes.infos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nuload.nuscenes.NuScenesVersion;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputDirsTest {
  @TempDir Path dir;

  @Test
  void shouldUseSharedMemoryWhenItHasSpace() {
    List<String> warnings = new ArrayList<>();
    Path p = OutputDirs.chooseDefault("v1.0-mini-12345678", 1, dir, warnings::add);
    assertEquals(dir.resolve("nuload/v1.0-mini-12345678"), p);
    assertEquals(List.of(), warnings);
  }

  @Test
  void shouldFallBackToTmpdirNamingBothWhenSharedMemoryIsAbsent() {
    List<String> warnings = new ArrayList<>();
    Path shm = dir.resolve("no-shm");
    Path p = OutputDirs.chooseDefault("v1.0-mini-12345678", 1, shm, warnings::add);
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"), "nuload", "v1.0-mini-12345678");
    assertEquals(tmp, p);
    assertEquals(1, warnings.size());
    assertTrue(warnings.get(0).contains(tmp.toString()), warnings.get(0));
    assertTrue(warnings.get(0).contains(shm.resolve("nuload").toString()), warnings.get(0));
  }

  @Test
  void shouldFallBackWhenSharedMemoryIsShortOfSpace() {
    List<String> warnings = new ArrayList<>();
    OutputDirs.chooseDefault("id", Long.MAX_VALUE, dir, warnings::add);
    assertTrue(warnings.get(0).contains("MiB free"), warnings.toString());
  }

  @Test
  void shouldDeriveAStableShortDatasetId() {
    String a = OutputDirs.datasetId(dir, NuScenesVersion.MINI);
    assertEquals(a, OutputDirs.datasetId(dir.resolve("x/.."), NuScenesVersion.MINI));
    assertTrue(a.matches("v1\\.0-mini-[0-9a-f]{8}"), a);
  }
}
