package dev.nuload.nuscenes.info;

import dev.nuload.BadDataException;
import dev.nuload.nuscenes.info.InfoRecord.Annotations;
import dev.nuload.nuscenes.info.InfoRecord.CameraSweep;
import dev.nuload.nuscenes.info.InfoRecord.CameraSweepFrame;
import dev.nuload.nuscenes.info.InfoRecord.SensorEntry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.ValueVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.StructVector;

/**
 * The vectors of one {@link VectorSchemaRoot} of {@link InfoSchema}, bound once, with the row codec
 * in both directions: {@link #write(int, InfoRecord)} and {@link #read(int)}.
 */
final class InfoVectors {
  private final boolean annotated;
  private final VarCharVector token;
  private final VarCharVector sceneToken;
  private final VarCharVector lidarToken;
  private final VarCharVector lidarPath;
  private final BigIntVector timestamp;
  private final FixedSizeListVector l2eT;
  private final FixedSizeListVector l2eR;
  private final FixedSizeListVector e2gT;
  private final FixedSizeListVector e2gR;
  private final FixedSizeListVector cams;
  private final SensorStruct cam;
  private final ListVector lidarSweeps;
  private final SensorStruct lidarSweep;
  private final ListVector cameraSweeps;
  private final FixedSizeListVector sweepEntry;
  private final FrameStruct frame;
  private final ListVector gtBoxes;
  private final ListVector gtNames;
  private final ListVector gtVelocity;
  private final ListVector numLidarPts;
  private final ListVector numRadarPts;
  private final ListVector validFlag;
  private final ListVector annTokens;

  InfoVectors(VectorSchemaRoot root, boolean annotated) {
    this.annotated = annotated;
    token = (VarCharVector) root.getVector("token");
    sceneToken = (VarCharVector) root.getVector("scene_token");
    lidarToken = (VarCharVector) root.getVector("lidar_token");
    lidarPath = (VarCharVector) root.getVector("lidar_path");
    timestamp = (BigIntVector) root.getVector("timestamp");
    l2eT = (FixedSizeListVector) root.getVector("lidar2ego_translation");
    l2eR = (FixedSizeListVector) root.getVector("lidar2ego_rotation");
    e2gT = (FixedSizeListVector) root.getVector("ego2global_translation");
    e2gR = (FixedSizeListVector) root.getVector("ego2global_rotation");
    cams = (FixedSizeListVector) root.getVector("cams");
    cam = new SensorStruct((StructVector) cams.getDataVector(), true);
    lidarSweeps = (ListVector) root.getVector("lidar_sweeps");
    lidarSweep = new SensorStruct((StructVector) lidarSweeps.getDataVector(), false);
    cameraSweeps = (ListVector) root.getVector("camera_sweeps");
    sweepEntry = (FixedSizeListVector) cameraSweeps.getDataVector();
    frame = new FrameStruct((StructVector) sweepEntry.getDataVector());
    gtBoxes = annotated ? (ListVector) root.getVector("gt_boxes") : null;
    gtNames = annotated ? (ListVector) root.getVector("gt_names") : null;
    gtVelocity = annotated ? (ListVector) root.getVector("gt_velocity") : null;
    numLidarPts = annotated ? (ListVector) root.getVector("num_lidar_pts") : null;
    numRadarPts = annotated ? (ListVector) root.getVector("num_radar_pts") : null;
    validFlag = annotated ? (ListVector) root.getVector("valid_flag") : null;
    annTokens = annotated ? (ListVector) root.getVector("annotation_tokens") : null;
  }

  // ---------------------------------------------------------------- write

