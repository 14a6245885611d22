package dev.nuload.nuscenes.info;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.nuload.nuscenes.geom.RigidTransform;
import dev.nuload.nuscenes.info.InfoRecord.Annotations;
import dev.nuload.nuscenes.info.InfoRecord.CameraSweep;
import dev.nuload.nuscenes.info.InfoRecord.CameraSweepFrame;
import dev.nuload.nuscenes.info.InfoRecord.SensorEntry;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.arrow.memory.BufferAllocator;

/**
 * Hand-made, deterministic info records that exercise every corner of the format (0, 1 and 2
 * camera-sweep entries, empty and full lidar sweeps, 0 and several boxes, NaN velocities, unmapped
 * class names), and the example files built from them. Used by the Java tests, by the Python tests
 * (through the hidden {@code nuload example-infos} command) and as documentation of the layout.
 */
public final class InfoArrowExamples {
  /** Annotated example file name. */
  public static final String ANNOTATED_FILE = "example-infos-mini_train.arrow";

  /** Test-version example file name. */
  public static final String TEST_FILE = "example-infos-test.arrow";

  /** JSON dump of the records of both files, as given to the writer. */
  public static final String JSON_FILE = "example-infos.json";

  private InfoArrowExamples() {}

  /**
   * Returns the example metadata.
   *
   * @param annotated mini_train of v1.0-mini when true, test of v1.0-test otherwise.
   * @return the metadata.
   */
  public static InfoFileMetadata metadata(boolean annotated) {
    return new InfoFileMetadata(
        annotated ? "v1.0-mini" : "v1.0-test",
        annotated ? "mini_train" : "test",
        "sha256:example",
        "{\"max_sweeps\":10,\"num_prev\":5,\"num_sweep\":5}",
        "nuload example");
  }

