package dev.nuload.arrow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nuload.BadDataException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MappedArrowFileTest {
  private static final Schema SCHEMA =
      new Schema(
          List.of(
              Field.notNullable("id", new ArrowType.Int(64, true)),
              Field.notNullable("name", ArrowType.Utf8.INSTANCE)),
          Map.of("test.key", "v1"));

  @TempDir Path dir;

  /** Writes batches of 1, 4, 0 and 7 rows: row {@code i} has id {@code i} and name "n{i}". */
  private Path write() throws IOException {
    Path f = dir.resolve("t.arrow");
    try (BufferAllocator a = new RootAllocator();
        VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, a);
        AtomicArrowFileWriter w = AtomicArrowFileWriter.create(f, root)) {
      long id = 0;
      for (int rows : new int[] {1, 4, 0, 7}) {
        root.allocateNew();
        for (int i = 0; i < rows; i++, id++) {
          ((BigIntVector) root.getVector("id")).setSafe(i, id);
          ((VarCharVector) root.getVector("name"))
              .setSafe(i, ("n" + id).getBytes(StandardCharsets.UTF_8));
        }
        root.setRowCount(rows);
        w.writeBatch();
      }
      return w.commit();
    }
  }

  /** Every row of the cursor's file as "id:name", batch by batch, in {@code order}. */
  private static List<String> rows(ArrowBatches b, int[] order) throws IOException {
    List<String> out = new ArrayList<>();
    for (int batch : order) {
      b.loadBatch(batch);
      BigIntVector id = (BigIntVector) b.root().getVector("id");
      VarCharVector name = (VarCharVector) b.root().getVector("name");
      for (int i = 0; i < b.root().getRowCount(); i++) {
        out.add(id.get(i) + ":" + new String(name.get(i), StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  @Test
  void shouldLoadTheSameBatchesAsTheCopyingReader() throws IOException {
    Path f = write();
    MappedArrowFile mapped = MappedArrowFile.open(f);
    int[] order = {3, 0, 1, 2, 3, 1};
    List<String> expected;
    try (BufferAllocator a = new RootAllocator();
        ArrowFileBatchReader copying = ArrowFileBatchReader.open(f, a)) {
      expected = rows(copying, order);
      assertArrayEquals(copying.batchRowCounts(), mapped.batchRowCounts());
    }
    try (MappedBatchCursor c = mapped.cursor()) {
      assertEquals(expected, rows(c, order));
    }
    assertEquals(SCHEMA.getFields(), mapped.schema().getFields());
    assertEquals("v1", mapped.schema().getCustomMetadata().get("test.key"));
    assertArrayEquals(new long[] {1, 4, 0, 7}, mapped.batchRowCounts());
  }

  @Test
  void shouldGiveConcurrentCursorsOnOneMappingTheSameRows() throws Exception {
    Path f = write();
    MappedArrowFile mapped = MappedArrowFile.open(f);
    List<String> expected;
    try (MappedBatchCursor c = mapped.cursor()) {
      expected = rows(c, new int[] {0, 1, 2, 3});
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<List<String>>> runs = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        runs.add(
            pool.submit(
                () -> {
                  List<String> all = new ArrayList<>();
                  try (MappedBatchCursor c = mapped.cursor()) {
                    for (int round = 0; round < 200; round++) {
                      all = rows(c, new int[] {0, 1, 2, 3});
                    }
                  }
                  return all;
                }));
      }
      for (Future<List<String>> r : runs) {
        assertEquals(expected, r.get());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void shouldNameTheFileAndBatchCountForABatchThatDoesNotExist() throws IOException {
    MappedArrowFile mapped = MappedArrowFile.open(write());
    try (MappedBatchCursor c = mapped.cursor()) {
      IndexOutOfBoundsException e =
          assertThrows(IndexOutOfBoundsException.class, () -> c.loadBatch(4));
      assertTrue(e.getMessage().contains("t.arrow"), e.getMessage());
      assertTrue(e.getMessage().contains("4 batches"), e.getMessage());
    }
  }

  @Test
  void shouldNameTheFileWhenItIsNotArrow() throws IOException {
    Path bad = dir.resolve("bad.arrow");
    Files.writeString(bad, "this is not an arrow file at all, just text");
    BadDataException e = assertThrows(BadDataException.class, () -> MappedArrowFile.open(bad));
    assertTrue(e.getMessage().contains("bad.arrow"), e.getMessage());
  }

  @Test
  void shouldNameTheFileWhenItIsTruncated() throws IOException {
    Path f = write();
    byte[] all = Files.readAllBytes(f);
    Path cut = dir.resolve("cut.arrow");
    Files.write(cut, java.util.Arrays.copyOf(all, all.length / 2));
    BadDataException e = assertThrows(BadDataException.class, () -> MappedArrowFile.open(cut));
    assertTrue(e.getMessage().contains("cut.arrow"), e.getMessage());
  }
}
