package dev.nuload.nuscenes.petr;

import dev.nuload.image.ChannelNormalization;
import dev.nuload.image.TensorDType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Data settings of a PETR-family pipeline (spec 3.2 and 3.9): camera list and frames, {@code
 * ida_aug_conf}, {@code GlobalRotScaleTransImage} ranges, normalisation, padding, class list and GT
 * mask, camera-sweep selection, plus the two nuload choices (image mode and output dtype). Use a
 * preset or a user's config in the JSON form {@code nuload-pipeline/1} ({@link #fromJson(Path)},
 * docs/format/pipeline-config.md) and the {@code with*} copies; the compact constructor is the
 * single validation point of the values, the JSON reader adds the checks of the file's keys.
 *
 * @param name preset name for reports.
 * @param cameras view order of one frame.
 * @param frames 1 (PETRv1) or 2 (PETRv2: current + one past camera sweep).
 * @param sourceWidth original image width {@code W}.
 * @param sourceHeight original image height {@code H}.
 * @param finalWidth {@code final_dim} width {@code fW}.
 * @param finalHeight {@code final_dim} height {@code fH}.
 * @param resizeMin {@code resize_lim[0]}.
 * @param resizeMax {@code resize_lim[1]}.
 * @param botPctMin {@code bot_pct_lim[0]}.
 * @param botPctMax {@code bot_pct_lim[1]}.
 * @param randFlip {@code rand_flip}.
 * @param globalRotMin {@code GlobalRotScaleTransImage.rot_range[0]}, radians.
 * @param globalRotMax {@code rot_range[1]}, radians.
 * @param scaleMin {@code scale_ratio_range[0]}.
 * @param scaleMax {@code scale_ratio_range[1]}.
 * @param normalization {@code img_norm_cfg}.
 * @param sizeDivisor {@code PadMultiViewImage.size_divisor}.
 * @param classes detection class list; a box's label is its name's index here, else dropped.
 * @param useValidFlag GT mask: {@code valid_flag} when true, else {@code num_lidar_pts > 0}.
 * @param pointCloudRange x/y range of {@code ObjectRangeFilter}: {xmin, ymin, zmin, xmax, ymax,
 *     zmax}.
 * @param sweepRangeMin {@code sweep_range[0]}.
 * @param sweepRangeMax {@code sweep_range[1]}.
 * @param sweepInterval seconds per camera frame used for padded sweeps (0.083).
 * @param mode exact or fast image path.
 * @param dtype element type written to the destination.
 */
