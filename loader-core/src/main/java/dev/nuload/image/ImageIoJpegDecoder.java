package dev.nuload.image;

import dev.nuload.BadDataException;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;

/**
 * Pure-Java {@link JpegDecoder} on the JDK's ImageIO JPEG reader, used when {@code
 * libturbojpeg.so.0} is absent. About 3x slower than TurboJPEG and not bit-identical to
 * libjpeg-turbo (its IDCT and chroma upsampling differ by a level or two on some pixels). It has no
 * DCT scaling: {@link #decodeAtLeast} decodes at the stored size. Reader warnings (ImageIO reports
 * a truncated file as a warning and fills the rest with grey) are turned into errors.
 *
 * <p>Ownership: holds one reusable {@link BufferedImage} on the heap; {@link #close()} drops it.
 * Not thread-safe.
 */
public final class ImageIoJpegDecoder implements JpegDecoder {
  private final ImageReader reader;
  private final List<String> warnings = new ArrayList<>();
  private BufferedImage reuse;
  private boolean closed;

  /** Creates a decoder. */
  public ImageIoJpegDecoder() {
    Iterator<ImageReader> it = ImageIO.getImageReadersByFormatName("jpeg");
    if (!it.hasNext()) {
      throw new UnsupportedOperationException("this JDK has no ImageIO JPEG reader");
    }
    reader = it.next();
    reader.addIIOReadWarningListener((r, warning) -> warnings.add(warning));
  }

  @Override
  public DecodedImage decode(byte[] jpeg, int length, String source) {
    if (closed) {
      throw new IllegalStateException("decoder is closed");
    }
    if (length < 0 || length > jpeg.length) {
      throw new IllegalArgumentException("length " + length + " outside the array");
    }
    if (length < 2 || (jpeg[0] & 0xFF) != 0xFF || (jpeg[1] & 0xFF) != 0xD8) {
      throw new BadDataException(source + ": not a decodable JPEG header: missing SOI marker");
    }
    warnings.clear();
    BufferedImage img;
    try (ImageInputStream in =
        ImageIO.createImageInputStream(new ByteArrayInputStream(jpeg, 0, length))) {
      reader.setInput(in, true, true);
      int w = reader.getWidth(0);
      int h = reader.getHeight(0);
      ImageReadParam param = reader.getDefaultReadParam();
      if (reuse != null && reuse.getWidth() == w && reuse.getHeight() == h && bgrReadable()) {
        param.setDestination(reuse); // only where the reader can write B, G, R (not grey JPEGs)
      }
      img = reader.read(0, param);
    } catch (IOException | RuntimeException e) {
      throw new BadDataException(source + ": corrupt or truncated JPEG: " + e.getMessage(), e);
    } finally {
      reader.setInput(null);
    }
    if (!warnings.isEmpty()) {
      throw new BadDataException(source + ": corrupt or truncated JPEG: " + warnings.get(0));
    }
    if (img.getType() != BufferedImage.TYPE_3BYTE_BGR) {
      BufferedImage bgr =
          new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
      bgr.getGraphics().drawImage(img, 0, 0, null);
      img = bgr;
    }
    reuse = img;
    byte[] data = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
    return new DecodedImage(
        MemorySegment.ofArray(data),
        img.getWidth(),
        img.getHeight(),
        img.getWidth(),
        img.getHeight());
  }

  private boolean bgrReadable() throws IOException {
    Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
    while (types.hasNext()) {
      if (types.next().getBufferedImageType() == BufferedImage.TYPE_3BYTE_BGR) {
        return true;
      }
    }
    return false;
  }

  @Override
  public DecodedImage decodeAtLeast(
      byte[] jpeg, int length, String source, int minWidth, int minHeight) {
    return decode(jpeg, length, source);
  }

  @Override
  public String name() {
    return "imageio";
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      reuse = null;
      reader.dispose();
    }
  }
}
