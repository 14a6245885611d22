package dev.nuload.nuscenes.table;

import static dev.nuload.nuscenes.table.Columns.Need.INFORMATIVE;
import static dev.nuload.nuscenes.table.Columns.Need.OPTIONAL;
import static dev.nuload.nuscenes.table.Columns.Need.REQUIRED;

import dev.nuload.nuscenes.table.Columns.BoolColumn;
import dev.nuload.nuscenes.table.Columns.Column;
import dev.nuload.nuscenes.table.Columns.IntColumn;
import dev.nuload.nuscenes.table.Columns.LongColumn;
import dev.nuload.nuscenes.table.Columns.RefColumn;
import dev.nuload.nuscenes.table.Columns.RefListColumn;
import dev.nuload.nuscenes.table.Columns.StringColumn;
import dev.nuload.nuscenes.table.Columns.TextColumn;
import dev.nuload.nuscenes.table.Columns.VectorColumn;
import java.util.List;

/**
 * The fields of each table (spec 1.5) as fresh columns. {@code REQUIRED} fields are read by the
 * info converters (spec 2.4-2.8), so a missing one is an error; {@code INFORMATIVE} ones are not (a
 * missing one is a warning); {@code OPTIONAL} ones may be absent silently.
 */
final class TableSchema {
  private TableSchema() {}

  static List<Column> columns(NuScenesTable table) {
    return switch (table) {
      case ATTRIBUTE ->
          List.of(
              new StringColumn("name", INFORMATIVE), new StringColumn("description", INFORMATIVE));
      case CALIBRATED_SENSOR ->
          List.of(
              new RefColumn("sensor_token", REQUIRED, NuScenesTable.SENSOR),
              new VectorColumn("translation", REQUIRED, 3, false),
              new VectorColumn("rotation", REQUIRED, 4, false),
              new VectorColumn("camera_intrinsic", REQUIRED, 9, true));
      case CATEGORY ->
          List.of(
              new StringColumn("name", REQUIRED),
              new StringColumn("description", INFORMATIVE),
              new IntColumn("index", OPTIONAL, -1));
      case EGO_POSE ->
          List.of(
              new VectorColumn("translation", REQUIRED, 3, false),
              new VectorColumn("rotation", REQUIRED, 4, false),
              new LongColumn("timestamp", REQUIRED));
      case INSTANCE ->
          List.of(
              new RefColumn("category_token", REQUIRED, NuScenesTable.CATEGORY),
              new IntColumn("nbr_annotations", INFORMATIVE, 0),
              new RefColumn("first_annotation_token", INFORMATIVE, NuScenesTable.SAMPLE_ANNOTATION),
              new RefColumn("last_annotation_token", INFORMATIVE, NuScenesTable.SAMPLE_ANNOTATION));
      case LOG ->
          List.of(
              new StringColumn("logfile", INFORMATIVE),
              new StringColumn("vehicle", INFORMATIVE),
              new StringColumn("date_captured", INFORMATIVE),
              new StringColumn("location", INFORMATIVE));
      case MAP ->
          List.of(
              new RefListColumn("log_tokens", INFORMATIVE, NuScenesTable.LOG),
              new StringColumn("category", INFORMATIVE),
              new StringColumn("filename", INFORMATIVE));
      case SAMPLE ->
          List.of(
              new LongColumn("timestamp", REQUIRED),
              new RefColumn("scene_token", REQUIRED, NuScenesTable.SCENE),
              new RefColumn("prev", REQUIRED, NuScenesTable.SAMPLE),
              new RefColumn("next", REQUIRED, NuScenesTable.SAMPLE));
      case SAMPLE_ANNOTATION ->
          List.of(
              new RefColumn("sample_token", REQUIRED, NuScenesTable.SAMPLE),
              new RefColumn("instance_token", REQUIRED, NuScenesTable.INSTANCE),
              new RefListColumn("attribute_tokens", INFORMATIVE, NuScenesTable.ATTRIBUTE),
              new RefColumn("visibility_token", INFORMATIVE, NuScenesTable.VISIBILITY),
              new VectorColumn("translation", REQUIRED, 3, false),
              new VectorColumn("size", REQUIRED, 3, false),
              new VectorColumn("rotation", REQUIRED, 4, false),
              new IntColumn("num_lidar_pts", REQUIRED, 0),
              new IntColumn("num_radar_pts", REQUIRED, 0),
              new RefColumn("next", REQUIRED, NuScenesTable.SAMPLE_ANNOTATION),
              new RefColumn("prev", REQUIRED, NuScenesTable.SAMPLE_ANNOTATION));
      case SAMPLE_DATA ->
          List.of(
              new RefColumn("sample_token", REQUIRED, NuScenesTable.SAMPLE),
              new RefColumn("ego_pose_token", REQUIRED, NuScenesTable.EGO_POSE),
              new RefColumn("calibrated_sensor_token", REQUIRED, NuScenesTable.CALIBRATED_SENSOR),
              new TextColumn("filename", REQUIRED),
              new StringColumn("fileformat", INFORMATIVE),
              new IntColumn("width", INFORMATIVE, 0),
              new IntColumn("height", INFORMATIVE, 0),
              new LongColumn("timestamp", REQUIRED),
              new BoolColumn("is_key_frame", REQUIRED),
              new RefColumn("next", REQUIRED, NuScenesTable.SAMPLE_DATA),
              new RefColumn("prev", REQUIRED, NuScenesTable.SAMPLE_DATA));
      case SCENE ->
          List.of(
              new StringColumn("name", REQUIRED),
              new StringColumn("description", INFORMATIVE),
              new RefColumn("log_token", INFORMATIVE, NuScenesTable.LOG),
              new IntColumn("nbr_samples", INFORMATIVE, 0),
              new RefColumn("first_sample_token", INFORMATIVE, NuScenesTable.SAMPLE),
              new RefColumn("last_sample_token", INFORMATIVE, NuScenesTable.SAMPLE));
      case SENSOR ->
          List.of(new StringColumn("channel", REQUIRED), new StringColumn("modality", REQUIRED));
      case VISIBILITY ->
          List.of(
              new StringColumn("level", INFORMATIVE), new StringColumn("description", INFORMATIVE));
    };
  }
}
