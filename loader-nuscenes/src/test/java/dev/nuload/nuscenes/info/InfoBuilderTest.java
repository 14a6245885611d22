package dev.nuload.nuscenes.info;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nuload.BadDataException;
import dev.nuload.nuscenes.NuScenesVersion;
import dev.nuload.nuscenes.geom.RigidTransform;
import dev.nuload.nuscenes.info.InfoRecord.CameraSweep;
import dev.nuload.nuscenes.info.InfoRecord.CameraSweepFrame;
import dev.nuload.nuscenes.info.InfoRecord.SensorEntry;
import dev.nuload.nuscenes.table.NuScenesTable;
import dev.nuload.nuscenes.table.NuScenesTables;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Spec sanity checks (2.2 to 2.10, 5.1, 5.5) on the real scene-0523 tables. */
class InfoBuilderTest {
  private static NuScenesTables scene0523;

  @TempDir Path tmp;

  private static Path dir0523() {
    return InfoFixtures.real("scene-0523").resolve("v1.0-trainval");
  }

  private static synchronized NuScenesTables tables() {
    if (scene0523 == null) {
      scene0523 = NuScenesTables.load(dir0523());
    }
    return scene0523;
  }

  private static InfoBuilder builder() {
    return new InfoBuilder(tables(), NuScenesVersion.TRAINVAL);
  }

  /** Sample rows of the scene in time order (first_sample_token, then next). */
  private static List<Integer> sceneOrder(NuScenesTables t) {
    List<Integer> rows = new ArrayList<>();
    for (int s = t.sceneFirstSample(0); s >= 0; s = t.sampleNext(s)) {
      rows.add(s);
    }
    return rows;
  }

  private static double[] t(SensorEntry e) {
    return e.sensor2lidarTranslation();
  }

