package dev.nuload.nuscenes.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nuload.nuscenes.table.Fixtures;
import dev.nuload.nuscenes.table.Problem;
import dev.nuload.nuscenes.table.Severity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetValidatorTest {
  private static final Path SCENE_0523 = Fixtures.real("scene-0523");

  private static ValidationReport validate(Path root, String version, boolean tablesOnly) {
    ValidationReport r = new ValidationReport(10_000);
    DatasetValidator.validate(root, DatasetValidator.versionDir(root, version), tablesOnly, r);
    return r;
  }

  private static Set<String> kinds(ValidationReport r, Severity s) {
    return r.problems().stream()
        .filter(p -> p.severity() == s)
        .map(Problem::kind)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static boolean has(ValidationReport r, String kind, String token, String text) {
    return r.problems().stream()
        .anyMatch(
            p -> p.kind().equals(kind) && p.token().equals(token) && p.message().contains(text));
  }

  private static Path brokenScene(Path tmp) {
    return Fixtures.copy(SCENE_0523, tmp, false);
  }

  private static Path table(Path root, String name) {
    return root.resolve("v1.0-trainval").resolve(name + ".json");
  }

  @Test
  void shouldPassScene0523TablesWithOnlyTheDocumentedWarnings() {
    ValidationReport r = validate(SCENE_0523, null, true);
    assertEquals(0, r.errors(), r.problems().toString());
    assertEquals(Set.of("WARN map.log_tokens", "WARN scene.log_token"), kinds(r, Severity.WARN));
  }

  @Test
  void shouldReportMissingSweepFilesOfScene0523() {
    ValidationReport r = validate(SCENE_0523, null, false);
    assertEquals(Set.of("ERROR sample_data.filename"), kinds(r, Severity.ERROR));
    assertTrue(r.problems().stream().anyMatch(p -> p.message().contains("/sweeps/")));
  }

  @Test
  void shouldNameTheThreeMissingTablesOfMiniPartial() {
    ValidationReport r = validate(Fixtures.real("mini-partial"), null, true);
    assertEquals(
        Set.of("ERROR ego_pose.*", "ERROR sample_annotation.*", "ERROR sample_data.*"),
        kinds(r, Severity.ERROR));
    assertEquals(3, r.errors());
  }

  @Test
  void shouldNameMissingFieldsAndTablesOfTrimmedKeyframeTables() {
    ValidationReport r = validate(Fixtures.real("keyframe-scene-0061"), "tables-trimmed", true);
    assertEquals(
        Set.of(
            "ERROR instance.*",
            "ERROR log.*",
            "ERROR map.*",
            "ERROR sample_annotation.*",
            "ERROR sample.next",
            "ERROR sample.prev",
            "ERROR sample_data.next",
            "ERROR sample_data.prev"),
        kinds(r, Severity.ERROR));
  }

  @Test
  void shouldAcceptLyftFormatsAndReportItsDanglingLinks() {
    ValidationReport r = validate(Fixtures.real("lyft-trimmed"), "v1.01-train", true);
    List<Problem> dangling =
        r.problems().stream().filter(p -> p.message().startsWith("dangling reference")).toList();
    assertEquals(40, dangling.size());
    assertTrue(dangling.stream().allMatch(p -> p.token().length() == 64));
    assertTrue(
        has(
            r,
            "ERROR sample_data.prev",
            "ff8dc9f62a36f159eb30e9c62eae7bdf4726cf9c91587ceb0314400e74e89438",
            "d567bd21c1562b2aec18a0c72436517e7af77e9713f94a915c82b8a418a1dd5f"));
    assertTrue(
        r.problems().stream()
            .noneMatch(p -> p.kind().endsWith(".timestamp") || p.kind().endsWith(".token")),
        r.problems().toString());
  }

  @Test
  void shouldReportDanglingReference(@TempDir Path tmp) {
    Path root = brokenScene(tmp);
    Fixtures.replaceFirst(
        table(root, "sample_data"),
        "\"prev\": \"d9e9da1907b24d4b87fa89d8ea0cf786\"",
        "\"prev\": \"0123456789abcdef0123456789abcdef\"");
    ValidationReport r = validate(root, null, true);
    assertTrue(
        has(
            r,
            "ERROR sample_data.prev",
            "5fdcdc307f2d44d1845a8ff15ce00ab2",
            "sample_data token 0123456789abcdef0123456789abcdef is not in sample_data.json"));
  }

  @Test
  void shouldReportInconsistentPrevNext(@TempDir Path tmp) {
    Path root = brokenScene(tmp);
    Fixtures.replaceFirst(
        table(root, "sample"), "\"prev\": \"ce03b6f0c1d2455aa18f6275917485bc\"", "\"prev\": \"\"");
    ValidationReport r = validate(root, null, true);
    assertTrue(
        has(r, "ERROR sample.next", "ce03b6f0c1d2455aa18f6275917485bc", "inconsistent prev/next"),
        r.problems().toString());
  }

  @Test
  void shouldReportWrongNbrSamples(@TempDir Path tmp) {
    Path root = brokenScene(tmp);
    Fixtures.replaceFirst(table(root, "scene"), "\"nbr_samples\": 40", "\"nbr_samples\": 41");
    ValidationReport r = validate(root, null, true);
    assertTrue(
        has(
            r,
            "ERROR scene.nbr_samples",
            "d7bacba9119840f78f3c804134ceece0",
            "nbr_samples is 41 but the chain from first_sample_token has 40 samples"));
  }

  @Test
  void shouldReportWrongLastSampleToken(@TempDir Path tmp) {
    Path root = brokenScene(tmp);
    Fixtures.replaceFirst(
        table(root, "scene"),
        "\"last_sample_token\": \"9b22047a5c9d43388f04c73db37d2080\"",
        "\"last_sample_token\": \"ea43c86a960344f09d3b3ab2035aced8\"");
    ValidationReport r = validate(root, null, true);
    assertTrue(
        has(
            r,
            "ERROR scene.last_sample_token",
            "d7bacba9119840f78f3c804134ceece0",
            "ends at 9b22047a5c9d43388f04c73db37d2080"));
  }

  @Test
  void shouldReportWrongFirstSampleToken(@TempDir Path tmp) {
    Path root = brokenScene(tmp);
    Fixtures.replaceFirst(
        table(root, "scene"),
        "\"first_sample_token\": \"ce03b6f0c1d2455aa18f6275917485bc\"",
        "\"first_sample_token\": \"ea43c86a960344f09d3b3ab2035aced8\"");
    ValidationReport r = validate(root, null, true);
    assertTrue(
        has(
            r,
            "ERROR scene.first_sample_token",
            "d7bacba9119840f78f3c804134ceece0",
            "has a prev (ce03b6f0c1d2455aa18f6275917485bc)"));
  }

  @Test
  void shouldReportTwoKeyframesForOneChannel(@TempDir Path tmp) {
    Path root = brokenScene(tmp);
    Fixtures.replaceFirst(
        table(root, "sample_data"), "\"is_key_frame\": false", "\"is_key_frame\": true");
    ValidationReport r = validate(root, null, true);
    assertTrue(
        has(
            r,
            "ERROR sample.data",
            "ea43c86a960344f09d3b3ab2035aced8",
            "2 keyframe sample_data for channel RADAR_FRONT"),
        r.problems().toString());
  }

  @Test
  void shouldReportEgoPoseTimestampMismatch(@TempDir Path tmp) {
    Path root = brokenScene(tmp);
    Fixtures.replaceFirst(table(root, "ego_pose"), "1535639716773683", "1535639716773684");
    ValidationReport r = validate(root, null, true);
    assertTrue(
        has(
            r,
            "ERROR sample_data.ego_pose_token",
            "5fdcdc307f2d44d1845a8ff15ce00ab2",
            "timestamp 1535639716773684 differs from sample_data timestamp 1535639716773683"));
  }

  @Test
  void shouldReportMissingSensorFile(@TempDir Path tmp) throws IOException {
    Path root = Fixtures.copy(SCENE_0523, tmp, true);
    Path file =
        root.resolve(
            "samples/RADAR_FRONT/n008-2018-08-30-10-33-52-0400__RADAR_FRONT__1535639716703903.pcd");
    assertTrue(
        has(
                validate(root, null, false),
                "ERROR sample_data.filename",
                "d9e9da1907b24d4b87fa89d8ea0cf786",
                "file missing")
            == false);
    Files.delete(file);
    assertTrue(
        has(
            validate(root, null, false),
            "ERROR sample_data.filename",
            "d9e9da1907b24d4b87fa89d8ea0cf786",
            "file missing: " + file));
  }

  @Test
  void shouldCapPrintedProblemsPerKind() {
    ValidationReport r = new ValidationReport(2);
    for (int i = 0; i < 5; i++) {
      r.report(new Problem(Severity.ERROR, "sample", "next", "t" + i, "m"));
    }
    java.io.StringWriter sw = new java.io.StringWriter();
    r.print(new java.io.PrintWriter(sw));
    assertEquals(
        "ERROR sample.next token=t0: m%nERROR sample.next token=t1: m%nERROR sample.next: ... and 3 more%n"
            .formatted(),
        sw.toString());
    assertEquals(5, r.errors());
  }
}
