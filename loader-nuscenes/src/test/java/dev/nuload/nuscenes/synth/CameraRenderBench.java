package dev.nuload.nuscenes.synth;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Measures render and encode time per camera image; run with {@code main}. */
public final class CameraRenderBench {
  private CameraRenderBench() {}

  /**
   * Runs the measurement.
   *
   * @param args optional output folder for sample images.
   * @throws Exception on failure.
   */
  public static void main(String[] args) throws Exception {
    try (SensorFileWriter w = new SensorFileWriter()) {
      int n = 40;
      long render = 0;
      long total = 0;
      long bytes = 0;
      for (int i = 0; i < n + 10; i++) {
        var f = SynthFixtures.camera(SynthFixtures.street(), i * 0.5, i);
        long t0 = System.nanoTime();
        w.renderCamera(f);
        long t1 = System.nanoTime();
        ByteBuffer jpeg = w.encodeCamera(f);
        long t2 = System.nanoTime();
        if (i >= 10) {
          render += t1 - t0;
          total += t2 - t1;
          bytes += jpeg.remaining();
        }
        if (args.length > 0 && (i == 10 || i == 20)) {
          byte[] b = new byte[jpeg.remaining()];
          jpeg.duplicate().get(b);
          Files.write(Path.of(args[0], "cam" + i + ".jpg"), b);
          BufferedImage img = ImageIO.read(new ByteArrayInputStream(b));
          ImageIO.write(img, "png", Path.of(args[0], "cam" + i + ".png").toFile());
        }
      }
      // encodeCamera renders again, so encode time = total - render
      System.out.printf(
          "encoder=%s render=%.2f ms encode=%.2f ms size=%.1f KB%n",
          w.jpegEncoderName(), render / 1e6 / n, (total - render) / 1e6 / n, bytes / 1024.0 / n);
    }
  }
}
