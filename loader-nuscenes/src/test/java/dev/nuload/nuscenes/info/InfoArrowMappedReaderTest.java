package dev.nuload.nuscenes.info;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nuload.BadDataException;
import dev.nuload.arrow.ArrowFileBatchReader;
import dev.nuload.arrow.AtomicArrowFileWriter;
import dev.nuload.arrow.MappedArrowFile;
import dev.nuload.nuscenes.NuScenesVersion;
import dev.nuload.nuscenes.petr.PetrFixtures;
import dev.nuload.nuscenes.table.NuScenesTables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link InfoArrowReader#open(MappedArrowFile)} reads every row as {@link
 * InfoArrowReader#open(Path, BufferAllocator)} does: real fixtures, a synthetic split with camera
 * sweeps, random order, several threads on one mapping.
 */
class InfoArrowMappedReaderTest {
  @TempDir Path dir;

  /** Writes records in batches of {@code batchRows} (small, so reads cross batches). */
  private Path write(String name, List<InfoRecord> in, boolean annotated, int batchRows)
      throws IOException {
    Path f = dir.resolve(name);
    InfoFileMetadata md =
        new InfoFileMetadata(
            annotated ? "v1.0-trainval" : "v1.0-test",
            annotated ? "train" : "test",
            "",
            "{}",
            "nuload test");
    try (BufferAllocator a = new RootAllocator();
        InfoArrowWriter w = InfoArrowWriter.create(f, md, a, batchRows)) {
      in.forEach(w);
      w.commit();
    }
    return f;
  }

  private static List<InfoRecord> eager(Path f) throws IOException {
    try (BufferAllocator a = new RootAllocator();
        InfoArrowReader r = InfoArrowReader.open(f, a)) {
      return r.readAll();
    }
  }

  /** Asserts that the mapped reader gives the eager reader's record for every row, in order. */
  private static void assertMappedEqualsEager(Path f) throws IOException {
    List<InfoRecord> expected = eager(f);
    try (InfoArrowReader r = InfoArrowReader.open(MappedArrowFile.open(f))) {
      assertEquals(expected.size(), r.rowCount());
      for (int row = 0; row < expected.size(); row++) {
        InfoRecordAssert.assertSameRecord(expected.get(row), r.read(row), "row " + row);
      }
    }
  }

  private static List<InfoRecord> scene0523() {
    return PetrFixtures.scene0523(); // built once from the real tables
  }

  @Test
  void shouldReadEveryRowOfTheRealScene0523AsTheEagerReader() throws IOException {
    List<InfoRecord> in = scene0523();
    assertEquals(40, in.size());
    assertFalse(in.get(10).cameraSweeps().isEmpty());
    assertMappedEqualsEager(write("scene-0523.arrow", in, true, 7));
  }

  @Test
  void shouldReadTheRealScene0061KeyframeOfATestFileAsTheEagerReader() throws IOException {
    Path tables = InfoFixtures.real("keyframe-scene-0061").resolve("tables-trimmed");
    List<InfoRecord> in = new ArrayList<>();
    new InfoBuilder(NuScenesTables.load(tables, p -> {}), NuScenesVersion.TEST)
        .buildScenes(List.of("scene-0061"), in::add);
    assertEquals(1, in.size());
    assertMappedEqualsEager(write("scene-0061.arrow", in, false, 1024));
  }

  @Test
  void shouldReadEveryRowOfASyntheticSplitWithCameraSweepsAsTheEagerReader() throws IOException {
    Path root = InfoFixtures.synth(dir.resolve("synth"), NuScenesVersion.MINI, 3);
    InfoBuilder b =
        new InfoBuilder(NuScenesTables.load(root.resolve("v1.0-mini")), NuScenesVersion.MINI);
    List<InfoRecord> in = new ArrayList<>();
    b.build(b.splits().get(0), in::add);
    assertTrue(in.size() > 20, "rows: " + in.size());
    assertTrue(in.stream().filter(r -> r.cameraSweeps().size() == 30).count() > 10);
    assertMappedEqualsEager(write("synth.arrow", in, true, 16));
  }