public record PetrConfig(
    String name,
    List<String> cameras,
    int frames,
    int sourceWidth,
    int sourceHeight,
    int finalWidth,
    int finalHeight,
    double resizeMin,
    double resizeMax,
    double botPctMin,
    double botPctMax,
    boolean randFlip,
    double globalRotMin,
    double globalRotMax,
    double scaleMin,
    double scaleMax,
    ChannelNormalization normalization,
    int sizeDivisor,
    List<String> classes,
    boolean useValidFlag,
    double[] pointCloudRange,
    int sweepRangeMin,
    int sweepRangeMax,
    double sweepInterval,
    ImageMode mode,
    TensorDType dtype) {

  /** Camera (view) order of PETR, spec 3.1. */
  public static final List<String> CAMERAS =
      List.of(
          "CAM_FRONT",
          "CAM_FRONT_RIGHT",
          "CAM_FRONT_LEFT",
          "CAM_BACK",
          "CAM_BACK_LEFT",
          "CAM_BACK_RIGHT");

  /** The nuScenes detection classes in PETR's order. */
  public static final List<String> CLASSES =
      List.of(
          "car",
          "truck",
          "construction_vehicle",
          "bus",
          "trailer",
          "barrier",
          "motorcycle",
          "bicycle",
          "pedestrian",
          "traffic_cone");

  /**
   * Validates the settings.
   *
   * @param name preset name.
   * @param cameras cameras.
   * @param frames frames.
   * @param sourceWidth W.
   * @param sourceHeight H.
   * @param finalWidth fW.
   * @param finalHeight fH.
   * @param resizeMin resize_lim[0].
   * @param resizeMax resize_lim[1].
   * @param botPctMin bot_pct_lim[0].
   * @param botPctMax bot_pct_lim[1].
   * @param randFlip rand_flip.
   * @param globalRotMin rot_range[0].
   * @param globalRotMax rot_range[1].
   * @param scaleMin scale_ratio_range[0].
   * @param scaleMax scale_ratio_range[1].
   * @param normalization img_norm_cfg.
   * @param sizeDivisor size_divisor.
   * @param classes classes.
   * @param useValidFlag GT mask choice.
   * @param pointCloudRange range filter.
   * @param sweepRangeMin sweep_range[0].
   * @param sweepRangeMax sweep_range[1].
   * @param sweepInterval seconds per camera frame.
   * @param mode image mode.
   * @param dtype output type.
   */
  public PetrConfig {
    cameras = List.copyOf(cameras);
    classes = List.copyOf(classes);
    pointCloudRange = pointCloudRange.clone();
    if (cameras.isEmpty()) {
      throw new IllegalArgumentException("at least one camera is needed");
    }
    if (frames < 1 || frames > 2) {
      throw new IllegalArgumentException(
          "frames must be 1 (PETRv1) or 2 (PETRv2: current + one past sweep), got " + frames);
    }
    if (finalWidth <= 0 || finalHeight <= 0 || sourceWidth <= 0 || sourceHeight <= 0) {
      throw new IllegalArgumentException("image sizes must be positive");
    }
    if (!(resizeMin > 0 && resizeMin <= resizeMax)) {
      throw new IllegalArgumentException("bad resize_lim " + resizeMin + ".." + resizeMax);
    }
    if (botPctMin > botPctMax || scaleMin > scaleMax || globalRotMin > globalRotMax) {
      throw new IllegalArgumentException("a range has min > max");
    }
    if (sizeDivisor <= 0) {
      throw new IllegalArgumentException("size_divisor must be positive, got " + sizeDivisor);
    }
    if (pointCloudRange.length != 6) {
      throw new IllegalArgumentException("point_cloud_range needs 6 values");
    }
    if (sweepRangeMin < 0 || sweepRangeMin > sweepRangeMax) {
      throw new IllegalArgumentException("bad sweep_range " + sweepRangeMin + ".." + sweepRangeMax);
    }
  }

  /**
   * Returns the PETRv2 VoVNet-99 800x320 settings (spec 3.2): 6 cameras x 2 frames, exact mode,
   * float32 output.
   *
   * @return the preset.
   */
  public static PetrConfig petrv2_800x320() {
    return new PetrConfig(
        "petrv2_vovnet_gridmask_p4_800x320",
        CAMERAS,
        2,
        1600,
        900,
        800,
        320,
        0.47,
        0.625,
        0.0,
        0.0,
        true,
        -0.3925,
        0.3925,
        0.95,
        1.05,
        new ChannelNormalization(
            new double[] {103.530, 116.280, 123.675}, new double[] {57.375, 57.120, 58.395}, false),
        32,
        CLASSES,
        true,
        new double[] {-51.2, -51.2, -5.0, 51.2, 51.2, 3.0},
        3,
        27,
        0.083,
        ImageMode.EXACT,
        TensorDType.FLOAT32);
  }

  /**
   * Returns the PETRv1 VoVNet 800x320 settings (spec 3.9): as PETRv2 with one frame.
   *
   * @return the preset.
   */
  public static PetrConfig petrv1_800x320() {
    PetrConfig v2 = petrv2_800x320();
    return new PetrConfig(
        "petr_vovnet_gridmask_p4_800x320",
        v2.cameras,
        1,
        v2.sourceWidth,
        v2.sourceHeight,
        v2.finalWidth,
        v2.finalHeight,
        v2.resizeMin,
        v2.resizeMax,
        v2.botPctMin,
        v2.botPctMax,
        v2.randFlip,
        v2.globalRotMin,
        v2.globalRotMax,
        v2.scaleMin,
        v2.scaleMax,
        v2.normalization,
        v2.sizeDivisor,
        v2.classes,
        true,
        v2.pointCloudRange,
        v2.sweepRangeMin,
        v2.sweepRangeMax,
        v2.sweepInterval,
        v2.mode,
        v2.dtype);
  }

  /**
   * Returns a preset by name.
   *
   * @param preset {@code petrv2} or {@code petrv1}.
   * @return the config.
   * @throws IllegalArgumentException for another name.
   */
  public static PetrConfig preset(String preset) {
    return switch (preset) {
      case "petrv2", "petrv2_800x320" -> petrv2_800x320();
      case "petrv1", "petr_800x320", "petrv1_800x320" -> petrv1_800x320();
      default ->
          throw new IllegalArgumentException("unknown preset " + preset + " (petrv2, petrv1)");
    };
  }

  /**
   * Reads a pipeline config file in the JSON form {@code nuload-pipeline/1}, with the defaults of
   * docs/format/pipeline-config.md for the keys it leaves out. Mode and dtype are not in the file:
   * the result is {@link ImageMode#EXACT}, {@link TensorDType#FLOAT32} (use the {@code with}
   * copies).
   *
   * @param file the {@code .json} file; the messages name it as given.
   * @return the config.
   * @throws IOException if the file cannot be read.
   * @throws IllegalArgumentException naming the file, the key path and the value, for an unknown or
   *     duplicate key, a missing required key, a value of the wrong type or one nuload does not
   *     serve (e.g. {@code cfg.json: ida_aug_conf.rot_lim [-5.4, 5.4] is not served: nuload serves
   *     [0, 0] only}).
   */
  public static PetrConfig fromJson(Path file) throws IOException {
    return fromJson(Files.readString(file), file.toString());
  }

  /**
   * Reads a pipeline config from JSON text, as {@link #fromJson(Path)}.
   *
   * @param json the text.
   * @param origin what the messages name (a file, or where the text came from).
   * @return the config.
   * @throws IllegalArgumentException naming {@code origin}, key path and value.
   */
  public static PetrConfig fromJson(String json, String origin) {
    return PipelineConfigJson.read(json, origin);
  }

  /**
   * Returns this config in the JSON form {@code nuload-pipeline/1}: every key of the format, in its
   * documented order, {@code source} null, {@code global_rot_scale_trans} null when the config
   * neither rotates nor scales. Mode and dtype are not written; {@link #fromJson(String, String)}
   * gives back this config with exact mode and float32.
   *
   * @return pretty-printed JSON.
   */
  public String toJson() {
    return PipelineConfigJson.write(this);
  }

  /**
   * Returns a copy with another frame count.
   *
   * @param n 1 or 2.
   * @return the copy.
   */
  public PetrConfig withFrames(int n) {
    return copy(n, mode, dtype);
  }

  /**
   * Returns a copy with another image mode.
   *
   * @param m the mode.
   * @return the copy.
   */
  public PetrConfig withMode(ImageMode m) {
    return copy(frames, m, dtype);
  }

  /**
   * Returns a copy with another output dtype.
   *
   * @param t the type.
   * @return the copy.
   */
  public PetrConfig withDtype(TensorDType t) {
    return copy(frames, mode, t);
  }

  /** The one copy constructor call behind the {@code with} methods. */
  private PetrConfig copy(int frames, ImageMode mode, TensorDType dtype) {
    return new PetrConfig(
        name,
        cameras,
        frames,
        sourceWidth,
        sourceHeight,
        finalWidth,
        finalHeight,
        resizeMin,
        resizeMax,
        botPctMin,
        botPctMax,
        randFlip,
        globalRotMin,
        globalRotMax,
        scaleMin,
        scaleMax,
        normalization,
        sizeDivisor,
        classes,
        useValidFlag,
        pointCloudRange,
        sweepRangeMin,
        sweepRangeMax,
        sweepInterval,
        mode,
        dtype);
  }

  /**
   * Returns the number of images per sample.
   *
   * @return cameras x frames.
   */
  public int views() {
    return cameras.size() * frames;
  }

  /**
   * Returns the padded image height ({@code PadMultiViewImage}).
   *
   * @return {@code ceil(finalHeight / sizeDivisor) * sizeDivisor}.
   */
  public int paddedHeight() {
    return (finalHeight + sizeDivisor - 1) / sizeDivisor * sizeDivisor;
  }

  /**
   * Returns the padded image width.
   *
   * @return {@code ceil(finalWidth / sizeDivisor) * sizeDivisor}.
   */
  public int paddedWidth() {
    return (finalWidth + sizeDivisor - 1) / sizeDivisor * sizeDivisor;
  }

  /**
   * Returns the shape of the image tensor of one sample.
   *
   * @return {@code [V, 3, paddedHeight, paddedWidth]}.
   */
  public long[] imageShape() {
    return new long[] {views(), 3, paddedHeight(), paddedWidth()};
  }

  /**
   * Returns the bytes of the image tensor of one sample.
   *
   * @return {@code V * 3 * paddedHeight * paddedWidth * dtype.bytes()}.
   */
  public long imageBytes() {
    return (long) views() * 3 * paddedHeight() * paddedWidth() * dtype.bytes();
  }

  /**
   * Returns the time offset added to padded sweeps (first keyframe of a scene), spec 3.3.2.
   *
   * @return {@code (sweep_range[0] + sweep_range[1]) / 2 * sweepInterval} seconds.
   */
  public double paddedSweepSeconds() {
    return (sweepRangeMin + sweepRangeMax) / 2.0 * sweepInterval;
  }
}
