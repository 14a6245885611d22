package dev.nuload.image;

/** Runs the encoder contract against {@link ImageIoJpegEncoder}. */
class ImageIoJpegEncoderTest extends JpegEncoderContractTest {
  @Override
  JpegEncoder create() {
    return new ImageIoJpegEncoder();
  }
}
