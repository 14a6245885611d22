package dev.nuload.nuscenes.info;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import dev.nuload.nuscenes.JsonValues;
import dev.nuload.nuscenes.NuScenesVersion;
import dev.nuload.nuscenes.synth.SynthOptions;
import dev.nuload.nuscenes.synth.SyntheticDataset;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Test helpers: fixture paths, synthetic datasets, the Python reference converter, JSON. */
final class InfoFixtures {
  private static final JsonFactory FACTORY = new JsonFactory();
  private static Boolean pythonOk;

  private InfoFixtures() {}

  static Path testdata() {
    String dir = System.getProperty("nuload.testdata.dir");
    return Path.of(dir == null ? "../testdata" : dir);
  }

  static Path real(String name) {
    Path p = testdata().resolve("nuscenes-real").resolve(name);
    assertTrue(
        Files.isDirectory(p), "real fixture missing (testdata/ is part of the checkout): " + p);
    return p;
  }

  static Path repo() {
    String dir = System.getProperty("nuload.repo.dir");
    if (dir != null) {
      return Path.of(dir);
    }
    Path p = Path.of("").toAbsolutePath();
    return Files.exists(p.resolve("loader-bench")) ? p : p.getParent();
  }

  static Path referenceScript() {
    return repo().resolve("loader-bench/src/main/python/nuload_bench/reference_infos.py");
  }

  /** Generates a meta-only synthetic dataset root. */
  static Path synth(Path dir, NuScenesVersion version, int scenes) {
    SyntheticDataset.generate(
        SynthOptions.builder(dir).version(version).scenes(scenes).sensorFiles(false).build(),
        line -> {});
    return dir;
  }

  /** Skips the calling test when python3 with numpy is not available. */
  static void assumePython() {
    if (pythonOk == null) {
      try {
        Process p =
            new ProcessBuilder("python3", "-c", "import numpy").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        pythonOk = p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
      } catch (IOException e) {
        pythonOk = false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        pythonOk = false;
      }
    }
    assumeTrue(pythonOk, "python3 with numpy is not available: parity against Python skipped");
  }

  /** Runs a python3 command and fails with its output when it does not exit 0. */
  static void python(List<String> args) {
    assumePython();
    List<String> cmd = new ArrayList<>();
    cmd.add("python3");
    cmd.addAll(args);
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new AssertionError("python3 failed: " + cmd + "\n" + out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** Runs reference_infos.py and returns its records. */
  static List<Map<String, Object>> reference(Path root, String version, String split, Path tmp) {
    Path out = tmp.resolve("ref-" + version + "-" + split + ".json");
    python(List.of(referenceScript().toString(), root.toString(), version, split, out.toString()));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> l = (List<Map<String, Object>>) readJson(out);
    return l;
  }

  static Object readJson(Path file) {
    try (JsonParser p = FACTORY.createParser(file.toFile())) {
      p.nextToken();
      return JsonValues.read(p, p.currentToken());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
