package dev.nuload.nuscenes.cli;

import dev.nuload.ExitCode;
import dev.nuload.NuloadException;
import dev.nuload.nuscenes.NuScenesVersion;
import dev.nuload.nuscenes.infos.ArrowInfoFileFormat;
import dev.nuload.nuscenes.infos.InfosJob;
import dev.nuload.nuscenes.infos.InfosManifest;
import dev.nuload.nuscenes.infos.InfosManifest.OutputFile;
import dev.nuload.nuscenes.infos.OutputDirs;
import dev.nuload.nuscenes.infos.SourceFingerprint;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code nuload infos}: builds the Arrow info files, the token index and the manifest of a dataset,
 * or does nothing when they are current.
 */
@Command(
    name = "infos",
    description = {
      "Builds nuscenes_infos_<split>.arrow for each split, the token index and the manifest."
          + " Does nothing when the manifest matches the tables and options (--force rebuilds).",
      ""
    })
public final class InfosCommand implements Callable<Integer> {
  @picocli.CommandLine.Mixin HelpOption helpOption;

  @Spec CommandSpec spec;

  @Option(names = "--dataroot", required = true, description = "Dataset root (holds <version>/).")
  Path dataroot;

  @Option(
      names = "--version",
      required = true,
      description = "v1.0-mini, v1.0-trainval or v1.0-test.")
  String version;

  @Option(
      names = "--splits",
      split = ",",
      description = "Splits to build, comma-separated (default: the version's official splits).")
  List<String> splits = List.of();

  @Option(
      names = "--out",
      description = "Output folder (default: /dev/shm/nuload/<dataset-id>/, else under tmpdir).")
  Path out;

  @Option(
      names = "--max-sweeps",
      defaultValue = "10",
      description = "Most lidar sweeps per sample (default: ${DEFAULT-VALUE}).")
  int maxSweeps;

  @Option(names = "--force", description = "Rebuild even when the output is up to date.")
  boolean force;

  /** Creates the command. */
  public InfosCommand() {}

  @Override
  public Integer call() {
    NuScenesVersion v;
    try {
      v = NuScenesVersion.of(version);
    } catch (IllegalArgumentException e) {
      throw new NuloadException(ExitCode.USAGE, e.getMessage(), e);
    }
    if (maxSweeps < 0) {
      throw new NuloadException(ExitCode.USAGE, "--max-sweeps must be >= 0, got " + maxSweeps);
    }
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter o = spec.commandLine().getOut();
    Path target = out;
    if (target == null) {
      long need = OutputDirs.estimateBytes(SourceFingerprint.of(dataroot.resolve(v.dirName())));
      target =
          OutputDirs.chooseDefault(
              OutputDirs.datasetId(dataroot, v),
              need,
              OutputDirs.SHM,
              line -> {
                err.println(line);
                err.flush();
              });
    }
    Progress progress = new Progress(err, Terminal.isInteractive());
    InfosJob job =
        new InfosJob(new ArrowInfoFileFormat(), progress, "nuload " + NuloadVersion.version());
    InfosJob.Result r =
        job.run(new InfosJob.Request(dataroot, v, splits, target, maxSweeps, force));
    InfosManifest m = r.manifest();
    if (r.outcome() == InfosJob.Outcome.UP_TO_DATE) {
      o.printf(
          "infos: up to date (fingerprint %s), nothing to do: %s%n",
          m.sourceFingerprint().substring(0, 12), r.out());
      o.flush();
      return 0;
    }
    o.printf("infos: built %s in %s (%s)%n", m.version(), r.out(), r.reason());
    for (Map.Entry<String, Long> e : m.summary().samples().entrySet()) {
      o.printf("  %-12s %,9d samples%n", e.getKey(), e.getValue());
    }
    o.printf("  boxes %,d%n", m.summary().boxes());
    for (OutputFile f : m.files()) {
      o.printf("  %-44s %,14d bytes %,10d rows%n", f.name(), f.size(), f.rows());
    }
    o.printf(
        "  time %.1f s, peak heap %,d MiB, peak RSS %s%n",
        r.elapsed().toMillis() / 1000.0,
        peakHeapBytes() >> 20,
        peakRssKib() < 0 ? "unknown" : String.format("%,d MiB", peakRssKib() >> 10));
    o.flush();
    return 0;
  }

  /**
   * Returns the sum of the peak usage of the heap memory pools.
   *
   * @return bytes.
   */
  static long peakHeapBytes() {
    long sum = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP && p.getPeakUsage() != null) {
        sum += p.getPeakUsage().getUsed();
      }
    }
    return sum;
  }

  /**
   * Returns the peak resident set size from {@code /proc/self/status} ({@code VmHWM}).
   *
   * @return KiB, or -1 where the file is absent.
   */
  static long peakRssKib() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (Exception e) {
      return -1;
    }
    return -1;
  }

  /** Progress on stderr: a line that updates on a terminal, a line per 10 % otherwise. */
  private static final class Progress implements InfosJob.Listener {
    private final PrintWriter err;
    private final boolean interactive;
    private long last = -1;

    Progress(PrintWriter err, boolean interactive) {
      this.err = err;
      this.interactive = interactive;
    }

    @Override
    public void info(String line) {
      err.println(line);
      err.flush();
    }

    @Override
    public void progress(String split, long done, long total) {
      long pct = total == 0 ? 100 : done * 100 / total;
      long key = interactive ? pct : pct / 10;
      if (done == 0) {
        last = -1;
      } else if (done == total ? last == Long.MAX_VALUE : key == last) {
        return;
      }
      last = done == total ? Long.MAX_VALUE : key;
      String text = String.format("infos: %-10s %3d%% (%,d/%,d)", split, pct, done, total);
      if (interactive) {
        err.print("\r" + text + (done == total ? "\n" : ""));
      } else {
        err.println(text);
      }
      err.flush();
    }
  }
}
