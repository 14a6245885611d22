package dev.nuload.nuscenes.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nuload.image.JpegHeader;
import dev.nuload.nuscenes.geom.RigidTransform;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SensorFileWriterTest {
  @TempDir Path dir;
  private final SensorFileWriter writer = new SensorFileWriter();

  @AfterEach
  void close() {
    writer.close();
  }

  @Test
  void shouldWriteA1600x900Baseline420CameraJpeg() throws IOException {
    Path f = dir.resolve("cam.jpg");
    long n = writer.writeCamera(f, SynthFixtures.camera(SynthFixtures.street(), 0, 1));
    byte[] jpeg = Files.readAllBytes(f);
    assertEquals(jpeg.length, n);
    JpegHeader h = JpegHeader.read(jpeg, jpeg.length);
    assertEquals(1600, h.width());
    assertEquals(900, h.height());
    assertTrue(h.baseline());
    assertEquals(JpegHeader.Subsampling.S420, h.subsampling());
  }

  @Test
  void shouldWriteCameraJpegsOfRealisticSize() throws IOException {
    for (int i = 0; i < 3; i++) {
      long n =
          writer.writeCamera(
              dir.resolve("c" + i + ".jpg"),
              SynthFixtures.camera(SynthFixtures.street(), i * 3.0, i));
      System.out.printf("camera JPEG (%s): %.1f KB%n", writer.jpegEncoderName(), n / 1024.0);
      assertTrue(n >= 100_000 && n <= 200_000, "JPEG size " + n);
    }
  }

  @Test
  void shouldWriteBaseline420JpegsOfRealisticSizeWithTheImageIoFallback() throws IOException {
    String key = dev.nuload.image.JpegCodecs.TURBOJPEG_PROP_NAME;
    String old = System.getProperty(key);
    System.setProperty(key, "false");
    try (SensorFileWriter fallback = new SensorFileWriter()) {
      Path f = dir.resolve("io.jpg");
      long n = fallback.writeCamera(f, SynthFixtures.camera(SynthFixtures.street(), 0, 1));
      assertEquals("imageio", fallback.jpegEncoderName());
      byte[] jpeg = Files.readAllBytes(f);
      JpegHeader h = JpegHeader.read(jpeg, jpeg.length);
      assertTrue(h.baseline());
      assertEquals(JpegHeader.Subsampling.S420, h.subsampling());
      assertTrue(n >= 100_000 && n <= 200_000, "JPEG size " + n);
    } finally {
      if (old == null) {
        System.clearProperty(key);
      } else {
        System.setProperty(key, old);
      }
    }
  }

  @Test
  void shouldDrawABoxAtItsProjectedPixel() {
    // a car 12 m in front of the camera, slightly right
    SensorFrames.Box car = SynthFixtures.car(414, 1098.5, 0.3);
    var with = SynthFixtures.camera(List.of(car), 0, 5);
    var without = SynthFixtures.camera(List.of(), 0, 5);
    double[] p = with.cameraToGlobal().inverse().apply(car.center());
    double[] k = with.intrinsic();
    int u = (int) Math.round((k[0] * p[0] + k[1] * p[1] + k[2] * p[2]) / p[2]);
    int v = (int) Math.round((k[3] * p[0] + k[4] * p[1] + k[5] * p[2]) / p[2]);
    assertTrue(u > 0 && u < 1600 && v > 0 && v < 900, "projected " + u + "," + v);
    byte[] a = writer.renderCamera(with).clone();
    byte[] b = writer.renderCamera(without);
    int i = (v * 1600 + u) * 3;
    int diff = 0;
    for (int c = 0; c < 3; c++) {
      diff += Math.abs((a[i + c] & 255) - (b[i + c] & 255));
    }
    assertTrue(diff > 30, "pixel at the projected centre barely changed: " + diff);
    // and far outside the box's projection nothing changed
    int j = (850 * 1600 + 20) * 3;
    assertEquals(a[j], b[j]);
  }

  @Test
  void shouldWriteIdenticalBytesForIdenticalSeeds() throws IOException {
    Path f1 = dir.resolve("a.jpg");
    Path f2 = dir.resolve("b.jpg");
    writer.writeCamera(f1, SynthFixtures.camera(SynthFixtures.street(), 2, 9));
    try (SensorFileWriter other = new SensorFileWriter()) {
      other.writeCamera(f2, SynthFixtures.camera(SynthFixtures.street(), 2, 9));
    }
    assertArrayEquals(Files.readAllBytes(f1), Files.readAllBytes(f2));
  }

  @Test
  void shouldChangeNoiseWithTheFrameSeed() {
    byte[] a = writer.renderCamera(SynthFixtures.camera(List.of(), 0, 1)).clone();
    byte[] b = writer.renderCamera(SynthFixtures.camera(List.of(), 0, 2));
    assertNotEquals(ByteBuffer.wrap(a), ByteBuffer.wrap(b));
  }

  @Test
  void shouldWriteExactlyTheRequestedLidarPoints() throws IOException {
    Path f = dir.resolve("l.pcd.bin");
    long n = writer.writeLidar(f, SynthFixtures.lidar(SynthFixtures.street(), 34_688));
    assertEquals(34_688L * 20, n);
    assertEquals(34_688L * 20, Files.size(f));
  }

  @Test
  void shouldPutGroundPointsAtMinusLidarHeight() throws IOException {
    Path f = dir.resolve("l.pcd.bin");
    writer.writeLidar(f, SynthFixtures.lidar(List.of(), 20_000));
    ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
    double height = SynthFixtures.LIDAR_TO_EGO.t()[2];
    int near = 0;
    for (int i = 0; i < 20_000; i++) {
      float x = buf.getFloat(i * 20);
      float y = buf.getFloat(i * 20 + 4);
      float z = buf.getFloat(i * 20 + 8);
      float ring = buf.getFloat(i * 20 + 16);
      assertTrue(ring >= 0 && ring <= 31 && ring == Math.rint(ring), "ring " + ring);
      if (Math.hypot(x, y) < 6) { // the real calibration tilts ~1.4 degrees
        near++;
        assertEquals(-height, z, 0.2, "ground point z");
      }
    }
    assertTrue(near > 500, "near ground points " + near);
  }

  @Test
  void shouldReturnLidarPointsFromABox() throws IOException {
    SensorFrames.Box car = SynthFixtures.car(410, 1100, 0);
    Path f = dir.resolve("l.pcd.bin");
    writer.writeLidar(f, SynthFixtures.lidar(List.of(car), 30_000));
    ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
    RigidTransform l2g = SynthFixtures.LIDAR_TO_EGO.then(SynthFixtures.egoToGlobal(0));
    int onCar = 0;
    for (int i = 0; i < 30_000; i++) {
      double[] g =
          l2g.apply(
              new double[] {
                buf.getFloat(i * 20), buf.getFloat(i * 20 + 4), buf.getFloat(i * 20 + 8)
              });
      if (Math.abs(g[0] - 410) < 2.4 && Math.abs(g[1] - 1100) < 1.1 && g[2] > 0.2) {
        onCar++;
      }
    }
    assertTrue(onCar > 100, "points on the car " + onCar);
  }

  @Test
  void shouldWriteARadarPcdWithTheRealHeaderLayout() throws IOException {
    Path f = dir.resolve("r.pcd");
    long n = writer.writeRadar(f, SynthFixtures.radar(SynthFixtures.street()));
    byte[] data = Files.readAllBytes(f);
    assertEquals(data.length, n);
    String text = new String(data, 0, Math.min(data.length, 600), StandardCharsets.US_ASCII);
    String[] lines = text.split("\n", 12);
    assertEquals("# .PCD v0.7 - Point Cloud Data file format", lines[0]);
    assertEquals("VERSION 0.7", lines[1]);
    assertEquals("SIZE 4 4 4 1 2 4 4 4 4 4 1 1 1 1 1 1 1 1", lines[3]);
    assertEquals("TYPE F F F I I F F F F F I I I I I I I I", lines[4]);
    int points = Integer.parseInt(lines[9].substring("POINTS ".length()));
    assertEquals("WIDTH " + points, lines[6]);
    assertEquals("DATA binary", lines[10]);
    assertTrue(points > 0 && points <= 125, "points " + points);
    assertEquals(4096 + 43 * points, data.length);
  }

  @Test
  void shouldReturnRadarPointsFromABoxAhead() throws IOException {
    SensorFrames.Box bus =
        new SensorFrames.Box(
            "vehicle.bus.rigid",
            new double[] {430, 1100, 1.6},
            new double[] {2.9, 11, 3.2},
            new double[] {1, 0, 0, 0});
    Path f = dir.resolve("r.pcd");
    writer.writeRadar(f, SynthFixtures.radar(List.of(bus)));
    byte[] data = Files.readAllBytes(f);
    int start = indexOf(data, "DATA binary\n".getBytes(StandardCharsets.US_ASCII)) + 12;
    ByteBuffer buf = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    int hits = 0;
    for (int p = start; p + 43 <= data.length - (4096 - start); p += 43) {
      float x = buf.getFloat(p);
      float y = buf.getFloat(p + 4);
      // bus rear at global x 424.5 = radar x ~ 21 m
      if (x > 18 && x < 27 && Math.abs(y) < 2.5) {
        hits++;
      }
    }
    assertTrue(hits >= 2, "returns from the bus " + hits);
  }

  @Test
  void shouldWriteAGreyMapPng() throws IOException {
    Path f = dir.resolve("m.png");
    double[][] road = {{100, 100}, {300, 100}, {300, 250}};
    long n =
        writer.writeMap(
            f, new SensorFrames.MapFrame("boston-seaport", List.<double[][]>of(road), 0.1, 3));
    assertEquals(Files.size(f), n);
    BufferedImage img = ImageIO.read(f.toFile());
    assertEquals(BufferedImage.TYPE_BYTE_GRAY, img.getType());
    assertEquals(3500, img.getWidth()); // (300 + 50 margin) / 0.1
    assertEquals(3000, img.getHeight());
    // global (200, 100) lies on the road: col 2000, row from the bottom 1000
    assertEquals(255, img.getRaster().getSample(2000, 3000 - 1 - 1000, 0));
    assertEquals(0, img.getRaster().getSample(2000, 3000 - 1 - 1200, 0));
  }

  @Test
  void shouldCoarsenLargeMaps() {
    double[][] road = {{100, 100}, {2000, 100}};
    var frame = new SensorFrames.MapFrame("x", List.<double[][]>of(road), 0.1, 3);
    assertEquals(2050 / 4000.0, MapRenderer.effectiveMetersPerPixel(frame), 1e-12);
  }

  private static int indexOf(byte[] data, byte[] pattern) {
    outer:
    for (int i = 0; i + pattern.length <= data.length; i++) {
      for (int j = 0; j < pattern.length; j++) {
        if (data[i + j] != pattern[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
