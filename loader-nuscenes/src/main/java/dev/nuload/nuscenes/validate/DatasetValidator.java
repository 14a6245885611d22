package dev.nuload.nuscenes.validate;

import static dev.nuload.nuscenes.table.NuScenesTable.CALIBRATED_SENSOR;
import static dev.nuload.nuscenes.table.NuScenesTable.EGO_POSE;
import static dev.nuload.nuscenes.table.NuScenesTable.INSTANCE;
import static dev.nuload.nuscenes.table.NuScenesTable.SAMPLE;
import static dev.nuload.nuscenes.table.NuScenesTable.SAMPLE_ANNOTATION;
import static dev.nuload.nuscenes.table.NuScenesTable.SAMPLE_DATA;
import static dev.nuload.nuscenes.table.NuScenesTable.SCENE;
import static dev.nuload.nuscenes.table.NuScenesTable.SENSOR;

import dev.nuload.BadDataException;
import dev.nuload.ResourceException;
import dev.nuload.nuscenes.table.NuScenesTable;
import dev.nuload.nuscenes.table.NuScenesTables;
import dev.nuload.nuscenes.table.Problem;
import dev.nuload.nuscenes.table.Severity;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Checks a nuScenes dataset root: tables present and well-typed (spec 1.5), unique tokens,
 * resolvable references, consistent prev/next chains, one keyframe per channel per sample, ego
 * poses, camera sizes, quaternions, enumerations (spec 1.7) and, optionally, that the sensor and
 * map files exist.
 *
 * <p>Severity rule: an ERROR would break the info converters or means the tables are structurally
 * inconsistent; a WARN is unusual but does not change any info record (documented real-data quirks
 * such as a dangling {@code scene.log_token} or {@code map.log_tokens}, non-1600x900 cameras,
 * non-unit quaternions, unknown category names, missing map PNGs).
 */
public final class DatasetValidator {
  /** The 23 category names of spec 1.7. */
  public static final Set<String> CATEGORIES =
      Set.of(
          "animal",
          "human.pedestrian.adult",
          "human.pedestrian.child",
          "human.pedestrian.construction_worker",
          "human.pedestrian.personal_mobility",
          "human.pedestrian.police_officer",
          "human.pedestrian.stroller",
          "human.pedestrian.wheelchair",
          "movable_object.barrier",
          "movable_object.debris",
          "movable_object.pushable_pullable",
          "movable_object.trafficcone",
          "static_object.bicycle_rack",
          "vehicle.bicycle",
          "vehicle.bus.bendy",
          "vehicle.bus.rigid",
          "vehicle.car",
          "vehicle.construction",
          "vehicle.emergency.ambulance",
          "vehicle.emergency.police",
          "vehicle.motorcycle",
          "vehicle.trailer",
          "vehicle.truck");

  /** The 8 attribute names of spec 1.7. */
  public static final Set<String> ATTRIBUTES =
      Set.of(
          "vehicle.moving",
          "vehicle.stopped",
          "vehicle.parked",
          "cycle.with_rider",
          "cycle.without_rider",
          "pedestrian.sitting_lying_down",
          "pedestrian.standing",
          "pedestrian.moving");

  /** The 4 visibility levels of spec 1.7. */
  public static final Set<String> VISIBILITY_LEVELS =
      Set.of("v0-40", "v40-60", "v60-80", "v80-100");

  private static final Set<String> MODALITIES = Set.of("camera", "lidar", "radar");

  private final NuScenesTables t;
  private final ValidationReport report;

  private DatasetValidator(NuScenesTables t, ValidationReport report) {
    this.t = t;
    this.report = report;
  }

