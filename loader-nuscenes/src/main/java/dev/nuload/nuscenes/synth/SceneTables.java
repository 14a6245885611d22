package dev.nuload.nuscenes.synth;

import dev.nuload.nuscenes.synth.TableWriters.Fragment;
import dev.nuload.nuscenes.synth.TableWriters.Table;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Serialises one simulated scene into table fragments, with the field order of the official files.
 * sample_data and ego_pose records are written in time order over all sensors; annotations are
 * grouped by sample in time order.
 */
final class SceneTables {
  private SceneTables() {}

  /**
   * Returns a sensor file's path relative to the dataset root.
   *
   * @param logfile the log's file name stem.
   * @param channel the sensor channel.
   * @param modality camera, lidar or radar.
   * @param key whether it is a keyframe (samples/) or a sweep (sweeps/).
   * @param ts timestamp in microseconds.
   * @return for example {@code samples/CAM_FRONT/<logfile>__CAM_FRONT__<ts>.jpg}.
   */
  static String filename(String logfile, String channel, String modality, boolean key, long ts) {
    String ext =
        switch (modality) {
          case "camera" -> "jpg";
          case "lidar" -> "pcd.bin";
          default -> "pcd";
        };
    return (key ? "samples/" : "sweeps/")
        + channel
        + "/"
        + logfile
        + "__"
        + channel
        + "__"
        + ts
        + "."
        + ext;
  }

  /** Frame references (channel, index) of a scene in time order, ties by channel. */
  static int[][] timeOrder(SceneData d) {
    List<int[]> all = new ArrayList<>();
    for (int c = 0; c < d.frames.length; c++) {
      for (int i = 0; i < d.frames[c].size(); i++) {
        all.add(new int[] {c, i});
      }
    }
    all.sort(
        Comparator.<int[]>comparingLong(r -> d.frames[r[0]].ts[r[1]]).thenComparingInt(r -> r[0]));
    return all.toArray(new int[0][]);
  }

