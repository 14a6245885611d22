package dev.nuload.nuscenes.petr;

import dev.nuload.BadDataException;
import dev.nuload.image.DecodedImage;
import dev.nuload.image.DecodedPlanes;
import dev.nuload.image.JpegCodecs;
import dev.nuload.image.JpegDecoder;
import dev.nuload.image.PlanarResizeCropFlipWriter;
import dev.nuload.image.ResampleFilter;
import dev.nuload.image.ResizeCropFlipWriter;
import dev.nuload.image.TurboJpegDecoder;
import dev.nuload.nuscenes.info.InfoRecord;
import dev.nuload.nuscenes.info.InfoRecord.CameraSweep;
import dev.nuload.nuscenes.info.InfoRecord.CameraSweepFrame;
import dev.nuload.nuscenes.info.InfoRecord.SensorEntry;
import dev.nuload.nuscenes.info.PetrMatrices;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns one info record into the PETR / PETRv2 training or test input of spec part B: the image
 * tensor {@code [V, 3, H, W]} written straight into caller memory, plus the metas and targets
 * ({@link SampleResult}).
 *
 * <pre>
 *   info --PetrAugmentation(seed, epoch, index)--&gt; AugmentParams (shared by all V views)
 *   per view: read JPEG (reused byte[]) --JpegDecoder--&gt; BGR (decoder's buffer)
 *             --ResizeCropFlipWriter (resize, crop, flip, normalise, dtype, pad)--&gt; imgDst
 *   fast mode with TurboJPEG: --DCT-scaled decode to Y, Cb, Cr planes--&gt;
 *             --PlanarResizeCropFlipWriter (same output contract)--&gt; imgDst
 *   geometry: K4, E from the info --ida--&gt; intrinsics, lidar2img --GlobalRotScale (train)--&gt;
 *   targets:  get_ann_info, range and name filters --GlobalRotScale (train)--&gt;
 * </pre>
 *
 * <p>Use from a worker thread: create one processor per thread and reuse it for every sample. It
 * owns a {@link JpegDecoder} (native handle and pixel buffer), a file buffer and the resampling
 * scratch; none of it is shared, so the class is not thread-safe and needs no locks. Per call it
 * allocates only the small metadata arrays of the result. The result depends on {@code (info,
 * sampleIndex, seed, epoch, train)} and the config only, never on thread or timing.
 *
 * <p>The destination receives {@code config.views()} images of {@code 3 x paddedHeight x
 * paddedWidth} elements of {@code config.dtype()} in native byte order, view after view, planes in
 * B, G, R order (unless the normalisation says {@code toRgb}); see {@link PetrConfig#imageBytes()}.
 * If a JPEG is missing or corrupt, {@link BadDataException} names it and the views before it are
 * already written: the caller discards the slot.
 *
 * <p>Ownership: {@link #close()} closes the decoder; the caller's destination memory is never
 * retained.
 */
public final class PetrSampleProcessor implements AutoCloseable {
  /** Largest residual shrink (decoded size / resize size) the fast mode resamples with LINEAR. */
  static final double FAST_LINEAR_MAX_SCALE = 1.25;

  private final PetrConfig config;
  private final Path dataroot;
  private final JpegDecoder decoder;
  private final ResizeCropFlipWriter writer = new ResizeCropFlipWriter();
  private final PlanarResizeCropFlipWriter planarWriter = new PlanarResizeCropFlipWriter();
  private final ResizeCropFlipWriter.Output output;
  private byte[] file = new byte[1 << 20];
  private boolean closed;

  /**
   * Creates a processor with the fastest available decoder ({@link JpegCodecs#decoder()}).
   *
   * @param config pipeline settings.
   * @param dataroot dataset root the info paths are relative to.
   */
  public PetrSampleProcessor(PetrConfig config, Path dataroot) {
    this(config, dataroot, JpegCodecs.decoder());
  }

  /**
   * Creates a processor on a given decoder, which it then owns and closes.
   *
   * @param config pipeline settings.
   * @param dataroot dataset root the info paths are relative to.
   * @param decoder the decoder to use.
   */
  public PetrSampleProcessor(PetrConfig config, Path dataroot, JpegDecoder decoder) {
    this.config = config;
    this.dataroot = dataroot;
    this.decoder = decoder;
    this.output =
        new ResizeCropFlipWriter.Output(
            config.finalWidth(),
            config.finalHeight(),
            config.paddedWidth(),
            config.paddedHeight(),
            config.dtype(),
            config.normalization());
  }

  /**
   * Returns the settings.
   *
   * @return the config.
   */
  public PetrConfig config() {
    return config;
  }

  /**
   * Returns the name of the JPEG decoder in use.
   *
   * @return {@code turbojpeg} or {@code imageio}.
   */
  public String decoderName() {
    return decoder.name();
  }

  /**
   * Processes one sample with augmentation drawn from {@code (seed, epoch, sampleIndex)}.
   *
   * @param info the sample's info record.
   * @param sampleIndex dataset index of the sample (feeds the random stream).
   * @param seed run seed.
   * @param epoch epoch number.
   * @param train training (random augmentation, global rotation/scale) or test (fixed).
   * @param imgDst at least {@link PetrConfig#imageBytes()} bytes; written from offset 0.
   * @return metas and targets.
   * @throws BadDataException when an image is missing, unreadable or corrupt.
   */
  public SampleResult process(
      InfoRecord info,
      long sampleIndex,
      long seed,
      int epoch,
      boolean train,
      MemorySegment imgDst) {
    AugmentParams p =
        PetrAugmentation.draw(config, seed, epoch, sampleIndex, train, info.cameraSweeps().size());
    return process(info, p, train, imgDst);
  }

  /**
   * Processes one sample with given parameters (tests, preview).
   *
   * @param info the sample's info record.
   * @param p the augmentation.
   * @param train whether the global rotation/scale of {@code p} is applied.
   * @param imgDst at least {@link PetrConfig#imageBytes()} bytes.
   * @return metas and targets.
   */
  public SampleResult process(
      InfoRecord info, AugmentParams p, boolean train, MemorySegment imgDst) {
    if (closed) {
      throw new IllegalStateException("processor is closed");
    }
    if (imgDst.byteSize() < config.imageBytes()) {
      throw new IllegalArgumentException(
          "destination holds "
              + imgDst.byteSize()
              + " bytes, a sample needs "
              + config.imageBytes());
    }
    int nc = config.cameras().size();
    int v = config.views();
    List<String> views = new ArrayList<>(v);
    List<String> files = new ArrayList<>(v);
    double[][] intr = new double[v][];
    double[][] extr = new double[v][];
    double[] ts = new double[v];
    double tRef = info.timestamp() / 1e6;
    for (int c = 0; c < nc; c++) {
      SensorEntry cam = camera(info, config.cameras().get(c));
      views.add(cam.type());
      files.add(cam.dataPath());
      intr[c] = PetrMatrices.intrinsics(cam.camIntrinsic());
      extr[c] = PetrMatrices.extrinsics(cam.sensor2lidarRotation(), cam.sensor2lidarTranslation());
      ts[c] = tRef - cam.timestamp() / 1e6;
    }
    int sweepIndex = -1;
    if (config.frames() == 2) {
      List<CameraSweep> sweeps = info.cameraSweeps();
      if (sweeps.isEmpty() || p.sweepChoice() < 0) {
        for (int c = 0; c < nc; c++) { // pad_empty_sweeps: repeat the current frame
          views.add(views.get(c) + "@prev");
          files.add(files.get(c));
          intr[nc + c] = intr[c].clone();
          extr[nc + c] = extr[c].clone();
          ts[nc + c] = ts[c] + config.paddedSweepSeconds();
        }
      } else {
        sweepIndex = Math.min(p.sweepChoice(), sweeps.size() - 1);
        CameraSweep sw = sweeps.get(sweepIndex);
        if (sw.frames().size() < nc && sweepIndex > 0) {
          sweepIndex--;
          sw = sweeps.get(sweepIndex);
        }
        for (int c = 0; c < nc; c++) {
          CameraSweepFrame f = frame(info, sw, sweepIndex, config.cameras().get(c));
          views.add(f.channel() + "@prev");
          files.add(f.dataPath());
          intr[nc + c] = f.intrinsics().clone();
          extr[nc + c] = f.extrinsics().clone();
          ts[nc + c] = tRef - f.timestamp() / 1e6;
        }
      }
    }
    double[] ida =
        PetrGeometry.ida(
            p.resizeRatio(),
            p.cropLeft(),
            p.cropTop(),
            p.flip(),
            config.finalWidth(),
            config.finalHeight(),
            0);
    double[][] l2i = new double[v][];
    for (int i = 0; i < v; i++) {
      intr[i] = PetrGeometry.applyIda(ida, intr[i]);
      l2i[i] = PetrGeometry.lidar2img(intr[i], extr[i]);
    }
    PetrTargets targets = PetrTargets.prepare(config, info.annotations());
    if (train) {
      for (int i = 0; i < v; i++) {
        l2i[i] = PetrGeometry.rotScaleLidar2img(l2i[i], p.rotation(), p.scale());
        extr[i] = PetrGeometry.rotScaleExtrinsics(extr[i], p.rotation(), p.scale());
      }
      targets =
          new PetrTargets(
              PetrGeometry.rotScaleBoxes(targets.boxes(), p.rotation(), p.scale()),
              targets.labels());
    }
    long per = output.bytes();
    for (int i = 0; i < v; i++) {
      writeImage(files.get(i), p, imgDst, i * per);
    }
    return new SampleResult(
        info.token(),
        List.copyOf(views),
        List.copyOf(files),
        l2i,
        intr,
        extr,
        ts,
        config.finalHeight(),
        config.finalWidth(),
        config.paddedHeight(),
        config.paddedWidth(),
        targets,
        p,
        sweepIndex);
  }

  /**
   * Decodes one image and writes it, resized, cropped, flipped, normalised and padded, at {@code
   * offset} (exposed for the benchmarks, which time one view).
   *
   * @param relPath image path relative to the dataset root.
   * @param p the augmentation (resize size, crop, flip).
   * @param dst destination.
   * @param offset byte offset of the view.
   */
  public void writeImage(String relPath, AugmentParams p, MemorySegment dst, long offset) {
    Path path = dataroot.resolve(relPath);
    int len = read(path);
    if (config.mode() == ImageMode.FAST && decoder instanceof TurboJpegDecoder turbo) {
      // DCT-scaled decode to the Y, Cb, Cr planes; the planar writer resamples only the crop and
      // converts only its pixels. Null for JPEGs that are not YCbCr/greyscale: interleaved path.
      DecodedPlanes planes =
          turbo.decodePlanesAtLeast(file, len, path.toString(), p.resizeWidth(), p.resizeHeight());
      if (planes != null) {
        checkSize(path, planes.sourceWidth(), planes.sourceHeight());
        planarWriter.write(
            planes,
            p.resizeWidth(),
            p.resizeHeight(),
            p.cropLeft(),
            p.cropTop(),
            p.flip(),
            output,
            dst,
            offset);
        return;
      }
    }
    DecodedImage img;
    ResampleFilter filter;
    if (config.mode() == ImageMode.FAST) {
      img = decoder.decodeAtLeast(file, len, path.toString(), p.resizeWidth(), p.resizeHeight());
      // after DCT scaling the residual shrink is at most 1.25 (TurboJPEG's 1/8 steps): 2-tap
      // linear interpolation; a decoder without DCT scaling (ImageIO) keeps the antialiased kernel
      boolean small =
          img.width() <= p.resizeWidth() * FAST_LINEAR_MAX_SCALE
              && img.height() <= p.resizeHeight() * FAST_LINEAR_MAX_SCALE;
      filter = small ? ResampleFilter.LINEAR : ResampleFilter.BILINEAR;
    } else {
      img = decoder.decode(file, len, path.toString());
      filter = ResampleFilter.BICUBIC;
    }
    checkSize(path, img.sourceWidth(), img.sourceHeight());
    writer.write(
        img,
        p.resizeWidth(),
        p.resizeHeight(),
        p.cropLeft(),
        p.cropTop(),
        p.flip(),
        filter,
        output,
        dst,
        offset);
  }

  private void checkSize(Path path, int width, int height) {
    if (width != config.sourceWidth() || height != config.sourceHeight()) {
      throw new BadDataException(
          path
              + ": image is "
              + width
              + "x"
              + height
              + ", the config expects "
              + config.sourceWidth()
              + "x"
              + config.sourceHeight());
    }
  }

  private int read(Path path) {
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size > Integer.MAX_VALUE - 8) {
        throw new BadDataException(path + ": image file too large (" + size + " bytes)");
      }
      if (file.length < size) {
        file = new byte[(int) Math.max(size, file.length * 2L)];
      }
      ByteBuffer buf = ByteBuffer.wrap(file, 0, (int) size);
      while (buf.hasRemaining()) {
        if (ch.read(buf) < 0) {
          break;
        }
      }
      return buf.position();
    } catch (IOException e) {
      throw new BadDataException(path + ": cannot read image: " + e, e);
    }
  }

  private static SensorEntry camera(InfoRecord info, String channel) {
    for (SensorEntry e : info.cams()) {
      if (e.type().equals(channel)) {
        return e;
      }
    }
    throw new BadDataException("info " + info.token() + ": no camera " + channel);
  }

  private static CameraSweepFrame frame(
      InfoRecord info, CameraSweep sw, int index, String channel) {
    for (CameraSweepFrame f : sw.frames()) {
      if (f.channel().equals(channel)) {
        return f;
      }
    }
    throw new BadDataException(
        "info " + info.token() + ": camera sweep " + index + " has no " + channel);
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      decoder.close();
    }
  }
}
