package dev.nuload.image;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Pure-Java {@link JpegEncoder} on {@code javax.imageio}. The JDK writer's default for a 3-channel
 * image is a JFIF baseline JPEG with YCbCr 2x2/1x1/1x1 sampling (4:2:0); quality is set explicitly.
 * The pixel array is wrapped, not copied. About 3x slower than {@link TurboJpegEncoder}.
 *
 * <p>Ownership: the instance owns one {@link ImageWriter} and a growable heap output buffer; {@link
 * #close()} disposes the writer. Not thread-safe.
 */
public final class ImageIoJpegEncoder implements JpegEncoder {
  private final ImageWriter writer;
  private final ExposedByteArrayOutputStream out = new ExposedByteArrayOutputStream();
  private boolean closed;

  /** Creates an encoder. */
  public ImageIoJpegEncoder() {
    var writers = ImageIO.getImageWritersByFormatName("jpeg");
    if (!writers.hasNext()) {
      throw new UnsupportedOperationException("no ImageIO JPEG writer");
    }
    writer = writers.next();
  }

  @Override
  public ByteBuffer encode(byte[] pixels, int width, int height, PixelFormat format, int quality) {
    if (closed) {
      throw new IllegalStateException("encoder is closed");
    }
    JpegEncoder.checkArguments(pixels, width, height, quality);
    int[] offsets = format == PixelFormat.BGR ? new int[] {2, 1, 0} : new int[] {0, 1, 2};
    DataBufferByte db = new DataBufferByte(pixels, width * height * 3);
    WritableRaster raster =
        Raster.createInterleavedRaster(db, width, height, width * 3, 3, offsets, null);
    ComponentColorModel cm =
        new ComponentColorModel(
            ColorSpace.getInstance(ColorSpace.CS_sRGB),
            false,
            false,
            Transparency.OPAQUE,
            DataBuffer.TYPE_BYTE);
    BufferedImage image = new BufferedImage(cm, raster, false, null);
    ImageWriteParam param = writer.getDefaultWriteParam();
    param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
    param.setCompressionQuality(quality / 100f);
    param.setProgressiveMode(ImageWriteParam.MODE_DISABLED);
    out.reset();
    try (MemoryCacheImageOutputStream ios = new MemoryCacheImageOutputStream(out)) {
      writer.setOutput(ios);
      writer.write(null, new IIOImage(image, null, null), param);
    } catch (IOException e) {
      throw new UncheckedIOException("ImageIO JPEG encoding failed", e);
    } finally {
      writer.reset();
    }
    return ByteBuffer.wrap(out.buffer(), 0, out.size()).asReadOnlyBuffer();
  }

  @Override
  public String name() {
    return "imageio";
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      writer.dispose();
    }
  }

  /** A byte stream whose backing array can be wrapped without copying. */
  private static final class ExposedByteArrayOutputStream extends ByteArrayOutputStream {
    ExposedByteArrayOutputStream() {
      super(1 << 18);
    }

    byte[] buffer() {
      return buf;
    }
  }
}