  void write(int row, InfoRecord r) {
    String t = r.token();
    Ctx c = new Ctx(t);
    str(token, row, r.token(), c.f("token"));
    str(sceneToken, row, r.sceneToken(), c.f("scene_token"));
    str(lidarToken, row, r.lidarToken(), c.f("lidar_token"));
    str(lidarPath, row, r.lidarPath(), c.f("lidar_path"));
    timestamp.setSafe(row, r.timestamp());
    doubles(l2eT, row, r.lidar2egoTranslation(), c.f("lidar2ego_translation"));
    doubles(l2eR, row, r.lidar2egoRotation(), c.f("lidar2ego_rotation"));
    doubles(e2gT, row, r.ego2globalTranslation(), c.f("ego2global_translation"));
    doubles(e2gR, row, r.ego2globalRotation(), c.f("ego2global_rotation"));

    List<SensorEntry> cs = nonNull(r.cams(), c.f("cams"));
    if (cs.size() != InfoSchema.CAM_ORDER.size()) {
      throw c.bad("cams", "has " + cs.size() + " entries, expected " + InfoSchema.CAM_ORDER.size());
    }
    int base = cams.startNewValue(row);
    for (int j = 0; j < cs.size(); j++) {
      SensorEntry e = nonNull(cs.get(j), c.f("cams[" + j + "]"));
      if (!InfoSchema.CAM_ORDER.get(j).equals(e.type())) {
        throw c.bad(
            "cams[" + j + "].type",
            "is " + e.type() + ", expected " + InfoSchema.CAM_ORDER.get(j) + " (view order)");
      }
      cam.write(base + j, e, c, "cams[" + j + "]");
    }

    List<SensorEntry> ls = nonNull(r.lidarSweeps(), c.f("lidar_sweeps"));
    base = lidarSweeps.startNewValue(row);
    for (int j = 0; j < ls.size(); j++) {
      lidarSweep.write(
          base + j,
          nonNull(ls.get(j), c.f("lidar_sweeps[" + j + "]")),
          c,
          "lidar_sweeps[" + j + "]");
    }
    lidarSweeps.endValue(row, ls.size());

    List<CameraSweep> sw = nonNull(r.cameraSweeps(), c.f("camera_sweeps"));
    base = cameraSweeps.startNewValue(row);
    for (int j = 0; j < sw.size(); j++) {
      String p = "camera_sweeps[" + j + "]";
      List<CameraSweepFrame> fs = nonNull(nonNull(sw.get(j), c.f(p)).frames(), c.f(p + ".frames"));
      if (fs.size() != InfoSchema.SWEEP_CAM_ORDER.size()) {
        throw c.bad(
            p, "has " + fs.size() + " frames, expected " + InfoSchema.SWEEP_CAM_ORDER.size());
      }
      int fb = sweepEntry.startNewValue(base + j);
      for (int k = 0; k < fs.size(); k++) {
        CameraSweepFrame f = nonNull(fs.get(k), c.f(p + "[" + k + "]"));
        if (!InfoSchema.SWEEP_CAM_ORDER.get(k).equals(f.channel())) {
          throw c.bad(
              p + "[" + k + "].channel",
              "is "
                  + f.channel()
                  + ", expected "
                  + InfoSchema.SWEEP_CAM_ORDER.get(k)
                  + " (generator order)");
        }
        frame.write(fb + k, f, c, p + "[" + k + "]");
      }
    }
    cameraSweeps.endValue(row, sw.size());

    Annotations a = r.annotations();
    if (annotated) {
      if (a == null) {
        throw c.bad("annotations", "are missing but the file's version is annotated");
      }
      writeAnnotations(row, a, c);
    } else if (a != null) {
      throw c.bad("annotations", "are present but the file's version (test) has none");
    }
  }

  private void writeAnnotations(int row, Annotations a, Ctx c) {
    int n = nonNull(a.gtNames(), c.f("gt_names")).length;
    checkLen(a.gtBoxes(), 7 * n, c, "gt_boxes");
    checkLen(a.gtVelocity(), 2 * n, c, "gt_velocity");
    checkLen(a.numLidarPts(), n, c, "num_lidar_pts");
    checkLen(a.numRadarPts(), n, c, "num_radar_pts");
    checkLen(a.validFlag(), n, c, "valid_flag");
    checkLen(a.annotationTokens(), n, c, "annotation_tokens");

    int b = gtBoxes.startNewValue(row);
    FixedSizeListVector boxes = (FixedSizeListVector) gtBoxes.getDataVector();
    Float8Vector boxData = (Float8Vector) boxes.getDataVector();
    for (int i = 0; i < n; i++) {
      boxes.setNotNull(b + i);
      for (int k = 0; k < 7; k++) {
        boxData.setSafe((b + i) * 7 + k, a.gtBoxes()[i * 7 + k]);
      }
    }
    gtBoxes.endValue(row, n);

    b = gtVelocity.startNewValue(row);
    FixedSizeListVector vel = (FixedSizeListVector) gtVelocity.getDataVector();
    Float8Vector velData = (Float8Vector) vel.getDataVector();
    for (int i = 0; i < n; i++) {
      vel.setNotNull(b + i);
      velData.setSafe((b + i) * 2, a.gtVelocity()[i * 2]);
      velData.setSafe((b + i) * 2 + 1, a.gtVelocity()[i * 2 + 1]);
    }
    gtVelocity.endValue(row, n);

    strings(gtNames, row, a.gtNames(), c, "gt_names");
    strings(annTokens, row, a.annotationTokens(), c, "annotation_tokens");

    b = numLidarPts.startNewValue(row);
    BigIntVector nl = (BigIntVector) numLidarPts.getDataVector();
    for (int i = 0; i < n; i++) {
      nl.setSafe(b + i, a.numLidarPts()[i]);
    }
    numLidarPts.endValue(row, n);

    b = numRadarPts.startNewValue(row);
    BigIntVector nr = (BigIntVector) numRadarPts.getDataVector();
    for (int i = 0; i < n; i++) {
      nr.setSafe(b + i, a.numRadarPts()[i]);
    }
    numRadarPts.endValue(row, n);

    b = validFlag.startNewValue(row);
    BitVector vf = (BitVector) validFlag.getDataVector();
    for (int i = 0; i < n; i++) {
      vf.setSafe(b + i, a.validFlag()[i] ? 1 : 0);
    }
    validFlag.endValue(row, n);
  }