  static List<Fragment> fragments(SceneData d) {
    try {
      List<Fragment> out = new ArrayList<>();
      out.add(scene(d));
      out.add(samples(d));
      out.add(calibrated(d));
      int[][] order = timeOrder(d);
      out.add(sampleData(d, order));
      out.add(egoPoses(d, order));
      out.add(instances(d));
      out.add(annotations(d));
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Fragment scene(SceneData d) throws IOException {
    Fragment f = new Fragment(Table.SCENE);
    var g = f.gen();
    g.writeStartObject();
    f.string("token", d.token);
    f.string("log_token", d.plan.log().token());
    g.writeNumberField("nbr_samples", d.sampleTs.length);
    f.string("first_sample_token", d.sampleTokens[0]);
    f.string("last_sample_token", d.sampleTokens[d.sampleTokens.length - 1]);
    f.string("name", d.plan.name());
    f.string("description", d.description);
    g.writeEndObject();
    f.endRecord();
    return f.finish();
  }

  private static Fragment samples(SceneData d) throws IOException {
    Fragment f = new Fragment(Table.SAMPLE);
    var g = f.gen();
    int n = d.sampleTs.length;
    for (int i = 0; i < n; i++) {
      g.writeStartObject();
      f.string("token", d.sampleTokens[i]);
      g.writeNumberField("timestamp", d.sampleTs[i]);
      f.string("prev", i > 0 ? d.sampleTokens[i - 1] : "");
      f.string("next", i + 1 < n ? d.sampleTokens[i + 1] : "");
      f.string("scene_token", d.token);
      g.writeEndObject();
      f.endRecord();
    }
    return f.finish();
  }

  private static Fragment calibrated(SceneData d) throws IOException {
    Fragment f = new Fragment(Table.CALIBRATED_SENSOR);
    var g = f.gen();
    for (int c = 0; c < d.calibTokens.length; c++) {
      CalibrationPresets.Calibration cal = d.plan.log().calibrations()[c];
      g.writeStartObject();
      f.string("token", d.calibTokens[c]);
      f.string("sensor_token", Taxonomy.SENSORS.get(c).token());
      f.numbers("translation", cal.translation());
      f.numbers("rotation", cal.rotation());
      g.writeFieldName("camera_intrinsic");
      g.writeStartArray();
      if (cal.intrinsic() != null) {
        for (double[] row : cal.intrinsic()) {
          g.writeStartArray();
          for (double v : row) {
            f.number(v);
          }
          g.writeEndArray();
        }
      }
      g.writeEndArray();
      g.writeEndObject();
      f.endRecord();
    }
    return f.finish();
  }

  private static Fragment sampleData(SceneData d, int[][] order) throws IOException {
    Fragment f = new Fragment(Table.SAMPLE_DATA);
    var g = f.gen();
    String logfile = d.plan.log().logfile();
    for (int[] r : order) {
      int c = r[0];
      int i = r[1];
      SceneData.Frames fr = d.frames[c];
      Taxonomy.Sensor s = Taxonomy.SENSORS.get(c);
      boolean camera = s.modality().equals("camera");
      g.writeStartObject();
      f.string("token", fr.tokens[i]);
      f.string("sample_token", d.sampleTokens[fr.sample[i]]);
      f.string("ego_pose_token", fr.tokens[i]);
      f.string("calibrated_sensor_token", d.calibTokens[c]);
      g.writeNumberField("timestamp", fr.ts[i]);
      f.string("fileformat", camera ? "jpg" : "pcd");
      g.writeBooleanField("is_key_frame", fr.key[i]);
      g.writeNumberField("height", camera ? 900 : 0);
      g.writeNumberField("width", camera ? 1600 : 0);
      f.string("filename", filename(logfile, s.channel(), s.modality(), fr.key[i], fr.ts[i]));
      f.string("prev", i > 0 ? fr.tokens[i - 1] : "");
      f.string("next", i + 1 < fr.size() ? fr.tokens[i + 1] : "");
      g.writeEndObject();
      f.endRecord();
    }
    return f.finish();
  }

  private static Fragment egoPoses(SceneData d, int[][] order) throws IOException {
    Fragment f = new Fragment(Table.EGO_POSE);
    var g = f.gen();
    for (int[] r : order) {
      SceneData.Frames fr = d.frames[r[0]];
      int i = r[1];
      g.writeStartObject();
      f.string("token", fr.tokens[i]);
      g.writeNumberField("timestamp", fr.ts[i]);
      f.numbers("rotation", fr.egoQ[i]);
      f.numbers("translation", fr.egoT[i]);
      g.writeEndObject();
      f.endRecord();
    }
    return f.finish();
  }

  private static Fragment instances(SceneData d) throws IOException {
    Fragment f = new Fragment(Table.INSTANCE);
    var g = f.gen();
    for (Tracks.Track t : d.tracks) {
      g.writeStartObject();
      f.string("token", t.token);
      f.string("category_token", Taxonomy.CATEGORIES.get(t.category).token());
      g.writeNumberField("nbr_annotations", t.annTokens.length);
      f.string("first_annotation_token", t.annTokens[0]);
      f.string("last_annotation_token", t.annTokens[t.annTokens.length - 1]);
      g.writeEndObject();
      f.endRecord();
    }
    return f.finish();
  }

  private static Fragment annotations(SceneData d) throws IOException {
    Fragment f = new Fragment(Table.SAMPLE_ANNOTATION);
    var g = f.gen();
    for (int s = 0; s < d.sampleTs.length; s++) {
      double time = d.seconds(d.sampleTs[s]);
      for (Tracks.Track t : d.tracks) {
        if (s < t.first || s > t.last) {
          continue;
        }
        int i = s - t.first;
        g.writeStartObject();
        f.string("token", t.annTokens[i]);
        f.string("sample_token", d.sampleTokens[s]);
        f.string("instance_token", t.token);
        f.string("visibility_token", Integer.toString(t.visibility[i]));
        g.writeFieldName("attribute_tokens");
        g.writeStartArray();
        if (t.attribute[i] != null) {
          g.writeString(Taxonomy.attributeToken(t.attribute[i]));
        }
        g.writeEndArray();
        f.numbers("translation", t.center(time));
        f.numbers("size", t.size);
        f.numbers("rotation", t.rotation());
        f.string("prev", i > 0 ? t.annTokens[i - 1] : "");
        f.string("next", i + 1 < t.annTokens.length ? t.annTokens[i + 1] : "");
        g.writeNumberField("num_lidar_pts", t.lidarPts[i]);
        g.writeNumberField("num_radar_pts", t.radarPts[i]);
        g.writeEndObject();
        f.endRecord();
      }
    }
    return f.finish();
  }
}
