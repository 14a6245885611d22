package dev.nuload.nuscenes;

import java.util.List;

/**
 * The three nuScenes releases: the folder name of their tables, the official scene count, and the
 * splits the converters write for them (spec 2.2).
 */
public enum NuScenesVersion {
  /** {@code v1.0-mini}: 10 scenes, splits mini_train / mini_val. */
  MINI("v1.0-mini", 10, List.of("mini_train", "mini_val")),
  /** {@code v1.0-trainval}: 850 scenes, splits train / val. */
  TRAINVAL("v1.0-trainval", 850, List.of("train", "val")),
  /** {@code v1.0-test}: 150 scenes without annotations, split test. */
  TEST("v1.0-test", 150, List.of("test"));

  private final String dirName;
  private final int officialSceneCount;
  private final List<String> splits;

  NuScenesVersion(String dirName, int officialSceneCount, List<String> splits) {
    this.dirName = dirName;
    this.officialSceneCount = officialSceneCount;
    this.splits = splits;
  }

  /**
   * Returns the table folder name, which is also the version string.
   *
   * @return for example {@code v1.0-trainval}.
   */
  public String dirName() {
    return dirName;
  }

  /**
   * Returns how many scenes the official release of this version has.
   *
   * @return 10, 850 or 150.
   */
  public int officialSceneCount() {
    return officialSceneCount;
  }

  /**
   * Returns the official splits of this version, in the order the converters write them.
   *
   * @return split names usable with {@link Splits#scenes(String)}.
   */
  public List<String> splits() {
    return splits;
  }

  /**
   * Returns whether this version carries annotations (every version but test).
   *
   * @return false for {@link #TEST}.
   */
  public boolean annotated() {
    return this != TEST;
  }

  /**
   * Returns all scenes of this version in split order (for example train then val).
   *
   * @return the official scene names of every split of this version.
   */
  public List<String> officialScenes() {
    return splits.stream().flatMap(s -> Splits.scenes(s).stream()).toList();
  }

  /**
   * Parses a version string.
   *
   * @param name {@code v1.0-mini}, {@code v1.0-trainval} or {@code v1.0-test}.
   * @return the version.
   * @throws IllegalArgumentException naming the accepted values.
   */
  public static NuScenesVersion of(String name) {
    for (NuScenesVersion v : values()) {
      if (v.dirName.equals(name)) {
        return v;
      }
    }
    throw new IllegalArgumentException(
        "unknown nuScenes version '" + name + "' (known: v1.0-mini, v1.0-trainval, v1.0-test)");
  }
}