  private static void strings(ListVector v, int row, String[] s, Ctx c, String field) {
    int b = v.startNewValue(row);
    VarCharVector d = (VarCharVector) v.getDataVector();
    for (int i = 0; i < s.length; i++) {
      str(d, b + i, s[i], c.f(field + "[" + i + "]"));
    }
    v.endValue(row, s.length);
  }

  private static void checkLen(Object arr, int expected, Ctx c, String field) {
    if (arr == null) {
      throw c.bad(field, "is null");
    }
    int len = java.lang.reflect.Array.getLength(arr);
    if (len != expected) {
      throw c.bad(field, "has " + len + " values, expected " + expected + " (from gt_names)");
    }
  }

  private static void str(VarCharVector v, int idx, String s, String field) {
    if (s == null) {
      throw new BadDataException("info record " + field + " is null");
    }
    v.setSafe(idx, s.getBytes(StandardCharsets.UTF_8));
  }

  private static void doubles(FixedSizeListVector v, int idx, double[] d, String field) {
    int n = v.getListSize();
    if (d == null || d.length != n) {
      throw new BadDataException(
          "info record "
              + field
              + " has "
              + (d == null ? "no" : String.valueOf(d.length))
              + " values, expected "
              + n);
    }
    v.setNotNull(idx);
    Float8Vector data = (Float8Vector) v.getDataVector();
    for (int k = 0; k < n; k++) {
      data.setSafe(idx * n + k, d[k]);
    }
  }

  private static <T> T nonNull(T v, String field) {
    if (v == null) {
      throw new BadDataException("info record " + field + " is null");
    }
    return v;
  }

  /** Names the record and field in error messages. */
  private record Ctx(String token) {
    String f(String field) {
      return "token=" + token + " field " + field;
    }

    BadDataException bad(String field, String what) {
      return new BadDataException("info record " + f(field) + " " + what);
    }
  }

  // ---------------------------------------------------------------- read

  InfoRecord read(int row) {
    List<SensorEntry> cs = new ArrayList<>(InfoSchema.CAM_ORDER.size());
    int base = row * cams.getListSize();
    for (int j = 0; j < cams.getListSize(); j++) {
      cs.add(cam.read(base + j));
    }
    List<SensorEntry> ls = new ArrayList<>();
    for (int j = lidarSweeps.getElementStartIndex(row);
        j < lidarSweeps.getElementEndIndex(row);
        j++) {
      ls.add(lidarSweep.read(j));
    }
    List<CameraSweep> sw = new ArrayList<>();
    int n = sweepEntry.getListSize();
    for (int j = cameraSweeps.getElementStartIndex(row);
        j < cameraSweeps.getElementEndIndex(row);
        j++) {
      List<CameraSweepFrame> fs = new ArrayList<>(n);
      for (int k = 0; k < n; k++) {
        fs.add(frame.read(j * n + k));
      }
      sw.add(new CameraSweep(List.copyOf(fs)));
    }
    return new InfoRecord(
        str(token, row),
        str(sceneToken, row),
        str(lidarToken, row),
        str(lidarPath, row),
        timestamp.get(row),
        doubles(l2eT, row),
        doubles(l2eR, row),
        doubles(e2gT, row),
        doubles(e2gR, row),
        List.copyOf(cs),
        List.copyOf(ls),
        List.copyOf(sw),
        annotated ? readAnnotations(row) : null);
  }

  int tokenBytes(int row) {
    return token.getValueLength(row);
  }

