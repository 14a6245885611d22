package dev.nuload.nuscenes.synth;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** A plain grey 8-bit map mask, used only while {@link SensorFileWriter#writeMap} is missing. */
final class FallbackMap {
  private FallbackMap() {}

  static long write(Path file) throws IOException {
    BufferedImage img = new BufferedImage(256, 256, BufferedImage.TYPE_BYTE_GRAY);
    if (!ImageIO.write(img, "png", file.toFile())) {
      throw new IOException("no PNG encoder for " + file);
    }
    return Files.size(file);
  }
}
