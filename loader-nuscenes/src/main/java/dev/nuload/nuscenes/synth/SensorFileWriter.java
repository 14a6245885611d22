package dev.nuload.nuscenes.synth;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes the sensor files of a synthetic dataset. Not thread-safe: use one instance per thread.
 * (Interface fixed; implementation in progress.)
 */
public final class SensorFileWriter implements AutoCloseable {
  /** Creates a writer. */
  public SensorFileWriter() {}

  /**
   * Writes a 1600x900 baseline 4:2:0 JPEG.
   *
   * @param file destination, parent folders exist.
   * @param frame what to render.
   * @return bytes written.
   * @throws IOException on a write error.
   */
  public long writeCamera(Path file, SensorFrames.CameraFrame frame) throws IOException {
    throw new UnsupportedOperationException("writeCamera");
  }

  /**
   * Writes a lidar sweep as float32 x5 {@code .pcd.bin}.
   *
   * @param file destination.
   * @param frame what to write.
   * @return bytes written.
   * @throws IOException on a write error.
   */
  public long writeLidar(Path file, SensorFrames.LidarFrame frame) throws IOException {
    throw new UnsupportedOperationException("writeLidar");
  }

  /**
   * Writes a radar sweep as binary PCD v0.7.
   *
   * @param file destination.
   * @param frame what to write.
   * @return bytes written.
   * @throws IOException on a write error.
   */
  public long writeRadar(Path file, SensorFrames.RadarFrame frame) throws IOException {
    throw new UnsupportedOperationException("writeRadar");
  }

  /**
   * Writes a map mask PNG.
   *
   * @param file destination.
   * @param frame what to draw.
   * @return bytes written.
   * @throws IOException on a write error.
   */
  public long writeMap(Path file, SensorFrames.MapFrame frame) throws IOException {
    throw new UnsupportedOperationException("writeMap");
  }

  @Override
  public void close() {}
}
