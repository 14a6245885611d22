package dev.nuload.nuscenes.table;

/** The 13 JSON tables of a nuScenes version folder (spec 1.5), one file each. */
public enum NuScenesTable {
  /** {@code attribute.json}. */
  ATTRIBUTE("attribute"),
  /** {@code calibrated_sensor.json}. */
  CALIBRATED_SENSOR("calibrated_sensor"),
  /** {@code category.json}. */
  CATEGORY("category"),
  /** {@code ego_pose.json}. */
  EGO_POSE("ego_pose"),
  /** {@code instance.json}. */
  INSTANCE("instance"),
  /** {@code log.json}. */
  LOG("log"),
  /** {@code map.json}. */
  MAP("map"),
  /** {@code sample.json}. */
  SAMPLE("sample"),
  /** {@code sample_annotation.json}. */
  SAMPLE_ANNOTATION("sample_annotation"),
  /** {@code sample_data.json}. */
  SAMPLE_DATA("sample_data"),
  /** {@code scene.json}. */
  SCENE("scene"),
  /** {@code sensor.json}. */
  SENSOR("sensor"),
  /** {@code visibility.json}. */
  VISIBILITY("visibility");

  private final String tableName;

  NuScenesTable(String tableName) {
    this.tableName = tableName;
  }

  /**
   * Returns the table name as used in messages and field paths.
   *
   * @return for example {@code sample_data}.
   */
  public String tableName() {
    return tableName;
  }

  /**
   * Returns the file name of the table inside the version folder.
   *
   * @return for example {@code sample_data.json}.
   */
  public String fileName() {
    return tableName + ".json";
  }
}
