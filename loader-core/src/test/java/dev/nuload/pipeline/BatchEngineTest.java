package dev.nuload.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nuload.shm.ProducerGoneException;
import dev.nuload.shm.RingBatch;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BatchEngineTest {
  private static final int V = 2;
  private static final int H = 5;
  private static final int W = 7;

  private static PatternSampleSource source(int size, Set<Integer> bad) {
    return new PatternSampleSource(size, V, H, W, bad);
  }

  private static EngineOptions.Builder options() {
    return EngineOptions.builder().batchSize(4).slots(3).epochs(2).shuffle(true).seed(5);
  }

  /** Per batch: sha-256 of every tensor's bytes, the sample table and the metadata. */
  private static List<String> digests(SampleSource src, EngineOptions o) throws Exception {
    List<String> out = new ArrayList<>();
    try (InProcessLoader loader = InProcessLoader.start(src, o)) {
      while (loader.hasNext()) {
        RingBatch b = loader.next();
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (String t : List.of("img", "lidar2img", "stamp")) {
          md.update(b.tensor(t).toArray(ValueLayout.JAVA_BYTE));
        }
        for (int r = 0; r < b.size(); r++) {
          md.update(ByteBuffer.allocate(4).putInt(b.sampleIndex(r)).array());
        }
        md.update(String.join(",", b.strings("sample_tokens")).getBytes());
        for (MemorySegment m : b.ragged("gt_boxes")) {
          md.update(m.toArray(ValueLayout.JAVA_BYTE));
        }
        out.add(b.epoch() + "/" + b.batchIndex() + ":" + HexFormat.of().formatHex(md.digest()));
      }
    }
    return out;
  }

  @Test
  void shouldProduceIdenticalBatchesForOneTwoAndFourWorkers() throws Exception {
    PatternSampleSource src = source(23, Set.of());
    List<String> one = digests(src, options().workers(1).build());
    assertEquals(2 * 6, one.size());
    assertEquals(one, digests(src, options().workers(2).build()));
    assertEquals(one, digests(src, options().workers(4).build()));
  }

  @Test
  void shouldServeEverySampleRecomputedIndependentlyInSamplerOrder() {
    PatternSampleSource src = source(10, Set.of());
    EngineOptions o = options().workers(3).shard(1, 2).build();
    ShardSampler sampler = new ShardSampler(10, 1, 2, true, 5, false);
    int batches = 0;
    try (InProcessLoader loader = InProcessLoader.start(src, o)) {
      for (int epoch = 0; epoch < 2; epoch++) {
        int[] order = sampler.indices(epoch);
        for (int b = 0; b * 4 < order.length; b++) {
          RingBatch batch = loader.next();
          batches++;
          assertEquals(epoch, batch.epoch());
          assertEquals(b, batch.batchIndex());
          assertEquals(Math.min(4, order.length - 4 * b), batch.size());
          assertEquals((b + 1) * 4 >= order.length, batch.endOfEpoch());
          for (int r = 0; r < batch.size(); r++) {
            int s = order[4 * b + r];
            assertEquals(s, batch.sampleIndex(r));
            assertSample(batch, r, s, epoch);
          }
        }
      }
      assertFalse(loader.hasNext());
    }
    assertEquals(4, batches);
  }

  private static void assertSample(RingBatch batch, int r, int s, int e) {
    byte[] img = batch.tensor("img").toArray(ValueLayout.JAVA_BYTE);
    int per = V * 3 * H * W;
    int k = 0;
    for (int v = 0; v < V; v++) {
      for (int c = 0; c < 3; c++) {
        for (int y = 0; y < H; y++) {
          for (int x = 0; x < W; x++) {
            assertEquals((byte) (7 * s + 13 * e + 5 * v + 3 * c + 11 * y + x), img[r * per + k++]);
          }
        }
      }
    }
    ByteBuffer l2i =
        ByteBuffer.wrap(batch.tensor("lidar2img").toArray(ValueLayout.JAVA_BYTE))
            .order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < V * 16; i++) {
      assertEquals(s + e / 2.0f + i / 128.0f, l2i.getFloat(4 * (r * V * 16 + i)));
    }
    ByteBuffer stamp =
        ByteBuffer.wrap(batch.tensor("stamp").toArray(ValueLayout.JAVA_BYTE))
            .order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(1000003L * s + e, stamp.getLong(8 * r));
    assertEquals(String.format("sample-%06d", s), batch.strings("sample_tokens").get(r));
    ByteBuffer boxes =
        ByteBuffer.wrap(batch.ragged("gt_boxes").get(r).toArray(ValueLayout.JAVA_BYTE))
            .order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(36 * (s % 4), boxes.capacity());
    for (int q = 0; q < s % 4; q++) {
      for (int j = 0; j < 9; j++) {
        assertEquals(s + q / 4.0f + j / 16.0f, boxes.getFloat(4 * (q * 9 + j)));
      }
    }
    ByteBuffer labels =
        ByteBuffer.wrap(batch.ragged("gt_labels").get(r).toArray(ValueLayout.JAVA_BYTE))
            .order(ByteOrder.LITTLE_ENDIAN);
    for (int q = 0; q < s % 4; q++) {
      assertEquals((s + q) % 10, labels.getInt(4 * q));
    }
  }

  @Test
  void shouldFailNamingTheBadSampleUnderFailPolicy() {
    EngineOptions o = options().workers(2).shuffle(false).epochs(1).build();
    try (InProcessLoader loader = InProcessLoader.start(source(12, Set.of(6)), o)) {
      assertTrue(loader.hasNext());
      loader.next();
      ProducerGoneException e =
          assertThrows(
              ProducerGoneException.class,
              () -> {
                while (loader.hasNext()) {
                  loader.next();
                }
              });
      assertTrue(e.getMessage().contains("sample 6 (epoch 0, batch 1, row 2)"), e.getMessage());
      assertTrue(e.getMessage().contains("pattern sample 6 is marked bad"), e.getMessage());
    }
  }

  @Test
  void shouldSkipAndMarkTheBadSampleUnderSkipPolicy() {
    EngineOptions o =
        options().workers(2).shuffle(false).epochs(1).badSamples(BadSamplePolicy.SKIP).build();
    try (InProcessLoader loader = InProcessLoader.start(source(8, Set.of(5)), o)) {
      RingBatch first = loader.next();
      assertEquals(0, first.skippedCount());
      RingBatch b = loader.next();
      assertEquals(1, b.skippedCount());
      assertTrue(b.skipped(1));
      assertFalse(b.skipped(0));
      assertEquals(5, b.sampleIndex(1));
      int per = V * 3 * H * W;
      byte[] img = b.tensor("img").toArray(ValueLayout.JAVA_BYTE);
      byte[] zeros = new byte[per];
      byte[] row = java.util.Arrays.copyOfRange(img, per, 2 * per);
      assertArrayEquals(zeros, row);
      assertEquals("", b.strings("sample_tokens").get(1));
      assertEquals(0, b.ragged("gt_boxes").get(1).byteSize());
      assertSample(b, 2, 6, 0);
      assertFalse(loader.hasNext());
    }
  }

  @Test
  void shouldDropTheShortLastBatchWhenAsked() {
    EngineOptions o = options().workers(1).epochs(1).dropLastBatch(true).build();
    int n = 0;
    try (InProcessLoader loader = InProcessLoader.start(source(10, Set.of()), o)) {
      while (loader.hasNext()) {
        assertEquals(4, loader.next().size());
        n++;
      }
    }
    assertEquals(2, n);
  }

  @Test
  void shouldStopWorkersWhenTheConsumerClosesEarly() {
    EngineOptions o = options().workers(2).epochs(50).build();
    InProcessLoader loader = InProcessLoader.start(source(40, Set.of()), o);
    loader.next();
    long t0 = System.nanoTime();
    loader.close();
    assertTrue((System.nanoTime() - t0) / 1e9 < 5, "close must not wait for 50 epochs");
    assertEquals(null, loader.engineFailure());
  }

  @Test
  void shouldNotSpinEngineThreadsWhileWorkersAreBusy() {
    // Workers that sleep stand in for slow decoding: every engine thread (workers and the in-order
    // assembler waiting on them) should then be parked, not burning a core that real workers need.
    PatternSampleSource pattern = source(48, Set.of());
    SampleSource slow =
        new SampleSource() {
          @Override
          public int size() {
            return pattern.size();
          }

          @Override
          public List<dev.nuload.shm.TensorSpec> tensors() {
            return pattern.tensors();
          }

          @Override
          public List<dev.nuload.shm.MetaSpec> metadata() {
            return pattern.metadata();
          }

          @Override
          public int maxMetadataBytesPerSample() {
            return pattern.maxMetadataBytesPerSample();
          }

          @Override
          public SampleWorker newWorker() {
            SampleWorker w = pattern.newWorker();
            return (s, e, dst) -> {
              Thread.sleep(25);
              w.fill(s, e, dst);
            };
          }
        };
    EngineOptions o = options().workers(2).epochs(1).build();
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    try (InProcessLoader loader = InProcessLoader.start(slow, o)) {
      loader.next();
      Map<Long, Long> start = engineThreadCpu(mx);
      long t0 = System.nanoTime();
      for (int i = 0; i < 4; i++) {
        loader.next();
      }
      Map<Long, Long> end = engineThreadCpu(mx);
      double wall = System.nanoTime() - t0;
      double cpu = 0;
      for (Map.Entry<Long, Long> e : end.entrySet()) {
        cpu += e.getValue() - start.getOrDefault(e.getKey(), 0L);
      }
      assertEquals(3, end.size(), "2 workers and the assembler");
      assertTrue(
          cpu < 0.25 * wall,
          String.format("engine threads used %.0f ms of CPU in %.0f ms", cpu / 1e6, wall / 1e6));
    }
  }

  private static Map<Long, Long> engineThreadCpu(ThreadMXBean mx) {
    Map<Long, Long> cpu = new HashMap<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("nuload-engine-")) {
        cpu.put(t.threadId(), mx.getThreadCpuTime(t.threadId()));
      }
    }
    return cpu;
  }
}
