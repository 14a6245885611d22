package dev.nuload.nuscenes.info;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nuload.nuscenes.NuScenesVersion;
import dev.nuload.nuscenes.table.NuScenesTables;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Measurement, not a check: builds every info record of a trainval-scale dataset and prints the
 * time (table loading excluded) and the peak heap. Runs only when {@code nuload.infos.timing.dir}
 * (or {@code NULOAD_INFOS_TIMING_DIR}) names a dataset root with {@code v1.0-trainval/}, e.g. one
 * made by {@code ./nuload synth --out /tmp/tv --version v1.0-trainval --scenes 850 --meta-only}.
 */
class InfoBuildTiming {
  @Test
  void shouldReportTrainvalBuildTime() {
    String dir =
        System.getProperty("nuload.infos.timing.dir", System.getenv("NULOAD_INFOS_TIMING_DIR"));
    assumeTrue(
        dir != null && Files.isDirectory(Path.of(dir, "v1.0-trainval")), "no timing dataset");
    long t0 = System.nanoTime();
    NuScenesTables tables = NuScenesTables.load(Path.of(dir, "v1.0-trainval"));
    long t1 = System.nanoTime();
    System.gc();
    long afterLoad = usedHeap();
    resetPeaks();
    InfoBuilder b = new InfoBuilder(tables, NuScenesVersion.TRAINVAL);
    long[] counts = new long[4];
    long t2 = System.nanoTime();
    for (String split : b.splits()) {
      b.build(
          split,
          r -> {
            counts[0]++;
            counts[1] += r.cameraSweeps().size();
            counts[2] += r.lidarSweeps().size();
            if (counts[0] % 5000 == 0) { // live set while chunks are in flight
              System.gc();
              counts[3] = Math.max(counts[3], usedHeap());
            }
          });
    }
    long t3 = System.nanoTime();
    System.out.printf(
        "infos timing: load %.1f s; build %d records (%d camera sweep entries, %d lidar sweeps) in"
            + " %.1f s on %d threads (%.0f records/s); heap after load %d MiB, peak during build %d"
            + " MiB (pool peaks incl. garbage), live during build %d MiB (after GC, sampled), max"
            + " %d MiB%n",
        (t1 - t0) / 1e9,
        counts[0],
        counts[1],
        counts[2],
        (t3 - t2) / 1e9,
        b.options().threads(),
        counts[0] / ((t3 - t2) / 1e9),
        afterLoad >> 20,
        peakHeap() >> 20,
        counts[3] >> 20,
        Runtime.getRuntime().maxMemory() >> 20);
  }

  private static long usedHeap() {
    return Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
  }

  private static void resetPeaks() {
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      p.resetPeakUsage();
    }
  }

  private static long peakHeap() {
    long sum = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        sum += p.getPeakUsage().getUsed();
      }
    }
    return sum;
  }
}
