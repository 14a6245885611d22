package dev.nuload.nuscenes.petr;

import java.util.List;

/**
 * What {@link PetrSampleProcessor#process} returns besides the pixels it wrote: the PETR {@code
 * img_metas} of one sample (spec 3.6) and its targets. Matrices are row-major float64 4x4 (16
 * values), one per view, in view order (cameras of the current frame, then the past frame).
 *
 * @param token sample token ({@code sample_idx}).
 * @param views view names: the camera channel, with {@code @prev} appended for past-frame views.
 * @param filenames image paths relative to the dataset root, per view.
 * @param lidar2img per view, after ida and (training) the global rotation/scale.
 * @param intrinsics {@code K4} with the ida applied, per view.
 * @param extrinsics PETR's transposed lidar-to-camera, per view, after the global rotation/scale.
 * @param timestamps seconds {@code t_lidar - t_image} per view (padded past frames add 1.245 s).
 * @param imgHeight image height before padding ({@code img_shape}).
 * @param imgWidth image width before padding.
 * @param padHeight plane height after padding ({@code pad_shape}).
 * @param padWidth plane width after padding.
 * @param targets GT boxes and labels in the augmented lidar frame.
 * @param params the augmentation that was applied.
 * @param sweepIndex index of the camera sweep used as past frame, or -1 (none, or padded).
 */
public record SampleResult(
    String token,
    List<String> views,
    List<String> filenames,
    double[][] lidar2img,
    double[][] intrinsics,
    double[][] extrinsics,
    double[] timestamps,
    int imgHeight,
    int imgWidth,
    int padHeight,
    int padWidth,
    PetrTargets targets,
    AugmentParams params,
    int sweepIndex) {}