  /**
   * Returns {@code n} example records.
   *
   * @param n how many (3 or more covers every case).
   * @param annotated whether the records carry annotations.
   * @param seed random seed.
   * @return the records.
   */
  public static List<InfoRecord> records(int n, boolean annotated, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    List<InfoRecord> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(record(i, annotated, rnd));
    }
    return out;
  }

  /**
   * Writes {@link #ANNOTATED_FILE}, {@link #TEST_FILE} and {@link #JSON_FILE} into {@code dir}.
   *
   * @param dir an existing directory.
   * @param allocator the caller's allocator.
   * @throws IOException on a write error.
   */
  public static void writeExamples(Path dir, BufferAllocator allocator) throws IOException {
    List<InfoRecord> ann = records(5, true, 7);
    List<InfoRecord> test = records(3, false, 11);
    try (InfoArrowWriter w =
        InfoArrowWriter.create(dir.resolve(ANNOTATED_FILE), metadata(true), allocator, 2)) {
      ann.forEach(w);
      w.commit();
    }
    InfoArrowWriter.write(dir.resolve(TEST_FILE), metadata(false), test.iterator(), allocator);
    try (OutputStream os = Files.newOutputStream(dir.resolve(JSON_FILE));
        JsonGenerator g = new JsonFactory().createGenerator(os)) {
      g.useDefaultPrettyPrinter();
      g.writeStartObject();
      g.writeFieldName(ANNOTATED_FILE);
      writeJson(g, ann);
      g.writeFieldName(TEST_FILE);
      writeJson(g, test);
      g.writeEndObject();
    }
  }

  private static InfoRecord record(int i, boolean annotated, SplittableRandom rnd) {
    String scene = token(rnd);
    String sample = token(rnd);
    String lidarSd = token(rnd);
    long ts = 1_532_402_927_647_951L + i * 500_000L;
    String log = "n015-2018-07-24-11-22-45+0800";
    List<SensorEntry> cams = new ArrayList<>();
    for (String c : InfoSchema.CAM_ORDER) {
      long t = ts - 20_000 + rnd.nextInt(40_000);
      cams.add(
          new SensorEntry(
              c,
              "samples/" + c + "/" + log + "__" + c + "__" + t + ".jpg",
              token(rnd),
              vec(rnd, 3, 2),
              quat(rnd),
              vec(rnd, 3, 1000),
              quat(rnd),
              t,
              RigidTransform.rotationMatrix(quat(rnd)),
              vec(rnd, 3, 1),
              intrinsic(rnd)));
    }
    List<SensorEntry> lidarSweeps = new ArrayList<>();
    for (int j = 0; j < Math.min(i * 4, 10); j++) {
      long t = ts - (j + 1) * 50_000L;
      lidarSweeps.add(
          new SensorEntry(
              "lidar",
              "sweeps/LIDAR_TOP/" + log + "__LIDAR_TOP__" + t + ".pcd.bin",
              token(rnd),
              vec(rnd, 3, 2),
              quat(rnd),
              vec(rnd, 3, 1000),
              quat(rnd),
              t,
              RigidTransform.rotationMatrix(quat(rnd)),
              vec(rnd, 3, 1),
              null));
    }
    List<CameraSweep> sweeps = new ArrayList<>();
    for (int e = 0; e < Math.min(i, 2) * 6; e++) {
      List<CameraSweepFrame> frames = new ArrayList<>();
      boolean key = e % 6 == 5;
      for (String c : InfoSchema.SWEEP_CAM_ORDER) {
        long t = ts - (e + 1) * 83_333L;
        double[] k = intrinsic(rnd);
        double[] r = RigidTransform.rotationMatrix(quat(rnd));
        double[] tr = vec(rnd, 3, 1);
        frames.add(
            new CameraSweepFrame(
                c,
                key,
                (key ? "samples/" : "sweeps/") + c + "/" + log + "__" + c + "__" + t + ".jpg",
                t,
                token(rnd),
                token(rnd),
                r,
                tr,
                PetrMatrices.intrinsics(k),
                PetrMatrices.extrinsics(r, tr),
                PetrMatrices.lidar2img(k, r, tr)));
      }
      sweeps.add(new CameraSweep(frames));
    }
    Annotations ann = null;
    if (annotated) {
      int n = i == 1 ? 0 : 2 + i;
      String[] classes = {"car", "pedestrian", "vehicle.emergency.police", "barrier", "truck"};
      double[] boxes = new double[n * 7];
      double[] vel = new double[n * 2];
      String[] names = new String[n];
      long[] nl = new long[n];
      long[] nr = new long[n];
      boolean[] valid = new boolean[n];
      String[] toks = new String[n];
      for (int b = 0; b < n; b++) {
        for (int k = 0; k < 7; k++) {
          boxes[b * 7 + k] = rnd.nextDouble(-50, 50);
        }
        boolean nan = b == 0;
        vel[b * 2] = nan ? Double.NaN : rnd.nextDouble(-10, 10);
        vel[b * 2 + 1] = nan ? Double.NaN : rnd.nextDouble(-10, 10);
        names[b] = classes[b % classes.length];
        nl[b] = b == 1 ? 0 : rnd.nextInt(5000);
        nr[b] = b == 1 ? 0 : rnd.nextInt(20);
        valid[b] = nl[b] + nr[b] > 0;
        toks[b] = token(rnd);
      }
      ann = new Annotations(boxes, names, vel, nl, nr, valid, toks);
    }
    return new InfoRecord(
        sample,
        scene,
        lidarSd,
        "samples/LIDAR_TOP/" + log + "__LIDAR_TOP__" + ts + ".pcd.bin",
        ts,
        vec(rnd, 3, 2),
        quat(rnd),
        vec(rnd, 3, 1000),
        quat(rnd),
        cams,
        lidarSweeps,
        sweeps,
        ann);
  }

  private static String token(SplittableRandom rnd) {
    return String.format(Locale.ROOT, "%016x%016x", rnd.nextLong(), rnd.nextLong());
  }

  private static double[] vec(SplittableRandom rnd, int n, double scale) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = rnd.nextDouble(-scale, scale);
    }
    return v;
  }

  private static double[] quat(SplittableRandom rnd) {
    double[] q = vec(rnd, 4, 1);
    double norm = Math.sqrt(q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3]);
    for (int i = 0; i < 4; i++) {
      q[i] /= norm;
    }
    return q;
  }

  private static double[] intrinsic(SplittableRandom rnd) {
    double f = rnd.nextDouble(800, 1300);
    return new double[] {f, 0, rnd.nextDouble(780, 830), 0, f, rnd.nextDouble(430, 470), 0, 0, 1};
  }

  private static void writeJson(JsonGenerator g, List<InfoRecord> records) throws IOException {
    g.writeStartArray();
    for (InfoRecord r : records) {
      g.writeStartObject();
      g.writeStringField("token", r.token());
      g.writeStringField("scene_token", r.sceneToken());
      g.writeStringField("lidar_token", r.lidarToken());
      g.writeStringField("lidar_path", r.lidarPath());
      g.writeNumberField("timestamp", r.timestamp());
      doubles(g, "lidar2ego_translation", r.lidar2egoTranslation());
      doubles(g, "lidar2ego_rotation", r.lidar2egoRotation());
      doubles(g, "ego2global_translation", r.ego2globalTranslation());
      doubles(g, "ego2global_rotation", r.ego2globalRotation());
      g.writeArrayFieldStart("cams");
      for (SensorEntry e : r.cams()) {
        sensor(g, e);
      }
      g.writeEndArray();
      g.writeArrayFieldStart("lidar_sweeps");
      for (SensorEntry e : r.lidarSweeps()) {
        sensor(g, e);
      }
      g.writeEndArray();
      g.writeArrayFieldStart("camera_sweeps");
      for (CameraSweep s : r.cameraSweeps()) {
        g.writeStartArray();
        for (CameraSweepFrame f : s.frames()) {
          g.writeStartObject();
          g.writeStringField("channel", f.channel());
          g.writeBooleanField("is_key_frame", f.isKeyFrame());
          g.writeStringField("data_path", f.dataPath());
          g.writeNumberField("timestamp", f.timestamp());
          g.writeStringField("sample_data_token", f.sampleDataToken());
          g.writeStringField("sample_token", f.sampleToken());
          doubles(g, "sensor2lidar_rotation", f.sensor2lidarRotation());
          doubles(g, "sensor2lidar_translation", f.sensor2lidarTranslation());
          doubles(g, "intrinsics", f.intrinsics());
          doubles(g, "extrinsics", f.extrinsics());
          doubles(g, "lidar2img", f.lidar2img());
          g.writeEndObject();
        }
        g.writeEndArray();
      }
      g.writeEndArray();
      Annotations a = r.annotations();
      if (a != null) {
        doubles(g, "gt_boxes", a.gtBoxes());
        strings(g, "gt_names", a.gtNames());
        doubles(g, "gt_velocity", a.gtVelocity());
        g.writeArrayFieldStart("num_lidar_pts");
        for (long v : a.numLidarPts()) {
          g.writeNumber(v);
        }
        g.writeEndArray();
        g.writeArrayFieldStart("num_radar_pts");
        for (long v : a.numRadarPts()) {
          g.writeNumber(v);
        }
        g.writeEndArray();
        g.writeArrayFieldStart("valid_flag");
        for (boolean v : a.validFlag()) {
          g.writeBoolean(v);
        }
        g.writeEndArray();
        strings(g, "annotation_tokens", a.annotationTokens());
      }
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  private static void sensor(JsonGenerator g, SensorEntry e) throws IOException {
    g.writeStartObject();
    g.writeStringField("type", e.type());
    g.writeStringField("data_path", e.dataPath());
    g.writeStringField("sample_data_token", e.sampleDataToken());
    doubles(g, "sensor2ego_translation", e.sensor2egoTranslation());
    doubles(g, "sensor2ego_rotation", e.sensor2egoRotation());
    doubles(g, "ego2global_translation", e.ego2globalTranslation());
    doubles(g, "ego2global_rotation", e.ego2globalRotation());
    g.writeNumberField("timestamp", e.timestamp());
    doubles(g, "sensor2lidar_rotation", e.sensor2lidarRotation());
    doubles(g, "sensor2lidar_translation", e.sensor2lidarTranslation());
    if (e.camIntrinsic() != null) {
      doubles(g, "cam_intrinsic", e.camIntrinsic());
    }
    g.writeEndObject();
  }

  /** Doubles as JSON numbers (shortest round-trip form); NaN as the string "NaN". */
  private static void doubles(JsonGenerator g, String name, double[] v) throws IOException {
    g.writeArrayFieldStart(name);
    for (double d : v) {
      if (Double.isNaN(d)) {
        g.writeString("NaN");
      } else {
        g.writeNumber(d);
      }
    }
    g.writeEndArray();
  }

  private static void strings(JsonGenerator g, String name, String[] v) throws IOException {
    g.writeArrayFieldStart(name);
    for (String s : v) {
      g.writeString(s);
    }
    g.writeEndArray();
  }
}
