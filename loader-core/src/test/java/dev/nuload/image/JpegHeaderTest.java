package dev.nuload.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nuload.BadDataException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class JpegHeaderTest {
  private static final Path REAL =
      Path.of(System.getProperty("nuload.testdata.dir", "../testdata"))
          .resolve(
              "nuscenes-real/keyframe-scene-0061/"
                  + "n015-2018-07-24-11-22-45+0800__CAM_FRONT__1532402927612460.jpg");

  @Test
  void shouldReadARealNuScenesCameraHeader() throws IOException {
    byte[] jpeg = Files.readAllBytes(REAL);
    JpegHeader h = JpegHeader.read(jpeg, jpeg.length);
    assertEquals(1600, h.width());
    assertEquals(900, h.height());
    assertTrue(h.baseline());
    assertEquals(JpegHeader.Subsampling.S420, h.subsampling());
  }

  @Test
  void shouldRejectBytesWithoutSoi() {
    byte[] junk = {1, 2, 3, 4, 5, 6};
    assertThrows(BadDataException.class, () -> JpegHeader.read(junk, junk.length));
  }

  @Test
  void shouldRejectATruncatedJpeg() {
    byte[] cut = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0x00, 0x10, 0x4A};
    assertThrows(BadDataException.class, () -> JpegHeader.read(cut, cut.length));
  }
}
