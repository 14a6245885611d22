package dev.nuload.arrow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nuload.BadDataException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicArrowFileWriterTest {
  private static final Schema SCHEMA =
      new Schema(
          List.of(
              Field.notNullable("id", new ArrowType.Int(64, true)),
              Field.notNullable("name", ArrowType.Utf8.INSTANCE)),
          Map.of("test.key", "v1"));

  @TempDir Path dir;
  private BufferAllocator allocator;

  @BeforeEach
  void setUp() {
    allocator = new RootAllocator();
  }

  @AfterEach
  void tearDown() {
    allocator.close(); // fails the test on a leak
  }

  private Path write(Path target, int batches, int rowsPerBatch, String tag) throws IOException {
    try (VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, allocator);
        AtomicArrowFileWriter w = AtomicArrowFileWriter.create(target, root)) {
      for (int b = 0; b < batches; b++) {
        fill(root, b, rowsPerBatch, tag);
        w.writeBatch();
      }
      assertEquals((long) batches * rowsPerBatch, w.rowsWritten());
      return w.commit();
    }
  }

  private static void fill(VectorSchemaRoot root, int batch, int rows, String tag) {
    root.allocateNew();
    BigIntVector id = (BigIntVector) root.getVector("id");
    VarCharVector name = (VarCharVector) root.getVector("name");
    for (int i = 0; i < rows; i++) {
      id.setSafe(i, (long) batch * rows + i);
      name.setSafe(i, (tag + i).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    root.setRowCount(rows);
  }

  private long tempFiles() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".tmp")).count();
    }
  }

  @Test
  void shouldRoundTripBatchesMetadataAndRowCount() throws IOException {
    Path f = write(dir.resolve("t.arrow"), 3, 5, "a");
    try (ArrowFileBatchReader r = ArrowFileBatchReader.open(f, allocator)) {
      assertEquals(3, r.batchCount());
      assertEquals(15, r.rowCount());
      assertEquals("v1", r.schemaMetadata().get("test.key"));
      long expect = 0;
      while (r.loadNextBatch()) {
        BigIntVector id = (BigIntVector) r.root().getVector("id");
        for (int i = 0; i < r.root().getRowCount(); i++) {
          assertEquals(expect++, id.get(i));
        }
      }
      assertEquals(15, expect);
      r.loadBatch(1);
      assertEquals(5, ((BigIntVector) r.root().getVector("id")).get(0));
    }
    assertEquals(0, tempFiles());
  }

  @Test
  void shouldLeaveEarlierFileAndNoTempFileWhenWriteFailsMidway() throws IOException {
    Path target = dir.resolve("t.arrow");
    write(target, 1, 3, "old");
    byte[] before = Files.readAllBytes(target);
    RuntimeException boom = new RuntimeException("builder failed");
    RuntimeException thrown =
        assertThrows(
            RuntimeException.class,
            () -> {
              try (VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, allocator);
                  AtomicArrowFileWriter w = AtomicArrowFileWriter.create(target, root)) {
                fill(root, 0, 100, "new");
                w.writeBatch();
                assertTrue(Files.size(w.tempFile()) > 0);
                throw boom;
              }
            });
    assertEquals(boom, thrown);
    assertArrayEquals(before, Files.readAllBytes(target));
    assertEquals(0, tempFiles());
  }

  @Test
  void shouldNotCreateTargetWhenNeverCommitted() throws IOException {
    Path target = dir.resolve("never.arrow");
    try (VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, allocator);
        AtomicArrowFileWriter w = AtomicArrowFileWriter.create(target, root)) {
      fill(root, 0, 2, "x");
      w.writeBatch();
    }
    assertFalse(Files.exists(target));
    assertEquals(0, tempFiles());
  }

  @Test
  void shouldReplaceEarlierFileOnCommit() throws IOException {
    Path target = dir.resolve("t.arrow");
    write(target, 1, 3, "old");
    write(target, 2, 4, "new");
    try (ArrowFileBatchReader r = ArrowFileBatchReader.open(target, allocator)) {
      assertEquals(8, r.rowCount());
    }
  }

  @Test
  void shouldRejectWritesAfterCommit() throws IOException {
    try (VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, allocator);
        AtomicArrowFileWriter w = AtomicArrowFileWriter.create(dir.resolve("c.arrow"), root)) {
      w.commit();
      assertThrows(IllegalStateException.class, w::writeBatch);
    }
  }

  @Test
  void shouldNameTheFileWhenItIsNotArrow() throws IOException {
    Path bad = dir.resolve("bad.arrow");
    Files.writeString(bad, "this is not an arrow file at all, just text");
    BadDataException e =
        assertThrows(BadDataException.class, () -> ArrowFileBatchReader.open(bad, allocator));
    assertTrue(e.getMessage().contains("bad.arrow"), e.getMessage());
  }

  @Test
  void shouldFormatAndParseShapes() {
    Field f =
        ArrowMetadata.withMetadata(
            Field.notNullable("m", new ArrowType.FixedSizeList(9)),
            Map.of(ArrowMetadata.SHAPE, ArrowMetadata.shapeString(3, 3)));
    assertEquals("[3,3]", f.getMetadata().get("shape"));
    assertArrayEquals(new int[] {3, 3}, ArrowMetadata.shape(f));
  }
}