  int annotationCount(int row) {
    return annotated ? gtNames.getElementEndIndex(row) - gtNames.getElementStartIndex(row) : 0;
  }

  private Annotations readAnnotations(int row) {
    int s = gtNames.getElementStartIndex(row);
    int n = gtNames.getElementEndIndex(row) - s;
    double[] boxes = new double[7 * n];
    Float8Vector bd =
        (Float8Vector) ((FixedSizeListVector) gtBoxes.getDataVector()).getDataVector();
    int bs = gtBoxes.getElementStartIndex(row);
    for (int i = 0; i < 7 * n; i++) {
      boxes[i] = bd.get(bs * 7 + i);
    }
    double[] vel = new double[2 * n];
    Float8Vector vd =
        (Float8Vector) ((FixedSizeListVector) gtVelocity.getDataVector()).getDataVector();
    int vs = gtVelocity.getElementStartIndex(row);
    for (int i = 0; i < 2 * n; i++) {
      vel[i] = vd.get(vs * 2 + i);
    }
    String[] names = strings(gtNames, row);
    String[] toks = strings(annTokens, row);
    long[] nl = longs(numLidarPts, row);
    long[] nr = longs(numRadarPts, row);
    boolean[] vf = new boolean[n];
    BitVector bv = (BitVector) validFlag.getDataVector();
    int fs = validFlag.getElementStartIndex(row);
    for (int i = 0; i < n; i++) {
      vf[i] = bv.get(fs + i) != 0;
    }
    return new Annotations(boxes, names, vel, nl, nr, vf, toks);
  }

  private static String[] strings(ListVector v, int row) {
    int s = v.getElementStartIndex(row);
    int e = v.getElementEndIndex(row);
    VarCharVector d = (VarCharVector) v.getDataVector();
    String[] out = new String[e - s];
    for (int i = s; i < e; i++) {
      out[i - s] = str(d, i);
    }
    return out;
  }

  private static long[] longs(ListVector v, int row) {
    int s = v.getElementStartIndex(row);
    int e = v.getElementEndIndex(row);
    BigIntVector d = (BigIntVector) v.getDataVector();
    long[] out = new long[e - s];
    for (int i = s; i < e; i++) {
      out[i - s] = d.get(i);
    }
    return out;
  }

  private static String str(VarCharVector v, int idx) {
    return new String(v.get(idx), StandardCharsets.UTF_8);
  }

  private static double[] doubles(FixedSizeListVector v, int idx) {
    int n = v.getListSize();
    Float8Vector data = (Float8Vector) v.getDataVector();
    double[] d = new double[n];
    for (int k = 0; k < n; k++) {
      d[k] = data.get(idx * n + k);
    }
    return d;
  }

  private static <V extends ValueVector> V child(StructVector s, String name, Class<V> type) {
    FieldVector v = (FieldVector) s.getChild(name);
    return type.cast(v);
  }

  /** The struct of a {@code cams} entry or a lidar sweep. */
  private static final class SensorStruct {
    final StructVector s;
    final boolean camera;
    final VarCharVector type;
    final VarCharVector dataPath;
    final VarCharVector sdToken;
    final FixedSizeListVector s2eT;
    final FixedSizeListVector s2eR;
    final FixedSizeListVector e2gT;
    final FixedSizeListVector e2gR;
    final BigIntVector ts;
    final FixedSizeListVector s2lR;
    final FixedSizeListVector s2lT;
    final FixedSizeListVector k;

    SensorStruct(StructVector s, boolean camera) {
      this.s = s;
      this.camera = camera;
      type = child(s, "type", VarCharVector.class);
      dataPath = child(s, "data_path", VarCharVector.class);
      sdToken = child(s, "sample_data_token", VarCharVector.class);
      s2eT = child(s, "sensor2ego_translation", FixedSizeListVector.class);
      s2eR = child(s, "sensor2ego_rotation", FixedSizeListVector.class);
      e2gT = child(s, "ego2global_translation", FixedSizeListVector.class);
      e2gR = child(s, "ego2global_rotation", FixedSizeListVector.class);
      ts = child(s, "timestamp", BigIntVector.class);
      s2lR = child(s, "sensor2lidar_rotation", FixedSizeListVector.class);
      s2lT = child(s, "sensor2lidar_translation", FixedSizeListVector.class);
      k = camera ? child(s, "cam_intrinsic", FixedSizeListVector.class) : null;
    }

