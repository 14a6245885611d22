package dev.nuload.nuscenes.synth;

import dev.nuload.image.JpegCodecs;
import dev.nuload.image.JpegEncoder;
import dev.nuload.image.PixelFormat;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import javax.imageio.ImageIO;

/**
 * Writes the sensor files of a synthetic dataset: camera JPEGs ray-cast from the frame's geometry
 * ({@link CameraRenderer}, encoded with TurboJPEG when available, else ImageIO), lidar {@code
 * .pcd.bin} ({@link LidarSimulator}), radar PCD v0.7 ({@link RadarSimulator}) and map PNGs ({@link
 * MapRenderer}). Output depends only on the frame (seeds included), so it is deterministic.
 *
 * <p>Not thread-safe: use one instance per thread. Ownership: the writer owns its JPEG encoder
 * (created on first camera frame; native memory with TurboJPEG) and its reusable render buffers;
 * {@link #close()} closes the encoder.
 */
public final class SensorFileWriter implements AutoCloseable {
  /** JPEG quality of camera images, tuned so 1600x900 frames land at 100-200 KB like the real. */
  public static final int JPEG_QUALITY = 90;

  private final CameraRenderer camera = new CameraRenderer();
  private final LidarSimulator lidar = new LidarSimulator();
  private final RadarSimulator radar = new RadarSimulator();
  private JpegEncoder encoder;
  private boolean closed;

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
    return write(file, encodeCamera(frame));
  }

  /**
   * Renders and encodes a camera frame without writing it.
   *
   * @param frame what to render.
   * @return the JPEG bytes; valid until the next call on this writer.
   */
  public ByteBuffer encodeCamera(SensorFrames.CameraFrame frame) {
    byte[] bgr = camera.render(frame);
    return encoder().encode(bgr, frame.width(), frame.height(), PixelFormat.BGR, JPEG_QUALITY);
  }

  /**
   * Renders a camera frame to raw pixels (for tests and previews).
   *
   * @param frame what to render.
   * @return BGR pixels, {@code width * height * 3}; valid until the next camera call.
   */
  public byte[] renderCamera(SensorFrames.CameraFrame frame) {
    checkOpen();
    return camera.render(frame);
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
    checkOpen();
    return write(file, lidar.simulate(frame));
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
    checkOpen();
    return write(file, radar.simulate(frame));
  }

  /**
   * Writes a map mask PNG (8-bit grey; resolution {@link
   * MapRenderer#effectiveMetersPerPixel(SensorFrames.MapFrame)}).
   *
   * @param file destination.
   * @param frame what to draw.
   * @return bytes written.
   * @throws IOException on a write error.
   */
  public long writeMap(Path file, SensorFrames.MapFrame frame) throws IOException {
    checkOpen();
    var image = MapRenderer.render(frame);
    try (OutputStream out = Files.newOutputStream(file)) {
      if (!ImageIO.write(image, "png", out)) {
        throw new IOException("no ImageIO PNG writer");
      }
    }
    return Files.size(file);
  }

  /**
   * Names the JPEG encoder in use ({@code turbojpeg} or {@code imageio}).
   *
   * @return the encoder name.
   */
  public String jpegEncoderName() {
    return encoder().name();
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      if (encoder != null) {
        encoder.close();
      }
    }
  }

  private JpegEncoder encoder() {
    checkOpen();
    if (encoder == null) {
      encoder = JpegCodecs.encoder();
    }
    return encoder;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("SensorFileWriter is closed");
    }
  }

  private static long write(Path file, ByteBuffer data) throws IOException {
    ByteBuffer view = data.duplicate();
    long n = view.remaining();
    try (FileChannel ch =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      while (view.hasRemaining()) {
        ch.write(view);
      }
    }
    return n;
  }
}