  @Test
  void shouldGiveTheSameRecordsInRandomOrder() throws IOException {
    Path f = write("scene-0523.arrow", scene0523(), true, 7);
    List<InfoRecord> expected = eager(f);
    List<Integer> order = shuffled(expected.size(), 2, 1);
    try (InfoArrowReader r = InfoArrowReader.open(MappedArrowFile.open(f))) {
      for (int row : order) {
        InfoRecordAssert.assertSameRecord(expected.get(row), r.read(row), "row " + row);
      }
    }
  }

  @Test
  void shouldGiveTheSameRecordsToReadersOnSeveralThreads() throws Exception {
    Path f = write("scene-0523.arrow", scene0523(), true, 7);
    List<InfoRecord> expected = eager(f);
    MappedArrowFile mapped = MappedArrowFile.open(f);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Integer>> runs = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        List<Integer> order = shuffled(expected.size(), 2, t);
        runs.add(
            pool.submit(
                () -> {
                  try (InfoArrowReader r = InfoArrowReader.open(mapped)) {
                    for (int row : order) {
                      InfoRecordAssert.assertSameRecord(
                          expected.get(row), r.read(row), "row " + row);
                    }
                  }
                  return order.size();
                }));
      }
      for (Future<Integer> run : runs) {
        assertEquals(2 * expected.size(), run.get());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void shouldGiveTokenLengthsAndBoxCountsWithoutReadingTheRecord() throws IOException {
    Path f = write("scene-0523.arrow", scene0523(), true, 7);
    List<InfoRecord> expected = eager(f);
    try (InfoArrowReader r = InfoArrowReader.open(MappedArrowFile.open(f))) {
      for (int row = expected.size() - 1; row >= 0; row--) {
        assertEquals(expected.get(row).token().length(), r.tokenBytes(row));
        assertEquals(expected.get(row).annotations().size(), r.annotationCount(row));
      }
    }
  }

  @Test
  void shouldNameTheFileWhenAMappedFileIsTruncated() throws IOException {
    Path f = write("scene-0523.arrow", scene0523(), true, 7);
    byte[] all = Files.readAllBytes(f);
    Path cut = dir.resolve("cut.arrow");
    Files.write(cut, Arrays.copyOf(all, all.length - 100));
    BadDataException e = assertThrows(BadDataException.class, () -> MappedArrowFile.open(cut));
    assertTrue(e.getMessage().contains("cut.arrow"), e.getMessage());
  }

  @Test
  void shouldNameTheFileAndFieldWhenAMappedFileIsNotAnInfoFile() throws IOException {
    Path f = write("scene-0523.arrow", scene0523(), true, 7);
    // an Arrow file with another schema: a copy of the info file without its token column
    Path other = dir.resolve("other.arrow");
    try (BufferAllocator a = new RootAllocator();
        ArrowFileBatchReader in = ArrowFileBatchReader.open(f, a);
        VectorSchemaRoot root =
            VectorSchemaRoot.create(
                new Schema(
                    in.schema().getFields().subList(1, in.schema().getFields().size()),
                    in.schema().getCustomMetadata()),
                a);
        AtomicArrowFileWriter w = AtomicArrowFileWriter.create(other, root)) {
      w.commit();
    }
    MappedArrowFile mapped = MappedArrowFile.open(other);
    BadDataException e = assertThrows(BadDataException.class, () -> InfoArrowReader.open(mapped));
    assertTrue(e.getMessage().contains("other.arrow"), e.getMessage());
    assertTrue(e.getMessage().contains("'token' is missing"), e.getMessage());
  }

  private static List<Integer> shuffled(int n, int repeats, long seed) {
    List<Integer> order = new ArrayList<>();
    for (int k = 0; k < repeats; k++) {
      for (int i = 0; i < n; i++) {
        order.add(i);
      }
    }
    Collections.shuffle(order, new Random(seed));
    return order;
  }
}
