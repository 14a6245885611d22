package dev.nuload.nuscenes.info;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nuload.BadDataException;
import dev.nuload.nuscenes.info.InfoRecord.SensorEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InfoArrowRoundTripTest {
  @TempDir Path dir;
  private BufferAllocator allocator;

  @BeforeEach
  void setUp() {
    allocator = new RootAllocator();
  }

  @AfterEach
  void tearDown() {
    allocator.close(); // a leaked buffer fails the test
  }

  @Test
  void shouldRoundTripAnnotatedRecordsAcrossSeveralBatches() throws IOException {
    List<InfoRecord> in = InfoArrowExamples.records(7, true, 1);
    Path f = dir.resolve("a.arrow");
    try (InfoArrowWriter w =
        InfoArrowWriter.create(f, InfoArrowExamples.metadata(true), allocator, 3)) {
      in.forEach(w);
      assertEquals(7, w.rowsWritten());
      w.commit();
    }
    try (InfoArrowReader r = InfoArrowReader.open(f, allocator)) {
      assertEquals(7, r.rowCount());
      assertTrue(r.annotated());
      assertEquals(InfoArrowExamples.metadata(true), r.metadata());
      List<InfoRecord> out = r.readAll();
      for (int i = 0; i < in.size(); i++) {
        assertDeepEquals(in.get(i), out.get(i), "record " + i);
      }
      assertDeepEquals(in.get(5), r.read(5), "random access");
      assertDeepEquals(in.get(0), r.read(0), "random access backwards");
    }
  }

  @Test
  void shouldWriteTestVersionWithoutAnnotationColumns() throws IOException {
    List<InfoRecord> in = InfoArrowExamples.records(3, false, 2);
    Path f = dir.resolve("t.arrow");
    assertEquals(
        3, InfoArrowWriter.write(f, InfoArrowExamples.metadata(false), in.iterator(), allocator));
    try (InfoArrowReader r = InfoArrowReader.open(f, allocator)) {
      assertFalse(r.annotated());
      assertTrue(
          r.schema().getFields().stream()
              .noneMatch(x -> InfoSchema.ANNOTATION_FIELDS.contains(x.getName())));
      for (int i = 0; i < 3; i++) {
        InfoRecord got = r.read(i);
        assertNull(got.annotations());
        assertDeepEquals(in.get(i), got, "record " + i);
      }
    }
  }

  @Test
  void shouldWriteAnEmptyFileWithSchema() throws IOException {
    Path f = dir.resolve("empty.arrow");
    InfoArrowWriter.write(
        f, InfoArrowExamples.metadata(true), List.<InfoRecord>of().iterator(), allocator);
    try (InfoArrowReader r = InfoArrowReader.open(f, allocator)) {
      assertEquals(0, r.rowCount());
      assertTrue(r.readAll().isEmpty());
    }
  }

  @Test
  void shouldNameTokenAndFieldWhenCamerasAreOutOfOrder() throws IOException {
    InfoRecord good = InfoArrowExamples.records(1, true, 3).get(0);
    List<SensorEntry> swapped = new ArrayList<>(good.cams());
    swapped.set(1, good.cams().get(2));
    swapped.set(2, good.cams().get(1));
    InfoRecord bad = withCams(good, swapped);
    Path f = dir.resolve("bad.arrow");
    BadDataException e;
    try (InfoArrowWriter w =
        InfoArrowWriter.create(f, InfoArrowExamples.metadata(true), allocator)) {
      e = assertThrows(BadDataException.class, () -> w.write(bad));
    }
    assertTrue(e.getMessage().contains(good.token()), e.getMessage());
    assertTrue(e.getMessage().contains("cams[1].type"), e.getMessage());
    assertFalse(Files.exists(f));
    assertNoTempFiles();
  }

  @Test
  void shouldRejectMissingAnnotationsInAnAnnotatedFile() throws IOException {
    InfoRecord r = InfoArrowExamples.records(1, false, 4).get(0);
    try (InfoArrowWriter w =
        InfoArrowWriter.create(
            dir.resolve("x.arrow"), InfoArrowExamples.metadata(true), allocator)) {
      BadDataException e = assertThrows(BadDataException.class, () -> w.write(r));
      assertTrue(e.getMessage().contains("annotations"), e.getMessage());
    }
  }

  @Test
  void shouldRejectAWrongVectorLengthNamingTheField() throws IOException {
    InfoRecord g = InfoArrowExamples.records(1, true, 5).get(0);
    InfoRecord bad =
        new InfoRecord(
            g.token(),
            g.sceneToken(),
            g.lidarToken(),
            g.lidarPath(),
            g.timestamp(),
            new double[] {1, 2},
            g.lidar2egoRotation(),
            g.ego2globalTranslation(),
            g.ego2globalRotation(),
            g.cams(),
            g.lidarSweeps(),
            g.cameraSweeps(),
            g.annotations());
    try (InfoArrowWriter w =
        InfoArrowWriter.create(
            dir.resolve("x.arrow"), InfoArrowExamples.metadata(true), allocator)) {
      BadDataException e = assertThrows(BadDataException.class, () -> w.write(bad));
      assertTrue(
          e.getMessage().contains("lidar2ego_translation has 2 values, expected 3"),
          e.getMessage());
    }
  }

  @Test
  void shouldRejectAFileWithAnotherFormatVersion() throws IOException {
    Path f = dir.resolve("a.arrow");
    InfoArrowExamples.writeExamples(dir, allocator);
    // rewrite the metadata through the generic writer with a bumped version
    var md = new java.util.LinkedHashMap<>(InfoArrowExamples.metadata(true).toMap());
    md.put(InfoSchema.KEY_FORMAT_VERSION, "2");
    var schema = dev.nuload.arrow.ArrowMetadata.withSchemaMetadata(InfoSchema.schema(true), md);
    try (var root = org.apache.arrow.vector.VectorSchemaRoot.create(schema, allocator);
        var w = dev.nuload.arrow.AtomicArrowFileWriter.create(f, root)) {
      w.commit();
    }
    BadDataException e =
        assertThrows(BadDataException.class, () -> InfoArrowReader.open(f, allocator));
    assertTrue(e.getMessage().contains("app=1 file=2"), e.getMessage());
    assertTrue(e.getMessage().contains("a.arrow"), e.getMessage());
  }

  @Test
  void shouldDeriveThePetrMatricesOfSpec253() {
    double[] k = {1266.4, 0, 816.3, 0, 1266.4, 491.5, 0, 0, 1};
    double[] r = {0, 0, 1, -1, 0, 0, 0, -1, 0}; // camera z forward = lidar x
    double[] t = {1.5, 0.0, -0.3};
    double[] e = PetrMatrices.extrinsics(r, t);
    double[] l2c = PetrMatrices.lidarToCamera(r, t);
    for (int i = 0; i < 4; i++) {
      for (int j = 0; j < 4; j++) {
        assertEquals(l2c[i * 4 + j], e[j * 4 + i], 0.0, "E is T_l2c transposed");
      }
    }
    // a lidar point 10 m ahead projects to the principal point at depth 8.5
    double[] m = PetrMatrices.lidar2img(k, r, t);
    double[] p = {11.5, 0, -0.3, 1};
    double[] q = new double[4];
    for (int i = 0; i < 4; i++) {
      for (int j = 0; j < 4; j++) {
        q[i] += m[i * 4 + j] * p[j];
      }
    }
    assertEquals(10.0, q[2], 1e-12);
    assertEquals(816.3, q[0] / q[2], 1e-9);
    assertEquals(491.5, q[1] / q[2], 1e-9);
    assertArrayEquals(
        new double[] {1266.4, 0, 816.3, 0, 0, 1266.4, 491.5, 0, 0, 0, 1, 0, 0, 0, 0, 1},
        PetrMatrices.intrinsics(k));
  }

  private void assertNoTempFiles() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(List.of(), s.filter(p -> p.toString().endsWith(".tmp")).toList());
    }
  }

  private static InfoRecord withCams(InfoRecord g, List<SensorEntry> cams) {
    return new InfoRecord(
        g.token(),
        g.sceneToken(),
        g.lidarToken(),
        g.lidarPath(),
        g.timestamp(),
        g.lidar2egoTranslation(),
        g.lidar2egoRotation(),
        g.ego2globalTranslation(),
        g.ego2globalRotation(),
        cams,
        g.lidarSweeps(),
        g.cameraSweeps(),
        g.annotations());
  }

  /**
   * Compares records, lists and arrays recursively; NaN equals NaN; the derived PETR matrices
   * within the builder's rounding.
   */
  static void assertDeepEquals(Object expected, Object actual, String path) {
    InfoRecordAssert.assertDeepEquals(expected, actual, path, 1e-9 * 2000);
  }
}
