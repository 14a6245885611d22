package dev.nuload.nuscenes.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.nuload.image.TensorDType;
import dev.nuload.nuscenes.info.InfoRecord;
import dev.nuload.nuscenes.petr.PetrConfig;
import dev.nuload.nuscenes.petr.PetrFixtures;
import dev.nuload.nuscenes.petr.PetrSampleProcessor;
import dev.nuload.nuscenes.petr.SampleResult;
import dev.nuload.pipeline.EngineOptions;
import dev.nuload.pipeline.InProcessLoader;
import dev.nuload.shm.DType;
import dev.nuload.shm.RingBatch;
import dev.nuload.shm.TensorSpec;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The PETR source on the real engine with real scene-0523 records and JPEGs (rows 0 and 1 are the
 * keyframes whose images the fixture has).
 */
class PetrSampleSourceTest {
  private static Path dataroot;
  private static List<InfoRecord> records;

  @BeforeAll
  static void load() {
    dataroot = PetrFixtures.dataroot();
    records = PetrFixtures.scene0523().subList(0, 2);
  }

  private static PetrConfig config() {
    return PetrConfig.petrv1_800x320().withDtype(TensorDType.UINT8);
  }

  @Test
  void shouldDeclareTheTensorsTheTrainerClientsRead() {
    PetrSampleSource s = new PetrSampleSource(records, config(), dataroot, 0, false);
    List<TensorSpec> t = s.tensors();
    assertEquals(
        List.of("img", "lidar2img", "intrinsics", "timestamps", "img_shape", "extrinsics"),
        t.stream().map(TensorSpec::name).toList());
    assertEquals(DType.UINT8, t.get(PetrSampleSource.IMG).dtype());
    assertArrayEquals(new long[] {6, 3, 320, 800}, t.get(PetrSampleSource.IMG).shape());
    assertArrayEquals(new long[] {6, 4, 4}, t.get(PetrSampleSource.LIDAR2IMG).shape());
    assertArrayEquals(new long[] {6, 4, 4}, t.get(PetrSampleSource.EXTRINSICS).shape());
    assertEquals(
        List.of("sample_tokens", "gt_boxes", "gt_labels"),
        s.metadata().stream().map(m -> m.name()).toList());
  }

  @Test
  void shouldFillEverySlotWithWhatTheProcessorComputesForThatSample() throws Exception {
    PetrSampleSource s = new PetrSampleSource(records, config(), dataroot, 3, true);
    EngineOptions o = EngineOptions.builder().batchSize(2).workers(2).slots(2).seed(3).build();
    try (InProcessLoader loader = InProcessLoader.start(s, o);
        PetrSampleProcessor p = new PetrSampleProcessor(config(), dataroot);
        Arena arena = Arena.ofConfined()) {
      RingBatch b = loader.next();
      long bytes = config().imageBytes();
      MemorySegment mine = arena.allocate(bytes);
      for (int row = 0; row < b.size(); row++) {
        int i = b.sampleIndex(row);
        SampleResult r = s.process(p, i, b.epoch(), mine);
        assertEquals(
            -1L,
            b.tensor("img").asSlice(row * bytes, bytes).mismatch(mine),
            "image bytes of sample " + i);
        double[] l2i =
            b.tensor("lidar2img")
                .asSlice(row * 6L * 16 * 8, 6L * 16 * 8)
                .toArray(ValueLayout.JAVA_DOUBLE);
        for (int v = 0; v < 6; v++) {
          for (int k = 0; k < 16; k++) {
            assertEquals(r.lidar2img()[v][k], l2i[v * 16 + k]);
          }
        }
        assertEquals(records.get(i).token(), b.strings("sample_tokens").get(row));
        float[] boxes = b.ragged("gt_boxes").get(row).toArray(ValueLayout.JAVA_FLOAT);
        assertEquals(r.targets().boxes().length, boxes.length);
        for (int k = 0; k < boxes.length; k++) {
          assertEquals((float) r.targets().boxes()[k], boxes[k]);
        }
        assertArrayEquals(
            r.targets().labels(), b.ragged("gt_labels").get(row).toArray(ValueLayout.JAVA_INT));
      }
    }
  }

  private static List<String> digests(int workers) throws Exception {
    PetrSampleSource s = new PetrSampleSource(records, config(), dataroot, 9, true);
    EngineOptions o =
        EngineOptions.builder()
            .batchSize(1)
            .workers(workers)
            .slots(2)
            .epochs(2)
            .shuffle(true)
            .seed(9)
            .build();
    List<String> out = new ArrayList<>();
    try (InProcessLoader loader = InProcessLoader.start(s, o)) {
      while (loader.hasNext()) {
        RingBatch b = loader.next();
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (String t : List.of("img", "lidar2img", "intrinsics", "timestamps")) {
          md.update(b.tensor(t).toArray(ValueLayout.JAVA_BYTE));
        }
        out.add(b.epoch() + ":" + b.sampleIndex(0) + ":" + HexFormat.of().formatHex(md.digest()));
      }
    }
    return out;
  }

  @Test
  void shouldProduceTheSameTrainingBatchesForOneAndTwoWorkers() throws Exception {
    List<String> one = digests(1);
    assertEquals(one, digests(2));
    assertEquals(4, one.size());
    assertNotEquals(
        one.get(0).substring(one.get(0).lastIndexOf(':')),
        one.get(2).substring(one.get(2).lastIndexOf(':')),
        "epochs draw different augmentations");
  }
}
