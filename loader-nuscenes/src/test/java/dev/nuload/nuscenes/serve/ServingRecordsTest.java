package dev.nuload.nuscenes.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nuload.image.TensorDType;
import dev.nuload.nuscenes.info.InfoRecord;
import dev.nuload.nuscenes.petr.PetrConfig;
import dev.nuload.nuscenes.petr.PetrFixtures;
import dev.nuload.nuscenes.petr.PetrSampleProcessor;
import dev.nuload.nuscenes.petr.SampleResult;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Slim serving records give the same samples as the full records (real scene-0523 rows 0, 1). */
class ServingRecordsTest {
  private static Path dataroot;
  private static List<InfoRecord> records;

  @BeforeAll
  static void load() {
    dataroot = PetrFixtures.dataroot();
    records = PetrFixtures.scene0523().subList(0, 2);
  }

  private static void assertSameSample(PetrConfig c, InfoRecord full, boolean train) {
    InfoRecord slim = new ServingRecords().slim(full, c.frames());
    try (PetrSampleProcessor p = new PetrSampleProcessor(c, dataroot);
        Arena arena = Arena.ofConfined()) {
      MemorySegment a = arena.allocate(c.imageBytes());
      MemorySegment b = arena.allocate(c.imageBytes());
      SampleResult fromFull = p.process(full, 1, 7, 2, train, a);
      SampleResult fromSlim = p.process(slim, 1, 7, 2, train, b);
      assertEquals(-1L, a.mismatch(b), "image bytes");
      assertEquals(fromFull.filenames(), fromSlim.filenames());
      for (int v = 0; v < c.views(); v++) {
        assertArrayEquals(fromFull.lidar2img()[v], fromSlim.lidar2img()[v], 0);
        assertArrayEquals(fromFull.intrinsics()[v], fromSlim.intrinsics()[v], 0);
      }
      assertArrayEquals(fromFull.timestamps(), fromSlim.timestamps(), 0);
      assertArrayEquals(fromFull.targets().boxes(), fromSlim.targets().boxes(), 0);
      assertArrayEquals(fromFull.targets().labels(), fromSlim.targets().labels());
    }
  }

  @Test
  void shouldServeTheSameTrainingSampleWithoutSweepsForOneFrame() {
    PetrConfig c = PetrConfig.petrv1_800x320().withDtype(TensorDType.UINT8);
    assertSameSample(c, records.get(1), true);
    InfoRecord slim = new ServingRecords().slim(records.get(1), 1);
    assertTrue(slim.cameraSweeps().isEmpty());
    assertTrue(slim.lidarSweeps().isEmpty());
  }

  @Test
  void shouldServeTheSameTwoFrameSampleFromSlimCameraSweeps() {
    PetrConfig c = PetrConfig.petrv2_800x320().withDtype(TensorDType.UINT8);
    InfoRecord full = records.get(1);
    assertEquals(6, full.cameraSweeps().size());
    // the test transform takes the previous keyframe (sweep 5), whose images the fixture has
    assertSameSample(c, full, false);
    InfoRecord slim = new ServingRecords().slim(full, 2);
    assertEquals(full.cameraSweeps().size(), slim.cameraSweeps().size());
    assertTrue(slim.lidarSweeps().isEmpty());
  }

  @Test
  void shouldShareEqualIntrinsicsAndPathsBetweenSweepFrames() {
    ServingRecords shared = new ServingRecords();
    InfoRecord a = shared.slim(records.get(1), 2);
    InfoRecord b = shared.slim(records.get(1), 2);
    var first = a.cameraSweeps().get(0).frames().get(0);
    for (var sweep : a.cameraSweeps()) {
      for (var f : sweep.frames()) {
        if (f.channel().equals(first.channel())
            && java.util.Arrays.equals(f.intrinsics(), first.intrinsics())) {
          assertSame(first.intrinsics(), f.intrinsics());
        }
      }
    }
    assertSame(
        a.cameraSweeps().get(3).frames().get(2).dataPath(),
        b.cameraSweeps().get(3).frames().get(2).dataPath());
  }
}
