package dev.nuload.nuscenes.synth;

import dev.nuload.nuscenes.geom.RigidTransform;
import java.util.List;

/**
 * What the synthetic generator hands to {@link SensorFileWriter} for each sensor file: plain data,
 * no table records. All poses are sensor-to-global transforms (column convention), composed from
 * the ego pose of the frame and the sensor's calibration, so what a file shows agrees with the
 * tables.
 */
public final class SensorFrames {
  private SensorFrames() {}

  /**
   * An annotated object at the frame's time.
   *
   * @param category nuScenes category name, e.g. {@code vehicle.car}.
   * @param center box centre in the global frame (metres).
   * @param size width, length, height (metres), as in {@code sample_annotation.size}.
   * @param rotation box-to-global quaternion {@code [w, x, y, z]}.
   */
  public record Box(String category, double[] center, double[] size, double[] rotation) {}

  /**
   * One camera image to render.
   *
   * @param channel e.g. {@code CAM_FRONT}.
   * @param width image width (1600).
   * @param height image height (900).
   * @param intrinsic the 3x3 camera matrix, row-major (9 values).
   * @param cameraToGlobal camera frame (x right, y down, z forward) to global.
   * @param boxes objects near the ego vehicle at this time (may be empty).
   * @param sceneSeed constant for a scene: the scene's look (textures, colours).
   * @param frameSeed varies per frame: sensor noise.
   */
  public record CameraFrame(
      String channel,
      int width,
      int height,
      double[] intrinsic,
      RigidTransform cameraToGlobal,
      List<Box> boxes,
      long sceneSeed,
      long frameSeed) {}

  /**
   * One lidar sweep to write as {@code .pcd.bin} (float32 x, y, z, intensity, ring per point, in
   * the lidar frame).
   *
   * @param lidarToGlobal lidar frame to global.
   * @param boxes objects near the ego vehicle at this time.
   * @param points how many points to write (real sweeps hold about 34,000).
   * @param frameSeed varies per frame.
   */
  public record LidarFrame(
      RigidTransform lidarToGlobal, List<Box> boxes, int points, long frameSeed) {}

  /**
   * One radar sweep to write as a binary PCD v0.7 file with the 18 nuScenes radar fields.
   *
   * @param channel e.g. {@code RADAR_FRONT}.
   * @param radarToGlobal radar frame to global.
   * @param boxes objects near the ego vehicle at this time.
   * @param frameSeed varies per frame.
   */
  public record RadarFrame(
      String channel, RigidTransform radarToGlobal, List<Box> boxes, long frameSeed) {}

  /**
   * One semantic-prior map mask ({@code maps/<token>.png}), 8-bit grey, drivable area bright.
   *
   * @param location e.g. {@code boston-seaport}.
   * @param roads ego trajectories driven on this map, each a polyline of global {@code [x, y]}
   *     points, drawn as roads.
   * @param metersPerPixel raster resolution (the real masks use 0.1 m per pixel).
   * @param seed the map's look.
   */
  public record MapFrame(
      String location, List<double[][]> roads, double metersPerPixel, long seed) {}
}
