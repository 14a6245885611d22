package dev.nuload.nuscenes.info;

import dev.nuload.nuscenes.info.InfoRecord.Annotations;
import dev.nuload.nuscenes.info.InfoRecord.CameraSweep;
import dev.nuload.nuscenes.info.InfoRecord.CameraSweepFrame;
import dev.nuload.nuscenes.info.InfoRecord.SensorEntry;
import dev.nuload.nuscenes.table.NuScenesTables;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Field-by-field comparison of Java records with records in the pkl key layout (as written by
 * reference_infos.py or converted from a real pkl). Doubles match within 1e-9 relative plus 1e-12
 * absolute, NaN only with NaN (JSON null); strings, ints and booleans exactly.
 */
final class InfoParity {
  static final double REL = 1e-9;
  static final double ABS = 1e-12;

  final List<String> diffs = new ArrayList<>();
  int doubles;
  double maxAbs;
  double maxRel;
  final java.util.Map<String, Double> fieldMaxRel = new java.util.TreeMap<>();
  final java.util.Map<String, Double> fieldMaxAbs = new java.util.TreeMap<>();
  private UnaryOperator<String> pathMapper = UnaryOperator.identity();

  /** Maps expected paths before comparing (for example to strip a data root prefix). */
  InfoParity paths(UnaryOperator<String> mapper) {
    this.pathMapper = mapper;
    return this;
  }

  void record(String at, Map<String, Object> e, InfoRecord a) {
    top(at, e, a);
    cams(at, e, a);
    List<?> sweeps = (List<?>) e.get("sweeps");
    count(at + ".sweeps", sweeps.size(), a.lidarSweeps().size());
    for (int i = 0; i < Math.min(sweeps.size(), a.lidarSweeps().size()); i++) {
      entry(at + ".sweeps[" + i + "]", map(sweeps.get(i)), a.lidarSweeps().get(i));
    }
    cameraSweeps(at, e, a);
    annotations(at, e, a.annotations());
  }

  void top(String at, Map<String, Object> e, InfoRecord a) {
    str(at + ".token", e.get("token"), a.token());
    if (e.containsKey("lidar_token")) {
      str(at + ".lidar_token", e.get("lidar_token"), a.lidarToken());
    }
    if (e.containsKey("scene_token")) {
      str(at + ".scene_token", e.get("scene_token"), a.sceneToken());
    }
    str(at + ".lidar_path", pathMapper.apply((String) e.get("lidar_path")), a.lidarPath());
    lng(at + ".timestamp", e.get("timestamp"), a.timestamp());
    nums(at + ".lidar2ego_translation", e.get("lidar2ego_translation"), a.lidar2egoTranslation());
    nums(at + ".lidar2ego_rotation", e.get("lidar2ego_rotation"), a.lidar2egoRotation());
    nums(
        at + ".ego2global_translation", e.get("ego2global_translation"), a.ego2globalTranslation());
    nums(at + ".ego2global_rotation", e.get("ego2global_rotation"), a.ego2globalRotation());
  }

  void cams(String at, Map<String, Object> e, InfoRecord a) {
    Map<String, Object> cams = map(e.get("cams"));
    count(at + ".cams", cams.size(), a.cams().size());
    List<String> keys = new ArrayList<>(cams.keySet());
    if (!keys.equals(NuScenesTables.CAMERA_CHANNELS)) {
      diffs.add(at + ".cams: expected key order " + keys);
    }
    for (int i = 0; i < Math.min(keys.size(), a.cams().size()); i++) {
      SensorEntry s = a.cams().get(i);
      str(at + ".cams[" + i + "].channel", keys.get(i), s.type());
      entry(at + ".cams." + keys.get(i), map(cams.get(keys.get(i))), s);
    }
  }