  /**
   * Finds the table folder of a dataset root.
   *
   * @param root the dataset root.
   * @param version a folder name under root, or null to auto-detect a single {@code v1.0-*} /
   *     {@code v1.01-*} folder holding JSON tables.
   * @return the version folder.
   * @throws ResourceException when root is not a directory.
   * @throws BadDataException when the version folder is missing, or none or several are found.
   */
  public static Path versionDir(Path root, String version) {
    if (!Files.isDirectory(root)) {
      throw new ResourceException("dataset root is not a directory: " + root);
    }
    if (version != null) {
      Path d = root.resolve(version);
      if (!Files.isDirectory(d)) {
        throw new BadDataException("version folder not found: " + d);
      }
      return d;
    }
    List<Path> found = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(root)) {
      for (Path d : ds) {
        String n = d.getFileName().toString();
        if ((n.startsWith("v1.0-") || n.startsWith("v1.01-"))
            && Files.isDirectory(d)
            && holdsJson(d)) {
          found.add(d);
        }
      }
    } catch (IOException e) {
      throw new ResourceException("cannot list dataset root " + root + ": " + e.getMessage(), e);
    }
    if (found.isEmpty()) {
      throw new BadDataException(
          "no version folder (v1.0-* or v1.01-*) holding JSON tables under "
              + root
              + "; pass --version");
    }
    if (found.size() > 1) {
      found.sort(null);
      throw new BadDataException(
          "several version folders under "
              + root
              + ": "
              + found.stream().map(p -> p.getFileName().toString()).toList()
              + "; pick one with --version");
    }
    return found.get(0);
  }

  private static boolean holdsJson(Path d) {
    try (Stream<Path> s = Files.list(d)) {
      return s.anyMatch(p -> p.getFileName().toString().endsWith(".json"));
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Loads the tables tolerantly and runs every check, reporting to {@code report}.
   *
   * @param root the dataset root (file names are relative to it).
   * @param versionDir the table folder.
   * @param tablesOnly when true, sensor and map files are not checked.
   * @param report receives the problems.
   * @return the loaded tables (for counts).
   */
  public static NuScenesTables validate(
      Path root, Path versionDir, boolean tablesOnly, ValidationReport report) {
    NuScenesTables tables = NuScenesTables.load(versionDir, report);
    DatasetValidator v = new DatasetValidator(tables, report);
    v.checkSampleChains();
    v.checkSampleDataChains();
    v.checkAnnotationChains();
    v.checkKeyframes();
    v.checkEgoPoses();
    v.checkCameras();
    v.checkQuaternions();
    v.checkEnumerations();
    if (!tablesOnly) {
      v.checkFiles(root);
    }
    return tables;
  }

  private void error(NuScenesTable table, String field, int row, String message) {
    report.report(
        new Problem(Severity.ERROR, table.tableName(), field, t.token(table, row), message));
  }

  private void warn(NuScenesTable table, String field, int row, String message) {
    report.report(
        new Problem(Severity.WARN, table.tableName(), field, t.token(table, row), message));
  }

  private boolean fieldsPresent(NuScenesTable table, String... fields) {
    if (!t.has(table)) {
      return false;
    }
    for (String f : fields) {
      if (t.missingFieldCount(table, f) > 0) {
        return false;
      }
    }
    return true;
  }

  // ------------------------------------------------------------------ chains

  private void checkSampleChains() {
    if (!fieldsPresent(SAMPLE, "prev", "next")) {
      return;
    }
    int n = t.count(SAMPLE);
    for (int r = 0; r < n; r++) {
      int next = t.sampleNext(r);
      if (next >= 0) {
        if (t.samplePrev(next) != r) {
          error(SAMPLE, "next", r, mutual("sample", next, t.samplePrev(next), SAMPLE));
        }
        if (t.sampleScene(next) != t.sampleScene(r)) {
          error(SAMPLE, "next", r, "next sample " + t.token(SAMPLE, next) + " is in another scene");
        }
        if (t.sampleTimestamp(next) <= t.sampleTimestamp(r)) {
          error(
              SAMPLE,
              "next",
              r,
              "timestamp does not increase towards next " + t.token(SAMPLE, next));
        }
      }
      int prev = t.samplePrev(r);
      if (prev >= 0 && t.sampleNext(prev) != r) {
        error(
            SAMPLE,
            "prev",
            r,
            "prev is "
                + t.token(SAMPLE, prev)
                + " but its next is "
                + tokenOr(SAMPLE, t.sampleNext(prev)));
      }
    }
    if (!fieldsPresent(SCENE, "first_sample_token", "last_sample_token", "nbr_samples")) {
      return;
    }
    for (int s = 0; s < t.count(SCENE); s++) {
      int first = t.sceneFirstSample(s);
      if (first < 0) {
        if (!t.isUnresolved(SCENE, "first_sample_token", s)) {
          error(SCENE, "first_sample_token", s, "empty first_sample_token");
        }
        continue;
      }
      if (t.samplePrev(first) >= 0) {
        error(
            SCENE,
            "first_sample_token",
            s,
            "first sample "
                + t.token(SAMPLE, first)
                + " has a prev ("
                + t.token(SAMPLE, t.samplePrev(first))
                + ")");
      }
      int count = 0;
      int r = first;
      int end = first;
      boolean broken = false;
      while (r >= 0 && count <= n) {
        if (t.sampleScene(r) != s) {
          broken = true;
          break;
        }
        count++;
        end = r;
        r = t.sampleNext(r);
      }
      if (count > n) {
        error(SCENE, "first_sample_token", s, "sample chain has a cycle");
        continue;
      }
      if (broken) {
        continue; // reported as sample.next crossing scenes
      }
      int last = t.sceneLastSample(s);
      if (last != end && !t.isUnresolved(SCENE, "last_sample_token", s)) {
        error(
            SCENE,
            "last_sample_token",
            s,
            "last_sample_token is "
                + tokenOr(SAMPLE, last)
                + " but the chain from first_sample_token ends at "
                + t.token(SAMPLE, end));
      }
      if (count != t.sceneNbrSamples(s)) {
        error(
            SCENE,
            "nbr_samples",
            s,
            "nbr_samples is "
                + t.sceneNbrSamples(s)
                + " but the chain from first_sample_token has "
                + count
                + " samples");
      }
    }
  }

  private String tokenOr(NuScenesTable table, int row) {
    return row < 0 ? "\"\"" : t.token(table, row);
  }

  private String mutual(String what, int next, int nextsPrev, NuScenesTable table) {
    return "inconsistent prev/next: next "
        + what
        + " "
        + t.token(table, next)
        + " has prev "
        + tokenOr(table, nextsPrev);
  }

  private void checkSampleDataChains() {
    if (!fieldsPresent(SAMPLE_DATA, "prev", "next")) {
      return;
    }
    int n = t.count(SAMPLE_DATA);
    for (int r = 0; r < n; r++) {
      int next = t.sampleDataNext(r);
      if (next >= 0) {
        if (t.sampleDataPrev(next) != r) {
          error(
              SAMPLE_DATA,
              "next",
              r,
              mutual("sample_data", next, t.sampleDataPrev(next), SAMPLE_DATA));
        }
        if (t.sampleDataSensor(next) != t.sampleDataSensor(r)) {
          error(
              SAMPLE_DATA,
              "next",
              r,
              "next "
                  + t.token(SAMPLE_DATA, next)
                  + " is channel "
                  + t.sampleDataChannel(next)
                  + ", not "
                  + t.sampleDataChannel(r));
        }
        int s1 = t.sampleDataSample(r);
        int s2 = t.sampleDataSample(next);
        if (s1 >= 0 && s2 >= 0 && t.sampleScene(s1) != t.sampleScene(s2)) {
          error(
              SAMPLE_DATA,
              "next",
              r,
              "next " + t.token(SAMPLE_DATA, next) + " is in another scene");
        }
        if (t.sampleDataTimestamp(next) <= t.sampleDataTimestamp(r)) {
          error(
              SAMPLE_DATA,
              "next",
              r,
              "timestamp does not increase towards next " + t.token(SAMPLE_DATA, next));
        }
      }
      int prev = t.sampleDataPrev(r);
      if (prev >= 0 && t.sampleDataNext(prev) != r) {
        error(
            SAMPLE_DATA,
            "prev",
            r,
            "inconsistent prev/next: prev "
                + t.token(SAMPLE_DATA, prev)
                + " has next "
                + tokenOr(SAMPLE_DATA, t.sampleDataNext(prev)));
      }
    }
  }

  private void checkAnnotationChains() {
    if (!fieldsPresent(SAMPLE_ANNOTATION, "prev", "next")) {
      return;
    }
    int n = t.count(SAMPLE_ANNOTATION);
    for (int r = 0; r < n; r++) {
      int next = t.annotationNext(r);
      if (next >= 0) {
        if (t.annotationPrev(next) != r) {
          error(
              SAMPLE_ANNOTATION,
              "next",
              r,
              mutual("annotation", next, t.annotationPrev(next), SAMPLE_ANNOTATION));
        }
        if (t.annotationInstance(next) != t.annotationInstance(r)) {
          error(
              SAMPLE_ANNOTATION,
              "next",
              r,
              "next " + t.token(SAMPLE_ANNOTATION, next) + " belongs to another instance");
        }
      }
      int prev = t.annotationPrev(r);
      if (prev >= 0 && t.annotationNext(prev) != r) {
        error(
            SAMPLE_ANNOTATION,
            "prev",
            r,
            "inconsistent prev/next: prev "
                + t.token(SAMPLE_ANNOTATION, prev)
                + " has next "
                + tokenOr(SAMPLE_ANNOTATION, t.annotationNext(prev)));
      }
    }
    if (!fieldsPresent(
        INSTANCE, "first_annotation_token", "last_annotation_token", "nbr_annotations")) {
      return;
    }
    for (int i = 0; i < t.count(INSTANCE); i++) {
      int first = t.instanceFirstAnnotation(i);
      if (first < 0) {
        if (!t.isUnresolved(INSTANCE, "first_annotation_token", i)) {
          error(INSTANCE, "first_annotation_token", i, "empty first_annotation_token");
        }
        continue;
      }
      int count = 0;
      int r = first;
      int end = first;
      while (r >= 0 && count <= n && t.annotationInstance(r) == i) {
        count++;
        end = r;
        r = t.annotationNext(r);
      }
      if (count > n) {
        error(INSTANCE, "first_annotation_token", i, "annotation chain has a cycle");
        continue;
      }
      int last = t.instanceLastAnnotation(i);
      if (last != end
          && !t.isUnresolved(INSTANCE, "last_annotation_token", i)
          && !t.isUnresolved(SAMPLE_ANNOTATION, "next", end)) {
        error(
            INSTANCE,
            "last_annotation_token",
            i,
            "last_annotation_token is "
                + tokenOr(SAMPLE_ANNOTATION, last)
                + " but the chain from first_annotation_token ends at "
                + t.token(SAMPLE_ANNOTATION, end));
      }
      if (count != t.instanceNbrAnnotations(i) && !t.isUnresolved(SAMPLE_ANNOTATION, "next", end)) {
        error(
            INSTANCE,
            "nbr_annotations",
            i,
            "nbr_annotations is "
                + t.instanceNbrAnnotations(i)
                + " but the chain from first_annotation_token has "
                + count
                + " annotations");
      }
    }
  }

  // ------------------------------------------------------------------ keyframes, poses, cameras

  private void checkKeyframes() {
    int sensors = t.count(SENSOR);
    int samples = t.count(SAMPLE);
    if (sensors == 0 || samples == 0 || !t.has(SAMPLE_DATA)) {
      return;
    }
    int[] keyframes = new int[Math.multiplyExact(samples, sensors)];
    boolean[] used = new boolean[sensors];
    for (int r = 0; r < t.count(SAMPLE_DATA); r++) {
      if (t.sampleDataIsKeyFrame(r)) {
        int s = t.sampleDataSample(r);
        int sensor = t.sampleDataSensor(r);
        if (s >= 0 && sensor >= 0) {
          keyframes[s * sensors + sensor]++;
          used[sensor] = true;
        }
      }
    }
    for (int s = 0; s < samples; s++) {
      for (int sensor = 0; sensor < sensors; sensor++) {
        int k = keyframes[s * sensors + sensor];
        String channel = t.sensorChannel(sensor);
        if (k > 1) {
          error(
              SAMPLE,
              "data",
              s,
              k + " keyframe sample_data for channel " + channel + " (expected exactly one)");
        } else if (k == 0 && used[sensor]) {
          boolean needed =
              channel.equals("LIDAR_TOP") || NuScenesTables.CAMERA_CHANNELS.contains(channel);
          String msg = "no keyframe sample_data for channel " + channel;
          if (needed) {
            error(SAMPLE, "data", s, msg + " (the info converters need it)");
          } else {
            warn(SAMPLE, "data", s, msg);
          }
        }
      }
    }
  }

  private void checkEgoPoses() {
    if (!t.has(SAMPLE_DATA) || !t.has(EGO_POSE)) {
      return;
    }
    BitSet used = new BitSet(t.count(EGO_POSE));
    for (int r = 0; r < t.count(SAMPLE_DATA); r++) {
      int ep = t.sampleDataEgoPose(r);
      if (ep < 0) {
        continue;
      }
      if (used.get(ep)) {
        warn(
            SAMPLE_DATA,
            "ego_pose_token",
            r,
            "ego_pose " + t.token(EGO_POSE, ep) + " is shared with another sample_data");
      }
      used.set(ep);
      if (t.egoPoseTimestamp(ep) != t.sampleDataTimestamp(r)) {
        error(
            SAMPLE_DATA,
            "ego_pose_token",
            r,
            "ego_pose "
                + t.token(EGO_POSE, ep)
                + " timestamp "
                + t.egoPoseTimestamp(ep)
                + " differs from sample_data timestamp "
                + t.sampleDataTimestamp(r));
      }
    }
  }

  private void checkCameras() {
    for (int r = 0; r < t.count(SAMPLE_DATA); r++) {
      if (!t.sampleDataModality(r).equals("camera")) {
        continue;
      }
      int w = t.sampleDataWidth(r);
      int h = t.sampleDataHeight(r);
      if (w <= 0 || h <= 0) {
        error(SAMPLE_DATA, "width", r, "camera image size " + w + "x" + h + " must be positive");
      } else if (w != 1600 || h != 900) {
        warn(SAMPLE_DATA, "width", r, "camera image size " + w + "x" + h + " is not 1600x900");
      }
    }
    for (int r = 0; r < t.count(CALIBRATED_SENSOR); r++) {
      int s = t.calibratedSensorSensor(r);
      if (s >= 0 && t.sensorModality(s).equals("camera") && !t.hasCameraIntrinsic(r)) {
        error(
            CALIBRATED_SENSOR,
            "camera_intrinsic",
            r,
            "camera " + t.sensorChannel(s) + " has no 3x3 camera_intrinsic");
      }
    }
  }

  private void checkQuaternions() {
    for (int r = 0; r < t.count(EGO_POSE); r++) {
      quaternion(
          EGO_POSE,
          r,
          t.egoPoseRotation(r, 0),
          t.egoPoseRotation(r, 1),
          t.egoPoseRotation(r, 2),
          t.egoPoseRotation(r, 3));
    }
    for (int r = 0; r < t.count(CALIBRATED_SENSOR); r++) {
      quaternion(
          CALIBRATED_SENSOR,
          r,
          t.calibratedSensorRotation(r, 0),
          t.calibratedSensorRotation(r, 1),
          t.calibratedSensorRotation(r, 2),
          t.calibratedSensorRotation(r, 3));
    }
    for (int r = 0; r < t.count(SAMPLE_ANNOTATION); r++) {
      quaternion(
          SAMPLE_ANNOTATION,
          r,
          t.annotationRotation(r, 0),
          t.annotationRotation(r, 1),
          t.annotationRotation(r, 2),
          t.annotationRotation(r, 3));
    }
  }

  private void quaternion(NuScenesTable table, int r, double w, double x, double y, double z) {
    double norm = Math.sqrt(w * w + x * x + y * y + z * z);
    if (!(norm > 0) || !Double.isFinite(norm)) {
      error(
          table,
          "rotation",
          r,
          "quaternion [" + w + ", " + x + ", " + y + ", " + z + "] has norm " + norm);
    } else if (Math.abs(norm - 1) > 1e-3) {
      warn(table, "rotation", r, "quaternion norm " + norm + " is not 1 within 1e-3");
    }
  }

  private void checkEnumerations() {
    for (int r = 0; r < t.count(NuScenesTable.CATEGORY); r++) {
      if (!CATEGORIES.contains(t.categoryName(r))) {
        warn(NuScenesTable.CATEGORY, "name", r, "unknown category '" + t.categoryName(r) + "'");
      }
    }
    for (int r = 0; r < t.count(NuScenesTable.ATTRIBUTE); r++) {
      if (!ATTRIBUTES.contains(t.attributeName(r))) {
        warn(NuScenesTable.ATTRIBUTE, "name", r, "unknown attribute '" + t.attributeName(r) + "'");
      }
    }
    for (int r = 0; r < t.count(NuScenesTable.VISIBILITY); r++) {
      if (!VISIBILITY_LEVELS.contains(t.visibilityLevel(r))) {
        warn(
            NuScenesTable.VISIBILITY,
            "level",
            r,
            "unknown visibility level '" + t.visibilityLevel(r) + "'");
      }
    }
    for (int r = 0; r < t.count(SENSOR); r++) {
      if (!MODALITIES.contains(t.sensorModality(r))) {
        warn(SENSOR, "modality", r, "unknown modality '" + t.sensorModality(r) + "'");
      }
    }
  }

  // ------------------------------------------------------------------ files

  private void checkFiles(Path root) {
    for (int r = 0; r < t.count(SAMPLE_DATA); r++) {
      String fn = t.sampleDataFilename(r);
      if (fn.isEmpty()) {
        error(SAMPLE_DATA, "filename", r, "empty filename");
      } else if (!Files.isRegularFile(root.resolve(fn))) {
        error(SAMPLE_DATA, "filename", r, "file missing: " + root.resolve(fn));
      }
    }
    for (int r = 0; r < t.count(NuScenesTable.MAP); r++) {
      String fn = t.mapFilename(r);
      if (!fn.isEmpty() && !Files.isRegularFile(root.resolve(fn))) {
        warn(NuScenesTable.MAP, "filename", r, "map file missing: " + root.resolve(fn));
      }
    }
  }
}
