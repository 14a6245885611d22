package dev.nuload.nuscenes.info;

import static dev.nuload.arrow.ArrowMetadata.FRAME;
import static dev.nuload.arrow.ArrowMetadata.LAYOUT;
import static dev.nuload.arrow.ArrowMetadata.ORDER;
import static dev.nuload.arrow.ArrowMetadata.ROW_MAJOR;
import static dev.nuload.arrow.ArrowMetadata.SHAPE;
import static dev.nuload.arrow.ArrowMetadata.UNIT;

import dev.nuload.arrow.ArrowMetadata;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The Arrow schema of an info file ({@code docs/format/infos-arrow.md}, pinned by {@code
 * InfoSchemaTest}): one row per sample, in the order the builder produced them (sample.json order,
 * spec 2.3).
 *
 * <p>Scalars are utf8 / int64 / bool; vectors, quaternions and matrices are {@code
 * FixedSizeList<float64>[n]} whose field metadata carries {@code shape} (JSON, e.g. {@code [3,3]}),
 * {@code layout=row-major} for matrices, {@code order=wxyz} for quaternions, plus {@code unit} and
 * {@code frame}. {@code cams} is a fixed-size list of 6 structs in view order ({@link #CAM_ORDER});
 * {@code lidar_sweeps} a list of structs; {@code camera_sweeps} a list of entries, each a
 * fixed-size list of 6 frame structs in the generator order ({@link #SWEEP_CAM_ORDER}). The PETR
 * float32 matrices {@code intrinsics}, {@code extrinsics} and {@code lidar2img} are not stored:
 * they are pure functions of {@code cam_intrinsic}, {@code sensor2lidar_rotation} and {@code
 * sensor2lidar_translation} (spec 2.5.3) and are derived on load, which keeps a trainval file at
 * about a third of the size. The annotation columns exist only when the version is annotated (not
 * test, spec 2.10). Every field is non-nullable.
 */
public final class InfoSchema {
  /** Schema metadata key: the version of this layout ({@value #FORMAT_VERSION}). */
  public static final String KEY_FORMAT_VERSION = "nuload.format_version";

  /** Schema metadata key: the nuScenes version, e.g. {@code v1.0-trainval}. */
  public static final String KEY_NUSC_VERSION = "nusc.version";

  /** Schema metadata key: the split, e.g. {@code train}. */
  public static final String KEY_SPLIT = "nuload.split";

  /** Schema metadata key: fingerprint of the source tables (cache staleness check). */
  public static final String KEY_SOURCE_FINGERPRINT = "nuload.source_fingerprint";

  /** Schema metadata key: the builder options as a JSON object. */
  public static final String KEY_OPTIONS = "nuload.options";

  /** Schema metadata key: the tool and version that wrote the file, e.g. {@code nuload 0.1.0}. */
  public static final String KEY_CREATED_BY = "nuload.created_by";

  /** The layout version this class writes; readers reject other major versions. */
  public static final String FORMAT_VERSION = "1";

  /** Camera view order of {@code cams} (spec 2.5), the dict insertion order of the pkl. */
  public static final List<String> CAM_ORDER =
      List.of(
          "CAM_FRONT",
          "CAM_FRONT_RIGHT",
          "CAM_FRONT_LEFT",
          "CAM_BACK",
          "CAM_BACK_LEFT",
          "CAM_BACK_RIGHT");

  /** Camera order inside a {@code camera_sweeps} entry (spec 2.7 generator order). */
  public static final List<String> SWEEP_CAM_ORDER =
      List.of(
          "CAM_FRONT",
          "CAM_FRONT_RIGHT",
          "CAM_BACK_RIGHT",
          "CAM_BACK",
          "CAM_BACK_LEFT",
          "CAM_FRONT_LEFT");

  /** Field metadata key on {@code cams} / camera sweep entries listing the camera order. */
  public static final String CAMERAS = "cameras";

  /** Names of the annotation columns, present only in annotated files. */
  public static final List<String> ANNOTATION_FIELDS =
      List.of(
          "gt_boxes",
          "gt_names",
          "gt_velocity",
          "num_lidar_pts",
          "num_radar_pts",
          "valid_flag",
          "annotation_tokens");

  private static final String LIDAR = "keyframe LIDAR_TOP";

  private InfoSchema() {}

  /**
   * Returns the schema without schema metadata.
   *
   * @param annotated whether the annotation columns are present.
   * @return the fields in file order.
   */
  public static Schema schema(boolean annotated) {
    List<Field> f = new ArrayList<>();
    f.add(utf8("token"));
    f.add(utf8("scene_token"));
    f.add(utf8("lidar_token"));
    f.add(utf8("lidar_path"));
    f.add(int64("timestamp", "us"));
    f.add(vector("lidar2ego_translation", 3, "m", "lidar->ego"));
    f.add(quaternion("lidar2ego_rotation", "lidar->ego"));
    f.add(vector("ego2global_translation", 3, "m", "ego->global at the lidar keyframe time"));
    f.add(quaternion("ego2global_rotation", "ego->global at the lidar keyframe time"));
    f.add(
        withMeta(
            fixedList("cams", CAM_ORDER.size(), struct("item", sensorFields(true))),
            Map.of(CAMERAS, String.join(",", CAM_ORDER))));
    f.add(list("lidar_sweeps", struct("item", sensorFields(false))));
    f.add(
        list(
            "camera_sweeps",
            withMeta(
                fixedList("item", SWEEP_CAM_ORDER.size(), struct("item", frameFields())),
                Map.of(CAMERAS, String.join(",", SWEEP_CAM_ORDER)))));
    if (annotated) {
      f.add(list("gt_boxes", vector("item", 7, "m, rad", LIDAR)));
      f.add(list("gt_names", utf8("item")));
      f.add(list("gt_velocity", vector("item", 2, "m/s", LIDAR)));
      f.add(list("num_lidar_pts", int64("item", null)));
      f.add(list("num_radar_pts", int64("item", null)));
      f.add(list("valid_flag", bool("item")));
      f.add(list("annotation_tokens", utf8("item")));
    }
    return new Schema(f);
  }

  /**
   * Returns the schema with the file's schema metadata.
   *
   * @param metadata the file metadata.
   * @return the schema to write.
   */
  public static Schema schema(InfoFileMetadata metadata) {
    return ArrowMetadata.withSchemaMetadata(schema(metadata.annotated()), metadata.toMap());
  }

  private static List<Field> sensorFields(boolean camera) {
    List<Field> f = new ArrayList<>();
    f.add(utf8("type"));
    f.add(utf8("data_path"));
    f.add(utf8("sample_data_token"));
    f.add(vector("sensor2ego_translation", 3, "m", "sensor->ego"));
    f.add(quaternion("sensor2ego_rotation", "sensor->ego"));
    f.add(vector("ego2global_translation", 3, "m", "ego->global at this sample_data's time"));
    f.add(quaternion("ego2global_rotation", "ego->global at this sample_data's time"));
    f.add(int64("timestamp", "us"));
    f.add(matrix("sensor2lidar_rotation", 3, 3, null, "sensor->" + LIDAR));
    f.add(vector("sensor2lidar_translation", 3, "m", "sensor->" + LIDAR));
    if (camera) {
      f.add(matrix("cam_intrinsic", 3, 3, "px", "camera"));
    }
    return f;
  }

  private static List<Field> frameFields() {
    List<Field> f = new ArrayList<>();
    f.add(utf8("channel"));
    f.add(bool("is_key_frame"));
    f.add(utf8("data_path"));
    f.add(int64("timestamp", "us"));
    f.add(utf8("sample_data_token"));
    f.add(utf8("sample_token"));
    f.add(matrix("sensor2lidar_rotation", 3, 3, null, "camera->current " + LIDAR));
    f.add(vector("sensor2lidar_translation", 3, "m", "camera->current " + LIDAR));
    f.add(matrix("cam_intrinsic", 3, 3, "px", "camera"));
    return f;
  }

  private static Field utf8(String name) {
    return Field.notNullable(name, ArrowType.Utf8.INSTANCE);
  }

  private static Field bool(String name) {
    return Field.notNullable(name, ArrowType.Bool.INSTANCE);
  }

  private static Field int64(String name, String unit) {
    Field f = Field.notNullable(name, new ArrowType.Int(64, true));
    return unit == null ? f : withMeta(f, Map.of(UNIT, unit));
  }

  private static Field float64(String name) {
    return Field.notNullable(name, new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE));
  }

  private static Field fixedList(String name, int size, Field child) {
    return new Field(
        name, FieldType.notNullable(new ArrowType.FixedSizeList(size)), List.of(child));
  }

  private static Field list(String name, Field child) {
    return new Field(name, FieldType.notNullable(ArrowType.List.INSTANCE), List.of(child));
  }

  private static Field struct(String name, List<Field> children) {
    return new Field(name, FieldType.notNullable(ArrowType.Struct.INSTANCE), children);
  }

  private static Field vector(String name, int n, String unit, String frame) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(SHAPE, ArrowMetadata.shapeString(n));
    m.put(UNIT, unit);
    m.put(FRAME, frame);
    return withMeta(fixedList(name, n, float64("item")), m);
  }

  private static Field quaternion(String name, String frame) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(SHAPE, ArrowMetadata.shapeString(4));
    m.put(ORDER, "wxyz");
    m.put(FRAME, frame);
    return withMeta(fixedList(name, 4, float64("item")), m);
  }

  private static Field matrix(String name, int rows, int cols, String unit, String frame) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(SHAPE, ArrowMetadata.shapeString(rows, cols));
    m.put(LAYOUT, ROW_MAJOR);
    if (unit != null) {
      m.put(UNIT, unit);
    }
    m.put(FRAME, frame);
    return withMeta(fixedList(name, rows * cols, float64("item")), m);
  }

  private static Field withMeta(Field f, Map<String, String> m) {
    return ArrowMetadata.withMetadata(f, m);
  }
}