    void write(int i, SensorEntry e, Ctx c, String p) {
      s.setIndexDefined(i);
      str(type, i, e.type(), c.f(p + ".type"));
      str(dataPath, i, e.dataPath(), c.f(p + ".data_path"));
      str(sdToken, i, e.sampleDataToken(), c.f(p + ".sample_data_token"));
      doubles(s2eT, i, e.sensor2egoTranslation(), c.f(p + ".sensor2ego_translation"));
      doubles(s2eR, i, e.sensor2egoRotation(), c.f(p + ".sensor2ego_rotation"));
      doubles(e2gT, i, e.ego2globalTranslation(), c.f(p + ".ego2global_translation"));
      doubles(e2gR, i, e.ego2globalRotation(), c.f(p + ".ego2global_rotation"));
      ts.setSafe(i, e.timestamp());
      doubles(s2lR, i, e.sensor2lidarRotation(), c.f(p + ".sensor2lidar_rotation"));
      doubles(s2lT, i, e.sensor2lidarTranslation(), c.f(p + ".sensor2lidar_translation"));
      if (camera) {
        doubles(k, i, e.camIntrinsic(), c.f(p + ".cam_intrinsic"));
      }
    }

    SensorEntry read(int i) {
      return new SensorEntry(
          str(type, i),
          str(dataPath, i),
          str(sdToken, i),
          doubles(s2eT, i),
          doubles(s2eR, i),
          doubles(e2gT, i),
          doubles(e2gR, i),
          ts.get(i),
          doubles(s2lR, i),
          doubles(s2lT, i),
          camera ? doubles(k, i) : null);
    }
  }

  /** The struct of a camera sweep frame. */
  private static final class FrameStruct {
    final StructVector s;
    final VarCharVector channel;
    final BitVector keyFrame;
    final VarCharVector dataPath;
    final BigIntVector ts;
    final VarCharVector sdToken;
    final VarCharVector sampleToken;
    final FixedSizeListVector s2lR;
    final FixedSizeListVector s2lT;
    final FixedSizeListVector k;

    FrameStruct(StructVector s) {
      this.s = s;
      channel = child(s, "channel", VarCharVector.class);
      keyFrame = child(s, "is_key_frame", BitVector.class);
      dataPath = child(s, "data_path", VarCharVector.class);
      ts = child(s, "timestamp", BigIntVector.class);
      sdToken = child(s, "sample_data_token", VarCharVector.class);
      sampleToken = child(s, "sample_token", VarCharVector.class);
      s2lR = child(s, "sensor2lidar_rotation", FixedSizeListVector.class);
      s2lT = child(s, "sensor2lidar_translation", FixedSizeListVector.class);
      k = child(s, "cam_intrinsic", FixedSizeListVector.class);
    }

    void write(int i, CameraSweepFrame f, Ctx c, String p) {
      s.setIndexDefined(i);
      str(channel, i, f.channel(), c.f(p + ".channel"));
      keyFrame.setSafe(i, f.isKeyFrame() ? 1 : 0);
      str(dataPath, i, f.dataPath(), c.f(p + ".data_path"));
      ts.setSafe(i, f.timestamp());
      str(sdToken, i, f.sampleDataToken(), c.f(p + ".sample_data_token"));
      str(sampleToken, i, f.sampleToken(), c.f(p + ".sample_token"));
      doubles(s2lR, i, f.sensor2lidarRotation(), c.f(p + ".sensor2lidar_rotation"));
      doubles(s2lT, i, f.sensor2lidarTranslation(), c.f(p + ".sensor2lidar_translation"));
      double[] kk = f.intrinsics();
      if (kk == null || kk.length != 16) {
        throw c.bad(p + ".intrinsics", "must be the 4x4 K4 (16 values)");
      }
      double[] k3 = {kk[0], kk[1], kk[2], kk[4], kk[5], kk[6], kk[8], kk[9], kk[10]};
      doubles(k, i, k3, c.f(p + ".intrinsics"));
    }

    CameraSweepFrame read(int i) {
      double[] r = doubles(s2lR, i);
      double[] t = doubles(s2lT, i);
      double[] kk = doubles(k, i);
      return new CameraSweepFrame(
          str(channel, i),
          keyFrame.get(i) != 0,
          str(dataPath, i),
          ts.get(i),
          str(sdToken, i),
          str(sampleToken, i),
          r,
          t,
          PetrMatrices.intrinsics(kk),
          PetrMatrices.extrinsics(r, t),
          PetrMatrices.lidar2img(kk, r, t));
    }
  }
}
