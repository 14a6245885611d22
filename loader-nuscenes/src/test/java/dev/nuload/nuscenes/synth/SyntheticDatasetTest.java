package dev.nuload.nuscenes.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nuload.nuscenes.NuScenesVersion;
import dev.nuload.nuscenes.Splits;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticDatasetTest {
  private static final Consumer<String> QUIET = line -> {};
  private static final List<String> TABLES =
      List.of(
          "attribute",
          "calibrated_sensor",
          "category",
          "ego_pose",
          "instance",
          "log",
          "map",
          "sample",
          "sample_annotation",
          "sample_data",
          "scene",
          "sensor",
          "visibility");

  @TempDir static Path shared;
  static SynthReport report;
  static JsonTables t;

  @TempDir Path dir;

  @BeforeAll
  static void generateMini() {
    report =
        SyntheticDataset.generate(
            SynthOptions.builder(shared.resolve("mini"))
                .scenes(2)
                .seed(7)
                .sensorFiles(false)
                .threads(2)
                .build(),
            QUIET);
    t = new JsonTables(report.tablesDir());
  }

  private static Map<String, String> channelOfCalib() {
    Map<String, Map<String, Object>> sensors = t.byToken("sensor");
    Map<String, String> m = new HashMap<>();
    for (Map<String, Object> c : t.table("calibrated_sensor")) {
      m.put(
          (String) c.get("token"),
          (String) sensors.get((String) c.get("sensor_token")).get("channel"));
    }
    return m;
  }

  @Test
  void shouldWriteAllThirteenTables() {
    for (String name : TABLES) {
      assertTrue(Files.isRegularFile(report.tablesDir().resolve(name + ".json")), name);
      assertEquals(report.records(name), t.table(name).size(), name);
    }
    assertEquals(23, t.table("category").size());
    assertEquals(8, t.table("attribute").size());
    assertEquals(4, t.table("visibility").size());
    assertEquals(12, t.table("sensor").size());
    assertEquals(4, t.table("map").size());
    assertEquals(24, t.table("calibrated_sensor").size());
  }

  @Test
  void shouldWriteOfficialFieldNamesAndJsonTypes() {
    Map<String, String> expected = new TreeMap<>();
    expected.put(
        "sample_data",
        "token:S sample_token:S ego_pose_token:S calibrated_sensor_token:S timestamp:L"
            + " fileformat:S is_key_frame:B height:L width:L filename:S prev:S next:S");
    expected.put("ego_pose", "token:S timestamp:L rotation:A translation:A");
    expected.put("sample", "token:S timestamp:L prev:S next:S scene_token:S");
    expected.put(
        "scene",
        "token:S log_token:S nbr_samples:L first_sample_token:S last_sample_token:S name:S"
            + " description:S");
    expected.put(
        "sample_annotation",
        "token:S sample_token:S instance_token:S visibility_token:S attribute_tokens:A"
            + " translation:A size:A rotation:A prev:S next:S num_lidar_pts:L num_radar_pts:L");
    expected.put(
        "instance",
        "token:S category_token:S nbr_annotations:L first_annotation_token:S"
            + " last_annotation_token:S");
    expected.put(
        "calibrated_sensor", "token:S sensor_token:S translation:A rotation:A camera_intrinsic:A");
    expected.put("category", "token:S name:S description:S index:L");
    expected.put("log", "token:S logfile:S vehicle:S date_captured:S location:S");
    expected.put("map", "category:S token:S filename:S log_tokens:A");
    for (var e : expected.entrySet()) {
      for (Map<String, Object> r : t.table(e.getKey())) {
        List<String> got = new ArrayList<>();
        for (var f : r.entrySet()) {
          Object v = f.getValue();
          String type =
              v instanceof String
                  ? "S"
                  : v instanceof Long
                      ? "L"
                      : v instanceof Boolean ? "B" : v instanceof List ? "A" : "?";
          got.add(f.getKey() + ":" + type);
        }
        assertEquals(e.getValue(), String.join(" ", got), e.getKey());
      }
    }
    for (Map<String, Object> r : t.table("calibrated_sensor")) {
      List<?> k = (List<?>) r.get("camera_intrinsic");
      assertTrue(k.isEmpty() || k.size() == 3);
      for (Object v : (List<?>) r.get("translation")) {
        assertInstanceOf(Double.class, v);
      }
    }
  }

  @Test
  void shouldUseUniqueLowercaseHexTokens() {
    Set<String> seen = new HashSet<>();
    for (String name : TABLES) {
      for (Map<String, Object> r : t.table(name)) {
        String tok = (String) r.get("token");
        if (!name.equals("visibility") && !name.equals("ego_pose")) {
          assertTrue(tok.matches("[0-9a-f]{32}"), name + " " + tok);
          assertTrue(seen.add(tok), "duplicate token " + tok + " in " + name);
        }
      }
    }
  }

  @Test
  void shouldResolveEveryReference() {
    Map<String, Set<String>> tokens = new HashMap<>();
    for (String name : TABLES) {
      Set<String> s = new HashSet<>();
      t.table(name).forEach(r -> s.add((String) r.get("token")));
      tokens.put(name, s);
    }
    String[][] refs = {
      {"sample_data", "sample_token", "sample"},
      {"sample_data", "ego_pose_token", "ego_pose"},
      {"sample_data", "calibrated_sensor_token", "calibrated_sensor"},
      {"sample_data", "prev", "sample_data"},
      {"sample_data", "next", "sample_data"},
      {"sample", "scene_token", "scene"},
      {"sample", "prev", "sample"},
      {"sample", "next", "sample"},
      {"scene", "log_token", "log"},
      {"scene", "first_sample_token", "sample"},
      {"scene", "last_sample_token", "sample"},
      {"instance", "category_token", "category"},
      {"instance", "first_annotation_token", "sample_annotation"},
      {"instance", "last_annotation_token", "sample_annotation"},
      {"sample_annotation", "sample_token", "sample"},
      {"sample_annotation", "instance_token", "instance"},
      {"sample_annotation", "visibility_token", "visibility"},
      {"sample_annotation", "prev", "sample_annotation"},
      {"sample_annotation", "next", "sample_annotation"},
      {"calibrated_sensor", "sensor_token", "sensor"},
    };
    for (String[] ref : refs) {
      for (Map<String, Object> r : t.table(ref[0])) {
        String v = (String) r.get(ref[1]);
        boolean optional = ref[1].equals("prev") || ref[1].equals("next");
        if (optional && v.isEmpty()) {
          continue;
        }
        assertTrue(tokens.get(ref[2]).contains(v), ref[0] + "." + ref[1] + " -> " + v);
      }
    }
    for (Map<String, Object> a : t.table("sample_annotation")) {
      for (Object at : (List<?>) a.get("attribute_tokens")) {
        assertTrue(tokens.get("attribute").contains((String) at));
      }
    }
    Set<String> logs = new HashSet<>();
    for (Map<String, Object> m : t.table("map")) {
      for (Object l : (List<?>) m.get("log_tokens")) {
        assertTrue(tokens.get("log").contains((String) l));
        assertTrue(logs.add((String) l), "log in two maps");
      }
    }
    assertEquals(tokens.get("log"), logs);
  }

  @Test
  void shouldKeepChainsAndCountsConsistent() {
    Map<String, Map<String, Object>> samples = t.byToken("sample");
    for (Map<String, Object> sc : t.table("scene")) {
      int n = 0;
      String cur = (String) sc.get("first_sample_token");
      String last = null;
      long prevTs = Long.MIN_VALUE;
      while (!cur.isEmpty()) {
        Map<String, Object> s = samples.get(cur);
        assertEquals(sc.get("token"), s.get("scene_token"));
        assertTrue((Long) s.get("timestamp") > prevTs);
        prevTs = (Long) s.get("timestamp");
        if (last != null) {
          assertEquals(last, s.get("prev"));
        }
        last = cur;
        cur = (String) s.get("next");
        n++;
      }
      assertEquals(sc.get("last_sample_token"), last);
      assertEquals((long) n, sc.get("nbr_samples"));
    }
    Map<String, Map<String, Object>> anns = t.byToken("sample_annotation");
    for (Map<String, Object> in : t.table("instance")) {
      int n = 0;
      String cur = (String) in.get("first_annotation_token");
      String last = null;
      while (!cur.isEmpty()) {
        Map<String, Object> a = anns.get(cur);
        assertEquals(in.get("token"), a.get("instance_token"));
        last = cur;
        cur = (String) a.get("next");
        n++;
      }
      assertEquals(in.get("last_annotation_token"), last);
      assertEquals((long) n, in.get("nbr_annotations"));
    }
    Map<String, Map<String, Object>> sd = t.byToken("sample_data");
    for (Map<String, Object> r : t.table("sample_data")) {
      String next = (String) r.get("next");
      if (!next.isEmpty()) {
        Map<String, Object> nx = sd.get(next);
        assertEquals(r.get("token"), nx.get("prev"));
        assertEquals(r.get("calibrated_sensor_token"), nx.get("calibrated_sensor_token"));
        assertTrue((Long) nx.get("timestamp") > (Long) r.get("timestamp"));
      }
    }
  }

  @Test
  void shouldAttachExactlyOneKeyframePerChannelToEachSample() {
    Map<String, String> ch = channelOfCalib();
    Map<String, Map<String, String>> data = new HashMap<>();
    Map<String, Map<String, Object>> samples = t.byToken("sample");
    for (Map<String, Object> r : t.table("sample_data")) {
      if ((Boolean) r.get("is_key_frame")) {
        String c = ch.get((String) r.get("calibrated_sensor_token"));
        var m = data.computeIfAbsent((String) r.get("sample_token"), k -> new HashMap<>());
        assertEquals(null, m.put(c, (String) r.get("token")), "two keyframes of " + c);
        assertTrue(((String) r.get("filename")).startsWith("samples/" + c + "/"));
        if (c.equals("LIDAR_TOP")) {
          assertEquals(
              samples.get((String) r.get("sample_token")).get("timestamp"), r.get("timestamp"));
        }
      } else {
        assertTrue(((String) r.get("filename")).startsWith("sweeps/"));
      }
    }
    assertEquals(samples.keySet(), data.keySet());
    data.values().forEach(m -> assertEquals(12, m.size()));
  }

  @Test
  void shouldRunSensorsAtOfficialRates() {
    Map<String, String> ch = channelOfCalib();
    Map<String, List<Long>> ts = new HashMap<>();
    for (Map<String, Object> r : t.table("sample_data")) {
      ts.computeIfAbsent(
              ch.get((String) r.get("calibrated_sensor_token"))
                  + "/"
                  + r.get("calibrated_sensor_token"),
              k -> new ArrayList<>())
          .add((Long) r.get("timestamp"));
    }
    for (var e : ts.entrySet()) {
      List<Long> l = e.getValue();
      l.sort(null);
      double hz = (l.size() - 1) / ((l.get(l.size() - 1) - l.get(0)) / 1e6);
      String c = e.getKey().substring(0, e.getKey().indexOf('/'));
      double want = c.startsWith("CAM") ? 12 : c.startsWith("LIDAR") ? 20 : 13.4;
      assertEquals(want, hz, 1.0, c);
    }
    List<Long> st =
        t.table("sample").stream().map(r -> (Long) r.get("timestamp")).sorted().toList();
    for (int i = 1; i < st.size(); i++) {
      long dt = st.get(i) - st.get(i - 1);
      if (dt < 3_000_000) { // same scene
        assertTrue(dt > 400_000 && dt < 600_000, "sample interval " + dt);
      }
    }
    for (Map<String, Object> sc : t.table("scene")) {
      long n = (Long) sc.get("nbr_samples");
      assertTrue(n >= 38 && n <= 41, "samples per scene " + n);
    }
  }

  @Test
  void shouldGiveEachSampleDataItsOwnEgoPose() {
    Map<String, Map<String, Object>> poses = t.byToken("ego_pose");
    assertEquals(t.table("sample_data").size(), poses.size());
    for (Map<String, Object> r : t.table("sample_data")) {
      Map<String, Object> p = poses.get((String) r.get("ego_pose_token"));
      assertEquals(r.get("timestamp"), p.get("timestamp"));
      assertEquals(0.0, (Double) ((List<?>) p.get("translation")).get(2));
    }
  }

  @Test
  void shouldWriteUnitQuaternions() {
    String[][] fields = {
      {"ego_pose", "rotation"}, {"calibrated_sensor", "rotation"}, {"sample_annotation", "rotation"}
    };
    for (String[] f : fields) {
      for (Map<String, Object> r : t.table(f[0])) {
        double n = 0;
        for (Object v : (List<?>) r.get(f[1])) {
          n += (Double) v * (Double) v;
        }
        assertEquals(1.0, n, 1e-9, f[0]);
      }
    }
  }

  @Test
  void shouldCoverAllCategoriesWithFittingAttributes() {
    Map<String, Map<String, Object>> cats = t.byToken("category");
    Map<String, Map<String, Object>> attrs = t.byToken("attribute");
    Map<String, Map<String, Object>> inst = t.byToken("instance");
    Set<String> used = new HashSet<>();
    for (Map<String, Object> a : t.table("sample_annotation")) {
      String cat =
          (String)
              cats.get((String) inst.get((String) a.get("instance_token")).get("category_token"))
                  .get("name");
      used.add(cat);
      List<?> at = (List<?>) a.get("attribute_tokens");
      String prefix =
          cat.equals("vehicle.bicycle") || cat.equals("vehicle.motorcycle")
              ? "cycle."
              : cat.startsWith("vehicle.")
                  ? "vehicle."
                  : cat.startsWith("human.pedestrian.") ? "pedestrian." : null;
      if (prefix == null) {
        assertTrue(at.isEmpty(), cat);
      } else {
        assertEquals(1, at.size(), cat);
        assertTrue(((String) attrs.get((String) at.get(0)).get("name")).startsWith(prefix), cat);
      }
    }
    assertEquals(23, used.size());
  }

  @Test
  void shouldHaveAnnotationsWithAndWithoutLidarPoints() {
    long zero = 0;
    long some = 0;
    long radar = 0;
    for (Map<String, Object> a : t.table("sample_annotation")) {
      long n = (Long) a.get("num_lidar_pts");
      if (n == 0) {
        zero++;
      } else {
        some++;
      }
      radar += (Long) a.get("num_radar_pts") > 0 ? 1 : 0;
    }
    assertTrue(zero > 0 && some > zero, zero + " / " + some);
    assertTrue(radar > 0);
  }

  @Test
  void shouldKeepEveryAnnotatedBoxOffTheEgoVehicle() {
    Map<String, Map<String, Object>> samples = t.byToken("sample");
    Map<String, Map<String, Object>> poses = t.byToken("ego_pose");
    Map<String, String> channels = channelOfCalib();
    Map<String, String> lidarPoseOfSample = new HashMap<>();
    for (Map<String, Object> sd : t.table("sample_data")) {
      if ((Boolean) sd.get("is_key_frame")
          && "LIDAR_TOP".equals(channels.get((String) sd.get("calibrated_sensor_token")))) {
        lidarPoseOfSample.put((String) sd.get("sample_token"), (String) sd.get("ego_pose_token"));
      }
    }
    assertEquals(samples.size(), lidarPoseOfSample.size());
    for (Map<String, Object> a : t.table("sample_annotation")) {
      Map<String, Object> pose = poses.get(lidarPoseOfSample.get((String) a.get("sample_token")));
      double[] e = numbers(pose.get("translation"));
      double egoYaw = yaw(numbers(pose.get("rotation")));
      double[] c = numbers(a.get("translation"));
      double[] size = numbers(a.get("size"));
      double phi = yaw(numbers(a.get("rotation"))) - egoYaw;
      double dx = c[0] - e[0];
      double dy = c[1] - e[1];
      // box centre in the ego frame, relative to the centre of the ego body (x -1.0 .. 3.3)
      double ox = Math.cos(egoYaw) * dx + Math.sin(egoYaw) * dy - 1.15;
      double oy = -Math.sin(egoYaw) * dx + Math.cos(egoYaw) * dy;
      double hl = size[1] / 2;
      double hw = size[0] / 2;
      double cp = Math.abs(Math.cos(phi));
      double sp = Math.abs(Math.sin(phi));
      boolean separated =
          Math.abs(ox) > 2.15 + hl * cp + hw * sp
              || Math.abs(oy) > 1.0 + hl * sp + hw * cp
              || Math.abs(ox * Math.cos(phi) + oy * Math.sin(phi)) > hl + 2.15 * cp + 1.0 * sp
              || Math.abs(-ox * Math.sin(phi) + oy * Math.cos(phi)) > hw + 2.15 * sp + 1.0 * cp;
      assertTrue(separated, "annotation " + a.get("token") + " overlaps the ego vehicle");
    }
  }

  private static double[] numbers(Object list) {
    return ((List<?>) list).stream().mapToDouble(v -> ((Number) v).doubleValue()).toArray();
  }

  private static double yaw(double[] q) {
    return Math.atan2(2 * (q[0] * q[3] + q[1] * q[2]), 1 - 2 * (q[2] * q[2] + q[3] * q[3]));
  }

  @Test
  void shouldFormatLikePythonJsonDumpIndentZero() throws Exception {
    String s = Files.readString(report.tablesDir().resolve("sample.json"), StandardCharsets.UTF_8);
    assertTrue(s.startsWith("[\n{\n\"token\": \""), s.substring(0, 20));
    assertTrue(s.endsWith("\"\n}\n]"));
    String cal = Files.readString(report.tablesDir().resolve("calibrated_sensor.json"));
    assertTrue(cal.contains("\"camera_intrinsic\": []\n}"));
    assertTrue(cal.contains("\"camera_intrinsic\": [\n[\n"));
  }

  @Test
  void shouldFormatDoublesLikePythonRepr() {
    assertEquals("0.0", TableWriters.pythonRepr(0.0));
    assertEquals("1.0", TableWriters.pythonRepr(1.0));
    assertEquals("0.0001", TableWriters.pythonRepr(1e-4));
    assertEquals("1e-05", TableWriters.pythonRepr(1e-5));
    assertEquals("-2.5e-07", TableWriters.pythonRepr(-2.5e-7));
    assertEquals("1737.9475001330547", TableWriters.pythonRepr(1737.9475001330547));
    assertEquals("1e+16", TableWriters.pythonRepr(1e16));
    assertEquals("1234567.0", TableWriters.pythonRepr(1234567.0));
    assertEquals("-0.0022689260808398757", TableWriters.pythonRepr(-0.0022689260808398757));
  }

  @Test
  void shouldWriteNoAnnotationsForTestVersion() throws Exception {
    SynthReport r =
        SyntheticDataset.generate(
            SynthOptions.builder(dir)
                .version(NuScenesVersion.TEST)
                .scenes(1)
                .sensorFiles(false)
                .build(),
            QUIET);
    assertEquals("[]", Files.readString(r.tablesDir().resolve("instance.json")));
    assertEquals("[]", Files.readString(r.tablesDir().resolve("sample_annotation.json")));
    assertTrue(
        Splits.TEST.contains(new JsonTables(r.tablesDir()).table("scene").get(0).get("name")));
  }

  @Test
  void shouldSpreadScenesOverTheVersionSplits() {
    List<String> tv = DatasetPlan.sceneNames(NuScenesVersion.TRAINVAL, 3);
    assertTrue(tv.stream().anyMatch(Splits.TRAIN::contains));
    assertTrue(tv.stream().anyMatch(Splits.VAL::contains));
    List<String> mini = DatasetPlan.sceneNames(NuScenesVersion.MINI, 2);
    assertEquals(List.of("scene-0061", "scene-0103"), mini);
    assertEquals(850, new HashSet<>(DatasetPlan.sceneNames(NuScenesVersion.TRAINVAL, 850)).size());
    for (Map<String, Object> s : t.table("scene")) {
      String n = (String) s.get("name");
      assertTrue(Splits.MINI_TRAIN.contains(n) || Splits.MINI_VAL.contains(n), n);
    }
  }

  private byte[][] tables(Path out, long seed, int threads) throws Exception {
    SynthReport r =
        SyntheticDataset.generate(
            SynthOptions.builder(out)
                .scenes(3)
                .seed(seed)
                .sensorFiles(false)
                .threads(threads)
                .build(),
            QUIET);
    byte[][] b = new byte[TABLES.size()][];
    for (int i = 0; i < b.length; i++) {
      b[i] = Files.readAllBytes(r.tablesDir().resolve(TABLES.get(i) + ".json"));
    }
    return b;
  }

  @Test
  void shouldWriteIdenticalBytesForTheSameSeedWhateverTheThreads() throws Exception {
    byte[][] a = tables(dir.resolve("a"), 11, 1);
    byte[][] b = tables(dir.resolve("b"), 11, 3);
    for (int i = 0; i < a.length; i++) {
      assertArrayEquals(a[i], b[i], TABLES.get(i));
    }
  }

  @Test
  void shouldWriteDifferentTablesForADifferentSeed() throws Exception {
    byte[][] a = tables(dir.resolve("a"), 11, 2);
    byte[][] b = tables(dir.resolve("b"), 12, 2);
    assertFalse(
        java.util.Arrays.equals(
            a[TABLES.indexOf("sample_data")], b[TABLES.indexOf("sample_data")]));
  }

  @Test
  void shouldHoldTheRequestedSamplesInEverySceneWithSweepsToMatch() {
    SynthReport r =
        SyntheticDataset.generate(
            SynthOptions.builder(dir.resolve("short"))
                .scenes(2)
                .seed(7)
                .sensorFiles(false)
                .samplesPerScene(12)
                .build(),
            QUIET);
    JsonTables s = new JsonTables(r.tablesDir());
    for (Map<String, Object> scene : s.table("scene")) {
      assertEquals(12, ((Number) scene.get("nbr_samples")).intValue(), (String) scene.get("name"));
    }
    assertEquals(24, s.table("sample").size());
    Map<String, String> calibChannel = new HashMap<>();
    Map<String, Map<String, Object>> sensors = s.byToken("sensor");
    for (Map<String, Object> c : s.table("calibrated_sensor")) {
      calibChannel.put(
          (String) c.get("token"),
          (String) sensors.get((String) c.get("sensor_token")).get("channel"));
    }
    long front =
        s.table("sample_data").stream()
            .filter(d -> "CAM_FRONT".equals(calibChannel.get(d.get("calibrated_sensor_token"))))
            .count();
    assertEquals(2 * (6 * (12 - 1) + 1), front, "12 Hz camera frames over 11 sample gaps");
  }

  @Test
  void shouldRefuseASceneOfOneSampleNamingTheOption() {
    IllegalArgumentException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class,
            () -> SynthOptions.builder(dir).samplesPerScene(1).build());
    assertTrue(e.getMessage().startsWith("--samples-per-scene must be 2..100"), e.getMessage());
  }
}
