package dev.nuload.nuscenes.info;

import dev.nuload.BadDataException;
import dev.nuload.nuscenes.NuScenesVersion;
import dev.nuload.nuscenes.Splits;
import dev.nuload.nuscenes.info.InfoRecord.Annotations;
import dev.nuload.nuscenes.info.InfoRecord.CameraSweep;
import dev.nuload.nuscenes.info.InfoRecord.CameraSweepFrame;
import dev.nuload.nuscenes.info.InfoRecord.SensorEntry;
import dev.nuload.nuscenes.table.NuScenesTable;
import dev.nuload.nuscenes.table.NuScenesTables;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * Builds the per-sample info records of the mmdet3d v0.17.1 / PETR / Paddle3D converters (spec part
 * A) from loaded nuScenes tables: keyframe cameras (2.5), LiDAR sweeps (2.6), PETRv2 camera sweeps
 * (2.7) and annotations (2.8), in float64 with the converters' operation order.
 *
 * <p>Split assignment follows 2.2: for the first official split of the version (train, mini_train,
 * test) a sample belongs to it when its scene's name is in the devkit list; every other sample goes
 * to the second split (val, mini_val), even when its scene is in neither list. For the test version
 * only samples of test scenes are produced (the converter drops the rest). Any other devkit split
 * name (for example {@code train_detect}) or an explicit scene list selects by membership. Records
 * are delivered in {@code sample.json} order (2.3).
 *
 * <p>Records are computed in parallel in chunks and handed to the sink in order on the calling
 * thread; at most a few chunks are held at a time, so memory stays bounded whatever the split size.
 * The builder is immutable and thread-safe; {@link #record(int)} builds one record on demand.
 *
 * <p>Deliberate differences from the Python: paths are {@code sample_data.filename} (relative to
 * the dataset root), the keyframe lidar file is not checked for existence, and a missing prev/next
 * field (hand-trimmed tables) reads as a chain end instead of a {@code KeyError}.
 */
public final class InfoBuilder {
  /** Camera order of the PETRv2 sweep generator (2.7); only affects frame order in an entry. */
  public static final List<String> SWEEP_CAMERA_ORDER =
      List.of(
          "CAM_FRONT",
          "CAM_FRONT_RIGHT",
          "CAM_BACK_RIGHT",
          "CAM_BACK",
          "CAM_BACK_LEFT",
          "CAM_FRONT_LEFT");

  /** nuScenes category → detection class (2.9); categories not listed keep their raw name. */
  public static final Map<String, String> NAME_MAPPING =
      Map.ofEntries(
          Map.entry("movable_object.barrier", "barrier"),
          Map.entry("vehicle.bicycle", "bicycle"),
          Map.entry("vehicle.bus.bendy", "bus"),
          Map.entry("vehicle.bus.rigid", "bus"),
          Map.entry("vehicle.car", "car"),
          Map.entry("vehicle.construction", "construction_vehicle"),
          Map.entry("vehicle.motorcycle", "motorcycle"),
          Map.entry("human.pedestrian.adult", "pedestrian"),
          Map.entry("human.pedestrian.child", "pedestrian"),
          Map.entry("human.pedestrian.construction_worker", "pedestrian"),
          Map.entry("human.pedestrian.police_officer", "pedestrian"),
          Map.entry("movable_object.trafficcone", "traffic_cone"),
          Map.entry("vehicle.trailer", "trailer"),
          Map.entry("vehicle.truck", "truck"));

  private static final String LIDAR = "LIDAR_TOP";
  private static final double MAX_TIME_DIFF = 1.5;

  private final NuScenesTables t;
  private final NuScenesVersion version;
  private final InfoOptions options;
  private final int lidarSensor;
  private final int[] camSensors;
  private final int[] sweepCamSensors;

  /**
   * Creates a builder.
   *
   * @param tables the loaded tables.
   * @param version the version they belong to (decides the splits and whether to annotate).
   * @param options sweep counts, splits and parallelism.
   */
  public InfoBuilder(NuScenesTables tables, NuScenesVersion version, InfoOptions options) {
    this.t = Objects.requireNonNull(tables, "tables");
    this.version = Objects.requireNonNull(version, "version");
    this.options = Objects.requireNonNull(options, "options");
    lidarSensor = t.sensorOfChannel(LIDAR);
    camSensors = NuScenesTables.CAMERA_CHANNELS.stream().mapToInt(t::sensorOfChannel).toArray();
    sweepCamSensors = SWEEP_CAMERA_ORDER.stream().mapToInt(t::sensorOfChannel).toArray();
  }

  /**
   * Creates a builder from a version string.
   *
   * @param tables the loaded tables.
   * @param version {@code v1.0-mini}, {@code v1.0-trainval} or {@code v1.0-test}.
   * @param options sweep counts, splits and parallelism.
   */
  public InfoBuilder(NuScenesTables tables, String version, InfoOptions options) {
    this(tables, NuScenesVersion.of(version), options);
  }

  /**
   * Creates a builder with the converter defaults.
   *
   * @param tables the loaded tables.
   * @param version the version they belong to.
   */
  public InfoBuilder(NuScenesTables tables, NuScenesVersion version) {
    this(tables, version, InfoOptions.defaults());
  }

  /**
   * Returns the version.
   *
   * @return the version given at construction.
   */
  public NuScenesVersion version() {
    return version;
  }

  /**
   * Returns the options.
   *
   * @return the options given at construction.
   */
  public InfoOptions options() {
    return options;
  }

  /**
   * Returns the splits to build: the options' list when set, otherwise the official splits of the
   * version (2.2) that receive at least one sample of these tables.
   *
   * @return split names, in the converters' order.
   */
  public List<String> splits() {
    if (!options.splits().isEmpty()) {
      return options.splits();
    }
    return version.splits().stream().filter(s -> count(s) > 0).toList();
  }

  /**
   * Returns the sample rows of a split in {@code sample.json} order.
   *
   * @param split an official split of the version, or any devkit split name.
   * @return sample rows.
   * @throws IllegalArgumentException for an unknown split name.
   */
  public int[] sampleRows(String split) {
    List<String> official = version.splits();
    int idx = official.indexOf(split);
    if (idx == 1) { // the converters' "else" branch: everything not in the first list
      boolean[] first = sceneMask(Splits.scenes(official.get(0)));
      return select(first, false);
    }
    return select(sceneMask(Splits.scenes(split)), true);
  }

  /**
   * Returns the sample rows whose scene has one of the given names, in {@code sample.json} order.
   *
   * @param sceneNames scene names, for example {@code scene-0061}.
   * @return sample rows.
   */
  public int[] sampleRowsOfScenes(Collection<String> sceneNames) {
    return select(sceneMask(sceneNames), true);
  }

  /**
   * Returns how many records a split has.
   *
   * @param split an official split of the version, or any devkit split name.
   * @return the record count.
   */
  public int count(String split) {
    return sampleRows(split).length;
  }

  /**
   * Builds the records of a split and hands them to a sink in {@code sample.json} order.
   *
   * @param split an official split of the version, or any devkit split name.
   * @param sink receives each record on the calling thread.
   * @throws BadDataException naming table, field and token when the tables are inconsistent.
   */
  public void build(String split, Consumer<InfoRecord> sink) {
    build(sampleRows(split), sink);
  }

  /**
   * Builds the records of the samples of some scenes, in {@code sample.json} order.
   *
   * @param sceneNames scene names.
   * @param sink receives each record on the calling thread.
   */
  public void buildScenes(Collection<String> sceneNames, Consumer<InfoRecord> sink) {
    build(sampleRowsOfScenes(sceneNames), sink);
  }

  /**
   * Builds the records of the given sample rows, in the given order, in parallel chunks.
   *
   * @param sampleRows sample rows.
   * @param sink receives each record on the calling thread.
   * @throws BadDataException naming table, field and token when the tables are inconsistent.
   */
  public void build(int[] sampleRows, Consumer<InfoRecord> sink) {
    int chunk = options.chunkSize();
    int threads = options.threads();
    if (threads == 1 || sampleRows.length <= chunk) {
      for (int s : sampleRows) {
        sink.accept(record(s));
      }
      return;
    }
    int inFlight = threads * 2;
    ExecutorService pool =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread th = new Thread(r, "nuload-infos");
              th.setDaemon(true);
              return th;
            });
    try {
      ArrayDeque<Future<List<InfoRecord>>> window = new ArrayDeque<>();
      int next = 0;
      while (next < sampleRows.length || !window.isEmpty()) {
        while (window.size() < inFlight && next < sampleRows.length) {
          int from = next;
          int to = Math.min(sampleRows.length, from + chunk);
          window.add(pool.submit(() -> records(sampleRows, from, to)));
          next = to;
        }
        for (InfoRecord r : await(window.poll())) {
          sink.accept(r);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private List<InfoRecord> records(int[] rows, int from, int to) {
    List<InfoRecord> out = new ArrayList<>(to - from);
    for (int i = from; i < to; i++) {
      out.add(record(rows[i]));
    }
    return out;
  }

  private static <T> T await(Future<T> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while building infos", e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException re) {
        throw re;
      }
      if (c instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException("building infos failed: " + c, c);
    }
  }

  private boolean[] sceneMask(Collection<String> names) {
    Set<String> set = new HashSet<>(names);
    int n = t.count(NuScenesTable.SCENE);
    boolean[] mask = new boolean[n];
    for (int r = 0; r < n; r++) {
      mask[r] = set.contains(t.sceneName(r));
    }
    return mask;
  }

  private int[] select(boolean[] sceneMask, boolean want) {
    int n = t.count(NuScenesTable.SAMPLE);
    int[] rows = new int[n];
    int k = 0;
    for (int s = 0; s < n; s++) {
      int scene = t.sampleScene(s);
      boolean in = scene >= 0 && sceneMask[scene];
      if (in == want) {
        rows[k++] = s;
      }
    }
    return Arrays.copyOf(rows, k);
  }

  // ------------------------------------------------------------------ one record

  /**
   * Builds the info record of one sample.
   *
   * @param sample sample row.
   * @return the record.
   * @throws BadDataException naming table, field and token when the tables are inconsistent.
   */
  public InfoRecord record(int sample) {
    String token = t.token(NuScenesTable.SAMPLE, sample);
    int scene = t.sampleScene(sample);
    int lidarSd = keyframe(sample, lidarSensor, LIDAR);
    int lidarCs = calibratedSensor(lidarSd);
    int lidarEp = egoPose(lidarSd);
    double[] l2eT = csTranslation(lidarCs);
    double[] l2eR = csRotation(lidarCs);
    double[] e2gT = epTranslation(lidarEp);
    double[] e2gR = epRotation(lidarEp);
    SensorToLidar ref = new SensorToLidar(l2eR, l2eT, e2gR, e2gT);

    List<SensorEntry> cams = new ArrayList<>(camSensors.length);
    for (int c = 0; c < camSensors.length; c++) {
      String channel = NuScenesTables.CAMERA_CHANNELS.get(c);
      cams.add(entry(keyframe(sample, camSensors[c], channel), channel, ref, true));
    }

    List<SensorEntry> lidarSweeps = new ArrayList<>();
    int sd = lidarSd;
    while (lidarSweeps.size() < options.maxLidarSweeps()) {
      int prev = sampleDataPrev(sd);
      if (prev < 0) {
        break;
      }
      lidarSweeps.add(entry(prev, "lidar", ref, false));
      sd = prev;
    }

    return new InfoRecord(
        token,
        scene < 0 ? "" : t.token(NuScenesTable.SCENE, scene),
        t.token(NuScenesTable.SAMPLE_DATA, lidarSd),
        t.sampleDataFilename(lidarSd),
        t.sampleTimestamp(sample),
        l2eT,
        l2eR,
        e2gT,
        e2gR,
        List.copyOf(cams),
        List.copyOf(lidarSweeps),
        cameraSweeps(sample, ref),
        version.annotated() ? annotations(sample, ref, l2eT, l2eR, e2gT, e2gR) : null);
  }

  private SensorEntry entry(int sd, String type, SensorToLidar ref, boolean camera) {
    int cs = calibratedSensor(sd);
    int ep = egoPose(sd);
    double[] ts2e = csTranslation(cs);
    double[] qs2e = csRotation(cs);
    double[] te2g = epTranslation(ep);
    double[] qe2g = epRotation(ep);
    double[] re2g = Geometry.rotation(qe2g);
    return new SensorEntry(
        type,
        t.sampleDataFilename(sd),
        t.token(NuScenesTable.SAMPLE_DATA, sd),
        ts2e,
        qs2e,
        te2g,
        qe2g,
        t.sampleDataTimestamp(sd),
        ref.rotationFromMatrices(Geometry.rotation(qs2e), re2g),
        ref.translationFromMatrix(ts2e, re2g, te2g),
        camera ? intrinsic(cs) : null);
  }

  private List<CameraSweep> cameraSweeps(int sample, SensorToLidar ref) {
    int numPrev = options.cameraSweepKeyframes();
    if (numPrev == 0) {
      return List.of();
    }
    int cams = sweepCamSensors.length;
    int[] cur = new int[cams];
    for (int c = 0; c < cams; c++) {
      cur[c] = keyframe(sample, sweepCamSensors[c], SWEEP_CAMERA_ORDER.get(c));
    }
    List<CameraSweep> list = new ArrayList<>(numPrev * (options.cameraSweepSteps() + 1));
    int s = sample;
    for (int i = 0; i < numPrev; i++) {
      int prevSample = samplePrev(s);
      if (prevSample < 0) {
        break;
      }
      for (int j = 0; j < options.cameraSweepSteps(); j++) {
        List<CameraSweepFrame> frames = new ArrayList<>(cams);
        CameraSweep reused = null;
        for (int c = 0; c < cams; c++) {
          int prev = sampleDataPrev(cur[c]);
          if (prev < 0) { // ran off the scene start: the generator repeats the previous entry
            if (list.isEmpty()) {
              throw new BadDataException(
                  "sample_data.prev: camera sweeps of sample "
                      + t.token(NuScenesTable.SAMPLE, sample)
                      + " run off the scene start at "
                      + SWEEP_CAMERA_ORDER.get(c)
                      + " sample_data "
                      + t.token(NuScenesTable.SAMPLE_DATA, cur[c])
                      + " before any entry exists (the Python generator fails with IndexError)");
            }
            reused = list.getLast();
            break;
          }
          frames.add(frame(prev, SWEEP_CAMERA_ORDER.get(c), ref));
          cur[c] = prev;
        }
        list.add(reused != null ? reused : new CameraSweep(List.copyOf(frames)));
      }
      s = prevSample;
      List<CameraSweepFrame> frames = new ArrayList<>(cams);
      for (int c = 0; c < cams; c++) {
        int sd = keyframe(s, sweepCamSensors[c], SWEEP_CAMERA_ORDER.get(c));
        frames.add(frame(sd, SWEEP_CAMERA_ORDER.get(c), ref));
        cur[c] = sd;
      }
      list.add(new CameraSweep(List.copyOf(frames)));
    }
    return List.copyOf(list);
  }

  private CameraSweepFrame frame(int sd, String channel, SensorToLidar ref) {
    int cs = calibratedSensor(sd);
    int ep = egoPose(sd);
    double[] re2g = Geometry.rotation(epRotation(ep));
    double[] rs2l = ref.rotationFromMatrices(Geometry.rotation(csRotation(cs)), re2g);
    double[] ts2l = ref.translationFromMatrix(csTranslation(cs), re2g, epTranslation(ep));
    double[] k4 = SensorToLidar.viewpad(intrinsic(cs));
    double[] ext = SensorToLidar.extrinsics(rs2l, ts2l);
    int sample = t.sampleDataSample(sd);
    if (sample < 0) {
      throw unresolved(NuScenesTable.SAMPLE_DATA, "sample_token", sd, "sample");
    }
    return new CameraSweepFrame(
        channel,
        t.sampleDataIsKeyFrame(sd),
        t.sampleDataFilename(sd),
        t.sampleDataTimestamp(sd),
        t.token(NuScenesTable.SAMPLE_DATA, sd),
        t.token(NuScenesTable.SAMPLE, sample),
        rs2l,
        ts2l,
        k4,
        ext,
        SensorToLidar.lidar2img(k4, ext));
  }

  private Annotations annotations(
      int sample, SensorToLidar ref, double[] l2eT, double[] l2eR, double[] e2gT, double[] e2gR) {
    int n = t.sampleAnnotationCount(sample);
    double[] qiEgo = Geometry.quatInverse(e2gR);
    double[] qiCs = Geometry.quatInverse(l2eR);
    double[] riEgo = Geometry.rotation(qiEgo);
    double[] riCs = Geometry.rotation(qiCs);
    double[] boxes = new double[n * 7];
    String[] names = new String[n];
    double[] velocity = new double[n * 2];
    long[] lidarPts = new long[n];
    long[] radarPts = new long[n];
    boolean[] valid = new boolean[n];
    String[] tokens = new String[n];
    for (int i = 0; i < n; i++) {
      int a = t.sampleAnnotation(sample, i);
      tokens[i] = t.token(NuScenesTable.SAMPLE_ANNOTATION, a);
      double[] c = {
        t.annotationTranslation(a, 0) - e2gT[0],
        t.annotationTranslation(a, 1) - e2gT[1],
        t.annotationTranslation(a, 2) - e2gT[2]
      };
      c = Geometry.times(riEgo, c);
      c = new double[] {c[0] - l2eT[0], c[1] - l2eT[1], c[2] - l2eT[2]};
      c = Geometry.times(riCs, c);
      double[] q = {
        t.annotationRotation(a, 0),
        t.annotationRotation(a, 1),
        t.annotationRotation(a, 2),
        t.annotationRotation(a, 3)
      };
      q = Geometry.quatMultiply(qiCs, Geometry.quatMultiply(qiEgo, q));
      double yaw = Geometry.yaw(q);
      boxes[i * 7] = c[0];
      boxes[i * 7 + 1] = c[1];
      boxes[i * 7 + 2] = c[2];
      boxes[i * 7 + 3] = t.annotationSize(a, 0);
      boxes[i * 7 + 4] = t.annotationSize(a, 1);
      boxes[i * 7 + 5] = t.annotationSize(a, 2);
      boxes[i * 7 + 6] = -yaw - Math.PI / 2;
      String category = t.annotationCategoryName(a);
      if (category.isEmpty()) {
        throw unresolved(NuScenesTable.SAMPLE_ANNOTATION, "instance_token", a, "category");
      }
      names[i] = NAME_MAPPING.getOrDefault(category, category);
      double[] vg = boxVelocity(a);
      double[] vl = ref.velocity(vg[0], vg[1]);
      velocity[i * 2] = vl[0];
      velocity[i * 2 + 1] = vl[1];
      lidarPts[i] = t.annotationNumLidarPts(a);
      radarPts[i] = t.annotationNumRadarPts(a);
      valid[i] = lidarPts[i] + radarPts[i] > 0;
    }
    return new Annotations(boxes, names, velocity, lidarPts, radarPts, valid, tokens);
  }

  /**
   * The devkit's {@code box_velocity} (x and y only): a centred difference over the neighbouring
   * annotations of the instance, NaN without neighbours or over a time gap above 1.5 s (3 s when
   * centred). Times are {@code 1e-6 * sample.timestamp} each, then subtracted, as the devkit does.
   */
  private double[] boxVelocity(int a) {
    int prev = t.annotationPrev(a);
    if (prev < 0 && t.isUnresolved(NuScenesTable.SAMPLE_ANNOTATION, "prev", a)) {
      throw unresolved(NuScenesTable.SAMPLE_ANNOTATION, "prev", a, "sample_annotation");
    }
    int next = t.annotationNext(a);
    if (next < 0 && t.isUnresolved(NuScenesTable.SAMPLE_ANNOTATION, "next", a)) {
      throw unresolved(NuScenesTable.SAMPLE_ANNOTATION, "next", a, "sample_annotation");
    }
    boolean hasPrev = prev >= 0;
    boolean hasNext = next >= 0;
    if (!hasPrev && !hasNext) {
      return new double[] {Double.NaN, Double.NaN};
    }
    int first = hasPrev ? prev : a;
    int last = hasNext ? next : a;
    double timeLast = 1e-6 * annotationSampleTime(last);
    double timeFirst = 1e-6 * annotationSampleTime(first);
    double dt = timeLast - timeFirst;
    double limit = hasPrev && hasNext ? 2 * MAX_TIME_DIFF : MAX_TIME_DIFF;
    if (dt > limit) {
      return new double[] {Double.NaN, Double.NaN};
    }
    return new double[] {
      (t.annotationTranslation(last, 0) - t.annotationTranslation(first, 0)) / dt,
      (t.annotationTranslation(last, 1) - t.annotationTranslation(first, 1)) / dt
    };
  }

  private long annotationSampleTime(int a) {
    int s = t.annotationSample(a);
    if (s < 0) {
      throw unresolved(NuScenesTable.SAMPLE_ANNOTATION, "sample_token", a, "sample");
    }
    return t.sampleTimestamp(s);
  }

  // ------------------------------------------------------------------ checked table access

  private int keyframe(int sample, int sensor, String channel) {
    int sd = t.sampleKeyframe(sample, sensor);
    if (sd < 0) {
      throw new BadDataException(
          "sample_data.sample_token: sample "
              + t.token(NuScenesTable.SAMPLE, sample)
              + " has no "
              + channel
              + " keyframe (no sample_data with is_key_frame true, this sample_token and a "
              + channel
              + " calibrated_sensor)");
    }
    return sd;
  }

  private int sampleDataPrev(int sd) {
    int prev = t.sampleDataPrev(sd);
    if (prev < 0 && t.isUnresolved(NuScenesTable.SAMPLE_DATA, "prev", sd)) {
      throw unresolved(NuScenesTable.SAMPLE_DATA, "prev", sd, "sample_data");
    }
    return prev;
  }

  private int samplePrev(int sample) {
    int prev = t.samplePrev(sample);
    if (prev < 0 && t.isUnresolved(NuScenesTable.SAMPLE, "prev", sample)) {
      throw unresolved(NuScenesTable.SAMPLE, "prev", sample, "sample");
    }
    return prev;
  }

  private int calibratedSensor(int sd) {
    int cs = t.sampleDataCalibratedSensor(sd);
    if (cs < 0) {
      throw unresolved(
          NuScenesTable.SAMPLE_DATA, "calibrated_sensor_token", sd, "calibrated_sensor");
    }
    return cs;
  }

  private int egoPose(int sd) {
    int ep = t.sampleDataEgoPose(sd);
    if (ep < 0) {
      throw unresolved(NuScenesTable.SAMPLE_DATA, "ego_pose_token", sd, "ego_pose");
    }
    return ep;
  }

  private BadDataException unresolved(NuScenesTable table, String field, int row, String target) {
    return new BadDataException(
        table.tableName()
            + "."
            + field
            + ": record "
            + t.token(table, row)
            + " refers to a "
            + target
            + " record that is not in the tables (the converter would follow it)");
  }

  private double[] intrinsic(int cs) {
    if (!t.hasCameraIntrinsic(cs)) {
      throw new BadDataException(
          "calibrated_sensor.camera_intrinsic: record "
              + t.token(NuScenesTable.CALIBRATED_SENSOR, cs)
              + " of a camera has no 3x3 camera matrix");
    }
    double[] k = new double[9];
    for (int i = 0; i < 9; i++) {
      k[i] = t.cameraIntrinsic(cs, i);
    }
    return k;
  }

  private double[] csTranslation(int cs) {
    return new double[] {
      t.calibratedSensorTranslation(cs, 0),
      t.calibratedSensorTranslation(cs, 1),
      t.calibratedSensorTranslation(cs, 2)
    };
  }

  private double[] csRotation(int cs) {
    return new double[] {
      t.calibratedSensorRotation(cs, 0),
      t.calibratedSensorRotation(cs, 1),
      t.calibratedSensorRotation(cs, 2),
      t.calibratedSensorRotation(cs, 3)
    };
  }

  private double[] epTranslation(int ep) {
    return new double[] {
      t.egoPoseTranslation(ep, 0), t.egoPoseTranslation(ep, 1), t.egoPoseTranslation(ep, 2)
    };
  }

  private double[] epRotation(int ep) {
    return new double[] {
      t.egoPoseRotation(ep, 0),
      t.egoPoseRotation(ep, 1),
      t.egoPoseRotation(ep, 2),
      t.egoPoseRotation(ep, 3)
    };
  }
}