  @Test
  void shouldGiveIdentityForTheReferenceLidarItself() {
    InfoRecord r = builder().record(5);
    SensorToLidar ref =
        new SensorToLidar(
            r.lidar2egoRotation(),
            r.lidar2egoTranslation(),
            r.ego2globalRotation(),
            r.ego2globalTranslation());
    assertArrayEquals(
        new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1},
        ref.rotation(r.lidar2egoRotation(), r.ego2globalRotation()),
        1e-15);
    assertArrayEquals(
        new double[3],
        ref.translation(
            r.lidar2egoTranslation(), r.ego2globalRotation(), r.ego2globalTranslation()),
        1e-12);
  }

  @Test
  void shouldReduceToTheCalibrationChainForAStaticEgo() {
    InfoRecord r = builder().record(5);
    SensorToLidar ref =
        new SensorToLidar(
            r.lidar2egoRotation(),
            r.lidar2egoTranslation(),
            r.ego2globalRotation(),
            r.ego2globalTranslation());
    double[] rl2eT = Geometry.transpose3(Geometry.rotation(r.lidar2egoRotation()));
    for (SensorEntry cam : r.cams()) {
      double[] ts2e = cam.sensor2egoTranslation();
      double[] expectedR = Geometry.mul3(rl2eT, Geometry.rotation(cam.sensor2egoRotation()));
      double[] l2e = r.lidar2egoTranslation();
      double[] expectedT =
          Geometry.times(
              rl2eT, new double[] {ts2e[0] - l2e[0], ts2e[1] - l2e[1], ts2e[2] - l2e[2]});
      assertArrayEquals(
          expectedR, ref.rotation(cam.sensor2egoRotation(), r.ego2globalRotation()), 1e-12);
      assertArrayEquals(
          expectedT,
          ref.translation(ts2e, r.ego2globalRotation(), r.ego2globalTranslation()),
          1e-9);
    }
  }

  @Test
  void shouldMatchKeyframeLidar2imgWithTheTransformChain() {
    int checked = 0;
    for (int s = 0; s < 40; s++) {
      InfoRecord r = builder().record(s);
      RigidTransform lidarToGlobal =
          RigidTransform.of(r.lidar2egoRotation(), r.lidar2egoTranslation())
              .then(RigidTransform.of(r.ego2globalRotation(), r.ego2globalTranslation()));
      for (SensorEntry cam : r.cams()) {
        RigidTransform l2c =
            lidarToGlobal
                .then(
                    RigidTransform.of(cam.ego2globalRotation(), cam.ego2globalTranslation())
                        .inverse())
                .then(
                    RigidTransform.of(cam.sensor2egoRotation(), cam.sensor2egoTranslation())
                        .inverse());
        double[] t4 = new double[16];
        for (int i = 0; i < 3; i++) {
          for (int j = 0; j < 3; j++) {
            t4[i * 4 + j] = l2c.r()[i * 3 + j];
          }
          t4[i * 4 + 3] = l2c.t()[i];
        }
        t4[15] = 1;
        double[] k4 = SensorToLidar.viewpad(cam.camIntrinsic());
        double[] expected = Geometry.mul4(k4, t4);
        double[] actual =
            SensorToLidar.lidar2img(
                k4,
                SensorToLidar.extrinsics(
                    cam.sensor2lidarRotation(), cam.sensor2lidarTranslation()));
        for (int i = 0; i < 16; i++) { // 1e-9 relative (absolute below magnitude 1)
          assertEquals(
              expected[i],
              actual[i],
              1e-9 * Math.max(1, Math.abs(expected[i])),
              cam.type() + " of sample " + s + " element " + i);
        }
        checked++;
      }
    }
    assertEquals(240, checked);
  }

  @Test
  void shouldGrowCameraSweepsBySixPerPreviousKeyframe() {
    List<Integer> order = sceneOrder(tables());
    int[] lengths = new int[7];
    for (int i = 0; i < 7; i++) {
      lengths[i] = builder().record(order.get(i)).cameraSweeps().size();
    }
    assertArrayEquals(new int[] {0, 6, 12, 18, 24, 30, 30}, lengths);
  }

  @Test
  void shouldEndEachSweepBlockWithThePreviousKeyframe() {
    NuScenesTables t = tables();
    List<Integer> order = sceneOrder(t);
    InfoRecord r = builder().record(order.get(6));
    for (int b = 0; b < 5; b++) {
      CameraSweep key = r.cameraSweeps().get(6 * b + 5);
      String prevSample = t.token(NuScenesTable.SAMPLE, order.get(5 - b));
      for (CameraSweepFrame f : key.frames()) {
        assertTrue(f.isKeyFrame());
        assertEquals(prevSample, f.sampleToken()); // stored under "sample_data_token" (bug)
        assertEquals(f.channel(), t.sampleDataChannel(t.sampleData(f.sampleDataToken())));
      }
    }
    List<String> channels =
        r.cameraSweeps().get(0).frames().stream().map(CameraSweepFrame::channel).toList();
    assertEquals(InfoBuilder.SWEEP_CAMERA_ORDER, channels);
  }

  @Test
  void shouldHaveNoLidarSweepsForTheFirstSampleOfAScene() {
    List<Integer> order = sceneOrder(tables());
    assertEquals(0, builder().record(order.get(0)).lidarSweeps().size());
    InfoRecord second = builder().record(order.get(1));
    assertEquals(10, second.lidarSweeps().size());
    for (SensorEntry e : second.lidarSweeps()) {
      assertEquals("lidar", e.type());
      assertNull(e.camIntrinsic());
    }
    assertTrue(second.lidarSweeps().get(0).timestamp() < second.timestamp());
  }

  @Test
  void shouldCapLidarSweepsAtTheOption() {
    InfoBuilder b =
        new InfoBuilder(
            tables(), NuScenesVersion.TRAINVAL, InfoOptions.defaults().withMaxLidarSweeps(3));
    assertEquals(3, b.record(sceneOrder(tables()).get(4)).lidarSweeps().size());
  }

  @Test
  void shouldOmitAnnotationsForTheTestVersion() {
    List<InfoRecord> records = new ArrayList<>();
    new InfoBuilder(tables(), NuScenesVersion.TEST)
        .buildScenes(List.of("scene-0523"), records::add);
    assertEquals(40, records.size());
    assertTrue(records.stream().allMatch(r -> r.annotations() == null));
  }

  @Test
  void shouldKeepRawNamesOfUnmappedCategories() {
    Set<String> names = new HashSet<>();
    builder().build("val", r -> names.addAll(Arrays.asList(r.annotations().gtNames())));
    assertTrue(names.contains("movable_object.debris"), names.toString());
    assertTrue(names.contains("vehicle.emergency.police"), names.toString());
    assertTrue(names.containsAll(List.of("car", "pedestrian", "barrier", "trailer")));
    assertFalse(names.contains("vehicle.car"));
  }

  @Test
  void shouldGiveNanVelocityForSingleAnnotationInstances() {
    NuScenesTables t = tables();
    Set<String> single = new HashSet<>();
    for (int i = 0; i < t.count(NuScenesTable.INSTANCE); i++) {
      if (t.instanceNbrAnnotations(i) == 1) {
        single.add(t.token(NuScenesTable.SAMPLE_ANNOTATION, t.instanceFirstAnnotation(i)));
      }
    }
    assertFalse(single.isEmpty());
    int[] seen = new int[2];
    builder()
        .build(
            "val",
            r -> {
              InfoRecord.Annotations a = r.annotations();
              for (int i = 0; i < a.size(); i++) {
                boolean nan =
                    Double.isNaN(a.gtVelocity()[2 * i]) && Double.isNaN(a.gtVelocity()[2 * i + 1]);
                if (single.contains(a.annotationTokens()[i])) {
                  assertTrue(nan, a.annotationTokens()[i]);
                  seen[0]++;
                } else if (!nan) {
                  seen[1]++;
                }
              }
            });
    assertEquals(single.size(), seen[0]);
    assertTrue(seen[1] > 1000);
  }

  @Test
  void shouldDeliverRecordsInSampleFileOrderWhenParallel() {
    List<String> parallel = new ArrayList<>();
    new InfoBuilder(
            tables(),
            NuScenesVersion.TRAINVAL,
            InfoOptions.defaults().withThreads(3).withChunkSize(2))
        .build("val", r -> parallel.add(r.token()));
    List<String> fileOrder = new ArrayList<>();
    for (int s = 0; s < 40; s++) {
      fileOrder.add(tables().token(NuScenesTable.SAMPLE, s));
    }
    assertEquals(fileOrder, parallel);
  }

  @Test
  void shouldPutScenesOutsideTheFirstListIntoTheSecondSplit() {
    InfoBuilder mini = new InfoBuilder(tables(), NuScenesVersion.MINI);
    assertEquals(0, mini.count("mini_train"));
    assertEquals(40, mini.count("mini_val")); // scene-0523 is in neither mini list
    assertEquals(List.of("mini_val"), mini.splits());
  }

  @Test
  void shouldListOnlyOfficialSplitsThatHaveSamples() {
    assertEquals(List.of("val"), builder().splits());
    assertEquals(0, builder().count("train"));
    assertEquals(40, builder().count("val"));
    assertEquals(0, builder().count("train_detect"));
    assertThrows(IllegalArgumentException.class, () -> builder().count("nope"));
  }

  @Test
  void shouldDropNonTestScenesForTheTestVersion() {
    assertEquals(0, new InfoBuilder(tables(), NuScenesVersion.TEST).count("test"));
  }

  // ------------------------------------------------------------------ broken tables

  private Path copy0523(String table, UnaryOperator<String> edit) throws IOException {
    Path dir = tmp.resolve("v1.0-trainval");
    Files.createDirectories(dir);
    try (Stream<Path> files = Files.list(dir0523())) {
      for (Path f : files.toList()) {
        String text = Files.readString(f, StandardCharsets.UTF_8);
        if (f.getFileName().toString().equals(table + ".json")) {
          String edited = edit.apply(text);
          assertFalse(edited.equals(text), "edit changed nothing");
          text = edited;
        }
        Files.writeString(dir.resolve(f.getFileName()), text, StandardCharsets.UTF_8);
      }
    }
    return dir;
  }

  @Test
  void shouldRejectASampleWithoutLidarKeyframe() throws IOException {
    Path dir = copy0523("sensor", s -> s.replace("\"LIDAR_TOP\"", "\"LIDAR_X\""));
    InfoBuilder b = new InfoBuilder(NuScenesTables.load(dir), NuScenesVersion.TRAINVAL);
    BadDataException e = assertThrows(BadDataException.class, () -> b.record(0));
    assertTrue(e.getMessage().contains("LIDAR_TOP"), e.getMessage());
    assertTrue(e.getMessage().contains(tables().token(NuScenesTable.SAMPLE, 0)), e.getMessage());
    assertTrue(e.getMessage().contains("sample_data"), e.getMessage());
  }

  @Test
  void shouldRejectADanglingSampleDataPrevTheConverterWouldFollow() throws IOException {
    NuScenesTables t = tables();
    int s = sceneOrder(t).get(3);
    int key = t.sampleKeyframe(s, "LIDAR_TOP");
    String prev = t.token(NuScenesTable.SAMPLE_DATA, t.sampleDataPrev(key));
    Path dir =
        copy0523(
            "sample_data",
            x ->
                x.replace(
                    "\"prev\": \"" + prev + "\"",
                    "\"prev\": \"ffffffffffffffffffffffffffffffff\""));
    InfoBuilder b = new InfoBuilder(NuScenesTables.load(dir, p -> {}), NuScenesVersion.TRAINVAL);
    BadDataException e = assertThrows(BadDataException.class, () -> b.build("val", r -> {}));
    assertTrue(e.getMessage().startsWith("sample_data.prev"), e.getMessage());
    assertTrue(e.getMessage().contains(t.token(NuScenesTable.SAMPLE_DATA, key)), e.getMessage());
  }

  @Test
  void shouldReuseThePreviousSweepEntryWhenACameraChainEnds() throws IOException {
    NuScenesTables t = tables();
    List<Integer> order = sceneOrder(t);
    int key = t.sampleKeyframe(order.get(1), "CAM_FRONT");
    int sd2 = t.sampleDataPrev(t.sampleDataPrev(key));
    String cut = t.token(NuScenesTable.SAMPLE_DATA, t.sampleDataPrev(sd2));
    Path dir =
        copy0523("sample_data", x -> x.replace("\"prev\": \"" + cut + "\"", "\"prev\": \"\""));
    NuScenesTables edited = NuScenesTables.load(dir);
    InfoRecord r = new InfoBuilder(edited, NuScenesVersion.TRAINVAL).record(order.get(1));
    List<CameraSweep> sweeps = r.cameraSweeps();
    assertEquals(6, sweeps.size());
    assertSame(sweeps.get(1), sweeps.get(2));
    assertSame(sweeps.get(1), sweeps.get(3));
    assertSame(sweeps.get(1), sweeps.get(4));
    assertTrue(sweeps.get(5).frames().get(0).isKeyFrame());

    // and the numpy reference agrees on every record of the edited scene
    List<Map<String, Object>> expected = InfoFixtures.reference(tmp, "v1.0-trainval", "val", tmp);
    InfoParity parity = new InfoParity();
    List<InfoRecord> actual = new ArrayList<>();
    new InfoBuilder(edited, NuScenesVersion.TRAINVAL).build("val", actual::add);
    for (int i = 0; i < expected.size(); i++) {
      parity.record("val[" + i + "]", expected.get(i), actual.get(i));
    }
    assertTrue(parity.diffs.isEmpty(), parity.summary());
  }

  @Test
  void shouldRejectRunningOffTheSceneStartBeforeAnyEntry() throws IOException {
    NuScenesTables t = tables();
    List<Integer> order = sceneOrder(t);
    int key = t.sampleKeyframe(order.get(1), "CAM_FRONT");
    String cut = t.token(NuScenesTable.SAMPLE_DATA, t.sampleDataPrev(key));
    Path dir =
        copy0523("sample_data", x -> x.replace("\"prev\": \"" + cut + "\"", "\"prev\": \"\""));
    InfoBuilder b = new InfoBuilder(NuScenesTables.load(dir), NuScenesVersion.TRAINVAL);
    BadDataException e = assertThrows(BadDataException.class, () -> b.record(order.get(1)));
    assertTrue(e.getMessage().contains(t.token(NuScenesTable.SAMPLE_DATA, key)), e.getMessage());
  }
}