  void entry(String at, Map<String, Object> e, SensorEntry a) {
    str(at + ".data_path", pathMapper.apply((String) e.get("data_path")), a.dataPath());
    str(at + ".type", e.get("type"), a.type());
    str(at + ".sample_data_token", e.get("sample_data_token"), a.sampleDataToken());
    nums(
        at + ".sensor2ego_translation", e.get("sensor2ego_translation"), a.sensor2egoTranslation());
    nums(at + ".sensor2ego_rotation", e.get("sensor2ego_rotation"), a.sensor2egoRotation());
    nums(
        at + ".ego2global_translation", e.get("ego2global_translation"), a.ego2globalTranslation());
    nums(at + ".ego2global_rotation", e.get("ego2global_rotation"), a.ego2globalRotation());
    lng(at + ".timestamp", e.get("timestamp"), a.timestamp());
    nums(at + ".sensor2lidar_rotation", e.get("sensor2lidar_rotation"), a.sensor2lidarRotation());
    nums(
        at + ".sensor2lidar_translation",
        e.get("sensor2lidar_translation"),
        a.sensor2lidarTranslation());
    if (e.containsKey("cam_intrinsic")) {
      nums(at + ".cam_intrinsic", e.get("cam_intrinsic"), a.camIntrinsic());
    } else if (a.camIntrinsic() != null) {
      diffs.add(at + ".cam_intrinsic: expected none");
    }
  }

  void cameraSweeps(String at, Map<String, Object> e, InfoRecord a) {
    List<?> sweeps = (List<?>) e.get("cam_sweeps");
    count(at + ".cam_sweeps", sweeps.size(), a.cameraSweeps().size());
    for (int j = 0; j < Math.min(sweeps.size(), a.cameraSweeps().size()); j++) {
      Map<String, Object> ej = map(sweeps.get(j));
      CameraSweep aj = a.cameraSweeps().get(j);
      List<String> keys = new ArrayList<>(ej.keySet());
      count(at + ".cam_sweeps[" + j + "]", keys.size(), aj.frames().size());
      for (int c = 0; c < Math.min(keys.size(), aj.frames().size()); c++) {
        frame(
            at + ".cam_sweeps[" + j + "]." + keys.get(c),
            keys.get(c),
            map(ej.get(keys.get(c))),
            aj.frames().get(c));
      }
    }
  }

  void frame(String at, String channel, Map<String, Object> e, CameraSweepFrame a) {
    str(at + ".channel", channel, a.channel());
    bool(at + ".is_key_frame", e.get("is_key_frame"), a.isKeyFrame());
    str(at + ".data_path", pathMapper.apply((String) e.get("data_path")), a.dataPath());
    lng(at + ".timestamp", e.get("timestamp"), a.timestamp());
    str(at + ".sample_data_token", e.get("sample_data_token"), a.sampleToken());
    str(at + ".real_sample_data_token", e.get("real_sample_data_token"), a.sampleDataToken());
    nums(at + ".sensor2lidar_rotation", e.get("sensor2lidar_rotation"), a.sensor2lidarRotation());
    nums(
        at + ".sensor2lidar_translation",
        e.get("sensor2lidar_translation"),
        a.sensor2lidarTranslation());
    nums(at + ".intrinsics", e.get("intrinsics"), a.intrinsics());
    nums(at + ".extrinsics", e.get("extrinsics"), a.extrinsics());
    rowScaled(at + ".lidar2img", e.get("lidar2img"), a.lidar2img());
  }

  void annotations(String at, Map<String, Object> e, Annotations a) {
    if (!e.containsKey("gt_boxes")) {
      if (a != null) {
        diffs.add(at + ": expected no annotations (test version)");
      }
      return;
    }
    if (a == null) {
      diffs.add(at + ": annotations missing");
      return;
    }
    List<?> names = (List<?>) e.get("gt_names");
    count(at + ".gt_names", names.size(), a.size());
    if (names.size() != a.size()) {
      return;
    }
    nums(at + ".gt_boxes", e.get("gt_boxes"), a.gtBoxes());
    nums(at + ".gt_velocity", e.get("gt_velocity"), a.gtVelocity());
    List<?> lidar = (List<?>) e.get("num_lidar_pts");
    List<?> radar = (List<?>) e.get("num_radar_pts");
    List<?> valid = (List<?>) e.get("valid_flag");
    List<?> tokens = (List<?>) e.get("ann_tokens");
    for (int i = 0; i < a.size(); i++) {
      str(at + ".gt_names[" + i + "]", names.get(i), a.gtNames()[i]);
      lng(at + ".num_lidar_pts[" + i + "]", lidar.get(i), a.numLidarPts()[i]);
      lng(at + ".num_radar_pts[" + i + "]", radar.get(i), a.numRadarPts()[i]);
      bool(at + ".valid_flag[" + i + "]", valid.get(i), a.validFlag()[i]);
      if (tokens != null) {
        str(at + ".ann_tokens[" + i + "]", tokens.get(i), a.annotationTokens()[i]);
      }
    }
  }

