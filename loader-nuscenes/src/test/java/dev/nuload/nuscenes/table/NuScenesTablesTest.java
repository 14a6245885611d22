package dev.nuload.nuscenes.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nuload.BadDataException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NuScenesTablesTest {
  private static final Path SCENE_0523 = Fixtures.real("scene-0523").resolve("v1.0-trainval");

  private static List<Problem> loadTolerant(Path dir) {
    List<Problem> problems = new ArrayList<>();
    NuScenesTables.load(
        dir,
        p -> {
          synchronized (problems) {
            problems.add(p);
          }
        });
    return problems;
  }

  private static NuScenesTables scene0523() {
    return NuScenesTables.load(SCENE_0523, p -> {});
  }

  @Test
  void shouldReadRecordCountsOfScene0523() {
    NuScenesTables t = scene0523();
    assertEquals(40, t.count(NuScenesTable.SAMPLE));
    assertEquals(3088, t.count(NuScenesTable.SAMPLE_DATA));
    assertEquals(3088, t.count(NuScenesTable.EGO_POSE));
    assertEquals(2625, t.count(NuScenesTable.SAMPLE_ANNOTATION));
    assertEquals(155, t.count(NuScenesTable.INSTANCE));
    assertEquals(12, t.count(NuScenesTable.SENSOR));
  }

  @Test
  void shouldDeriveTwelveKeyframeChannelsForEverySample() {
    NuScenesTables t = scene0523();
    for (int s = 0; s < t.count(NuScenesTable.SAMPLE); s++) {
      for (int sensor = 0; sensor < 12; sensor++) {
        int sd = t.sampleKeyframe(s, sensor);
        assertTrue(sd >= 0, "sample " + s + " sensor " + sensor);
        assertTrue(t.sampleDataIsKeyFrame(sd));
        assertEquals(s, t.sampleDataSample(sd));
        assertEquals(t.sensorChannel(sensor), t.sampleDataChannel(sd));
      }
    }
  }

  @Test
  void shouldReadFieldsOfKnownSampleData() {
    NuScenesTables t = scene0523();
    int sd = t.sampleData("5fdcdc307f2d44d1845a8ff15ce00ab2");
    assertEquals(0, sd);
    assertEquals(1535639716773683L, t.sampleDataTimestamp(sd));
    assertEquals("RADAR_FRONT", t.sampleDataChannel(sd));
    assertEquals("radar", t.sampleDataModality(sd));
    assertFalse(t.sampleDataIsKeyFrame(sd));
    assertEquals("pcd", t.sampleDataFileformat(sd));
    assertEquals(
        "sweeps/RADAR_FRONT/n008-2018-08-30-10-33-52-0400__RADAR_FRONT__1535639716773683.pcd",
        t.sampleDataFilename(sd));
    assertEquals(t.sampleData("06eab839e2de44b6bd3812a2428cb921"), t.sampleDataNext(sd));
    assertEquals(t.sampleData("d9e9da1907b24d4b87fa89d8ea0cf786"), t.sampleDataPrev(sd));
    assertEquals(t.sample("ea43c86a960344f09d3b3ab2035aced8"), t.sampleDataSample(sd));
    int ep = t.sampleDataEgoPose(sd);
    assertEquals("5fdcdc307f2d44d1845a8ff15ce00ab2", t.token(NuScenesTable.EGO_POSE, ep));
    assertEquals(1737.9475001330547, t.egoPoseTranslation(ep, 0));
    assertEquals(0.28758594469185705, t.egoPoseRotation(ep, 3));
  }

  @Test
  void shouldKeepAnnotationsOfASampleInFileOrder() {
    NuScenesTables t = scene0523();
    int first = t.sample("ce03b6f0c1d2455aa18f6275917485bc");
    assertEquals(49, t.sampleAnnotationCount(first));
    int previous = -1;
    for (int i = 0; i < t.sampleAnnotationCount(first); i++) {
      int a = t.sampleAnnotation(first, i);
      assertTrue(a > previous);
      assertEquals(first, t.annotationSample(a));
      previous = a;
    }
  }

  @Test
  void shouldReadAnnotationFieldsAndCategoryName() {
    NuScenesTables t = scene0523();
    int a = t.sampleAnnotation("88fe710398c44ab19ce908d6f1591d49");
    assertEquals(0, a);
    assertEquals(1.422, t.annotationSize(a, 1));
    assertEquals(-0.2064774286196456, t.annotationRotation(a, 3));
    assertEquals(196, t.annotationNumLidarPts(a));
    assertEquals("4", t.token(NuScenesTable.VISIBILITY, t.annotationVisibility(a)));
    assertEquals(0, t.annotationAttributeCount(a));
    assertFalse(t.annotationCategoryName(a).isEmpty());
  }

  @Test
  void shouldReportOnlyTheDocumentedDanglingLogReferencesAsWarnings() {
    List<Problem> problems = loadTolerant(SCENE_0523);
    assertTrue(problems.stream().allMatch(p -> p.severity() == Severity.WARN), problems.toString());
    assertTrue(problems.stream().anyMatch(p -> p.kind().equals("WARN scene.log_token")));
    assertTrue(
        problems.stream()
            .allMatch(
                p ->
                    p.kind().equals("WARN scene.log_token")
                        || p.kind().equals("WARN map.log_tokens")));
  }

  @Test
  void shouldLoadScene0523StrictlyDespiteTheDocumentedQuirks() {
    NuScenesTables t = NuScenesTables.load(SCENE_0523);
    assertEquals(-1, t.sceneLog(0));
  }

  @Test
  void shouldAcceptFloatTimestampsAndLongTokensOfLyft() {
    Path dir = Fixtures.real("lyft-trimmed").resolve("v1.01-train");
    NuScenesTables t = NuScenesTables.load(dir, p -> {});
    int s = t.sample("199e3146d98e6a2047bafbc222b92f5b67c4640a69b0d1d35b710242de816679");
    assertEquals(0, s);
    assertEquals(1556675185903083L, t.sampleTimestamp(s));
  }

  @Test
  void shouldThrowNamingTableFieldAndTokenOnDanglingReferenceWhenStrict() {
    Path dir = Fixtures.real("lyft-trimmed").resolve("v1.01-train");
    BadDataException e = assertThrows(BadDataException.class, () -> NuScenesTables.load(dir));
    assertTrue(e.getMessage().contains("dangling reference"), e.getMessage());
    assertTrue(e.getMessage().matches("ERROR \\w+\\.\\w+ token=[0-9a-f]{64}: .*"), e.getMessage());
  }

  @Test
  void shouldNameFileAndPositionOfTruncatedJson(@TempDir Path tmp) throws IOException {
    Path dir = Fixtures.copy(SCENE_0523, tmp, false);
    Path f = dir.resolve("sample.json");
    String s = Files.readString(f);
    Files.writeString(f, s.substring(0, s.length() / 2));
    BadDataException e = assertThrows(BadDataException.class, () -> NuScenesTables.load(dir));
    assertTrue(e.getMessage().startsWith("ERROR sample.*"), e.getMessage());
    assertTrue(e.getMessage().contains("malformed JSON in " + f), e.getMessage());
    assertTrue(e.getMessage().contains(" line "), e.getMessage());
  }

  @Test
  void shouldNameMissingTableFile(@TempDir Path tmp) throws IOException {
    Path dir = Fixtures.copy(SCENE_0523, tmp, false);
    Files.delete(dir.resolve("ego_pose.json"));
    BadDataException e = assertThrows(BadDataException.class, () -> NuScenesTables.load(dir));
    assertTrue(e.getMessage().contains("table file missing: " + dir.resolve("ego_pose.json")));
  }

  @Test
  void shouldNameMissingRequiredField(@TempDir Path tmp) {
    Path dir = Fixtures.copy(SCENE_0523, tmp, false);
    Fixtures.replaceFirst(dir.resolve("ego_pose.json"), "\"timestamp\": 1535639716773683,", "");
    BadDataException e = assertThrows(BadDataException.class, () -> NuScenesTables.load(dir));
    assertTrue(
        e.getMessage().startsWith("ERROR ego_pose.timestamp: field missing in 1 of 3088"),
        e.getMessage());
    assertTrue(e.getMessage().contains("5fdcdc307f2d44d1845a8ff15ce00ab2"), e.getMessage());
  }

  @Test
  void shouldNameFieldAndPositionOfWrongJsonType(@TempDir Path tmp) {
    Path dir = Fixtures.copy(SCENE_0523, tmp, false);
    Fixtures.replaceFirst(
        dir.resolve("sample_data.json"), "\"timestamp\": 1535639716773683", "\"timestamp\": \"x\"");
    BadDataException e = assertThrows(BadDataException.class, () -> NuScenesTables.load(dir));
    assertTrue(
        e.getMessage()
            .startsWith(
                "ERROR sample_data.timestamp token=5fdcdc307f2d44d1845a8ff15ce00ab2:"
                    + " expected a number but found a string at sample_data.json line "),
        e.getMessage());
  }

  @Test
  void shouldRejectNonArrayTopLevel(@TempDir Path tmp) throws IOException {
    Path dir = Fixtures.copy(SCENE_0523, tmp, false);
    Files.writeString(dir.resolve("sensor.json"), "{\"token\": \"a\"}");
    BadDataException e = assertThrows(BadDataException.class, () -> NuScenesTables.load(dir));
    assertTrue(
        e.getMessage().contains("expected a JSON array of objects at top level"), e.getMessage());
  }

  @Test
  void shouldReportDuplicateToken(@TempDir Path tmp) {
    Path dir = Fixtures.copy(SCENE_0523, tmp, false);
    Fixtures.replaceFirst(
        dir.resolve("sample.json"),
        "ce03b6f0c1d2455aa18f6275917485bc",
        "ea43c86a960344f09d3b3ab2035aced8");
    List<Problem> problems = loadTolerant(dir);
    assertTrue(
        problems.stream()
            .anyMatch(
                p ->
                    p.kind().equals("ERROR sample.token")
                        && p.token().equals("ea43c86a960344f09d3b3ab2035aced8")
                        && p.message().startsWith("duplicate token")),
        problems.toString());
  }

  @Test
  void shouldIgnoreUnknownFields(@TempDir Path tmp) {
    Path dir = Fixtures.copy(SCENE_0523, tmp, false);
    Fixtures.replaceFirst(
        dir.resolve("sample.json"),
        "\"prev\": \"\",",
        "\"prev\": \"\", \"extra\": {\"a\": [1, 2, {\"b\": null}]},");
    assertTrue(loadTolerant(dir).stream().allMatch(p -> p.severity() == Severity.WARN));
  }
}
