package dev.nuload.image;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Runs the encoder contract against {@link TurboJpegEncoder}; skipped without the library. */
class TurboJpegEncoderTest extends JpegEncoderContractTest {
  @Override
  JpegEncoder create() {
    assumeTrue(
        TurboJpegEncoder.isAvailable(),
        "libturbojpeg.so.0 not installed (apt-get install libturbojpeg0): TurboJPEG tests skipped");
    return new TurboJpegEncoder();
  }
}