  // ------------------------------------------------------------------ leaves

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object o) {
    return (Map<String, Object>) o;
  }

  void count(String at, int e, int a) {
    if (e != a) {
      diffs.add(at + ": expected " + e + " entries, got " + a);
    }
  }

  void str(String at, Object e, String a) {
    if (!String.valueOf(e).equals(a)) {
      diffs.add(at + ": expected " + e + ", got " + a);
    }
  }

  void lng(String at, Object e, long a) {
    if (!(e instanceof Number n) || n.longValue() != a) {
      diffs.add(at + ": expected " + e + ", got " + a);
    }
  }

  void bool(String at, Object e, boolean a) {
    if (!(e instanceof Boolean b) || b != a) {
      diffs.add(at + ": expected " + e + ", got " + a);
    }
  }

  void nums(String at, Object e, double[] a) {
    List<Object> flat = new ArrayList<>();
    flatten(e, flat);
    if (a == null || flat.size() != a.length) {
      diffs.add(at + ": expected " + flat.size() + " values, got " + (a == null ? 0 : a.length));
      return;
    }
    for (int i = 0; i < a.length; i++) {
      num(at + "[" + i + "]", flat.get(i), a[i]);
    }
  }

  /**
   * Compares a 4x4 product matrix with the tolerance relative to the largest magnitude of its row:
   * {@code lidar2img = K4 · T_l2c} sums terms of about 1e3 (focal length times metres) into results
   * that can be near 0, so an ulp-level difference of the inputs (numpy's BLAS kernels use FMA)
   * shows up amplified in the element but not relative to the row.
   */
  void rowScaled(String at, Object e, double[] a) {
    List<Object> flat = new ArrayList<>();
    flatten(e, flat);
    if (a == null || flat.size() != 16) {
      diffs.add(at + ": expected 16 values");
      return;
    }
    for (int r = 0; r < 4; r++) {
      double scale = 0;
      for (int c = 0; c < 4; c++) {
        scale = Math.max(scale, Math.abs(((Number) flat.get(r * 4 + c)).doubleValue()));
      }
      for (int c = 0; c < 4; c++) {
        num(at + "[" + (r * 4 + c) + "]", flat.get(r * 4 + c), a[r * 4 + c], scale);
      }
    }
  }

  void num(String at, Object e, double a) {
    num(at, e, a, 0);
  }

  void num(String at, Object e, double a, double minScale) {
    doubles++;
    if (e == null) {
      if (!Double.isNaN(a)) {
        diffs.add(at + ": expected NaN, got " + a);
      }
      return;
    }
    double x = ((Number) e).doubleValue();
    if (Double.isNaN(a)) {
      diffs.add(at + ": expected " + x + ", got NaN");
      return;
    }
    double d = Math.abs(x - a);
    double scale = Math.max(minScale, Math.max(Math.abs(x), Math.abs(a)));
    String field = at.replaceAll("\\[[0-9]+\\]", "").replaceAll("^.*\\.", "");
    fieldMaxRel.merge(field, scale > 0 ? d / scale : d, Math::max);
    fieldMaxAbs.merge(field, d, Math::max);
    maxAbs = Math.max(maxAbs, d);
    if (scale > 0) {
      maxRel = Math.max(maxRel, d / scale);
    }
    if (d > ABS + REL * scale) {
      diffs.add(at + ": expected " + x + ", got " + a + " (diff " + d + ")");
    }
  }

  private static void flatten(Object o, List<Object> out) {
    if (o instanceof List<?> l) {
      for (Object x : l) {
        flatten(x, out);
      }
    } else {
      out.add(o);
    }
  }

  String summary() {
    return diffs.size()
        + " differences over "
        + doubles
        + " doubles (max abs "
        + maxAbs
        + ", max rel "
        + maxRel
        + "; max rel by field "
        + fieldMaxRel
        + "; max abs by field "
        + fieldMaxAbs
        + ")"
        + (diffs.isEmpty()
            ? ""
            : ":\n  " + String.join("\n  ", diffs.subList(0, Math.min(30, diffs.size()))));
  }
}
