package dev.nuload.nuscenes.cli;

import dev.nuload.nuscenes.info.InfoArrowReader;
import dev.nuload.nuscenes.info.InfoRecord;
import dev.nuload.nuscenes.petr.AugmentParams;
import dev.nuload.nuscenes.petr.PetrAugmentation;
import dev.nuload.nuscenes.petr.PetrConfig;
import dev.nuload.nuscenes.petr.PetrPreview;
import dev.nuload.nuscenes.petr.PetrSampleProcessor;
import dev.nuload.nuscenes.petr.SampleResult;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.arrow.memory.RootAllocator;

/**
 * The demo's picture: the first sample of an info file through the pipeline the demo serves (test
 * mode, no augmentation), each view de-normalised with its GT boxes projected by its {@code
 * lidar2img} ({@link PetrPreview#render}), tiled as the cameras sit on the car: front-left, front,
 * front-right above back-left, back, back-right.
 */
final class DemoPreview {
  /** Mosaic order of the camera channels, row by row. */
  static final List<String> LAYOUT =
      List.of(
          "CAM_FRONT_LEFT",
          "CAM_FRONT",
          "CAM_FRONT_RIGHT",
          "CAM_BACK_LEFT",
          "CAM_BACK",
          "CAM_BACK_RIGHT");

  private DemoPreview() {}

  /**
   * Writes the mosaic (temporary file, then renamed into place).
   *
   * @param infos the info file.
   * @param dataroot the dataset root its paths are in.
   * @param png the PNG to write.
   * @return the sample's GT box count.
   * @throws IOException when the sample cannot be read or the PNG written.
   */
  static int write(Path infos, Path dataroot, Path png) throws IOException {
    PetrConfig config = DemoServe.config();
    InfoRecord info;
    try (RootAllocator alloc = new RootAllocator();
        InfoArrowReader reader = InfoArrowReader.open(infos, alloc)) {
      info = reader.read(0);
    }
    AugmentParams p = PetrAugmentation.draw(config, 0, 0, 0, false, info.cameraSweeps().size());
    try (Arena arena = Arena.ofConfined();
        PetrSampleProcessor proc = new PetrSampleProcessor(config, dataroot)) {
      MemorySegment img = arena.allocate(config.imageBytes(), 64);
      SampleResult r = proc.process(info, p, false, img);
      int w = r.imgWidth();
      int h = r.imgHeight();
      BufferedImage mosaic = new BufferedImage(3 * w, 2 * h, BufferedImage.TYPE_INT_RGB);
      Graphics2D g = mosaic.createGraphics();
      try {
        for (int v = 0; v < r.views().size(); v++) {
          int at = LAYOUT.indexOf(r.views().get(v));
          if (at >= 0) {
            g.drawImage(
                PetrPreview.render(img, v, r, config.normalization()),
                at % 3 * w,
                at / 3 * h,
                null);
          }
        }
      } finally {
        g.dispose();
      }
      PreviewCommand.atomically(png, os -> ImageIO.write(mosaic, "png", os));
      return r.targets().size();
    }
  }
}
