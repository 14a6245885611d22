package dev.nuload.nuscenes.cli;

import dev.nuload.ExitCode;
import dev.nuload.NuloadException;
import dev.nuload.nuscenes.NuScenesVersion;
import dev.nuload.nuscenes.synth.SynthOptions;
import dev.nuload.nuscenes.synth.SynthReport;
import dev.nuload.nuscenes.synth.SyntheticDataset;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code nuload synth}: writes a synthetic nuScenes dataset the official devkit loads unchanged.
 */
@Command(
    name = "synth",
    description = {
      "Generates a synthetic nuScenes dataset: the 13 tables, map masks, sensor files"
          + " (samples/, sweeps/) and optionally official-style archives.",
      ""
    })
public final class SynthCommand implements Callable<Integer> {
  @picocli.CommandLine.Mixin HelpOption helpOption;

  @Spec CommandSpec spec;

  @Option(names = "--out", required = true, description = "Dataset root to write.")
  Path out;

  @Option(
      names = "--version",
      defaultValue = "v1.0-mini",
      description = "v1.0-mini, v1.0-trainval or v1.0-test (default: ${DEFAULT-VALUE}).")
  String version;

  @Option(
      names = "--scenes",
      description = "Scene count (default: the official count, 10/850/150).")
  Integer scenes;

  @Option(names = "--seed", defaultValue = "0", description = "Seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--meta-only", description = "Write tables and maps only, no sensor files.")
  boolean metaOnly;

  @Option(names = "--archive", description = "Also pack archives into <out>/archives/.")
  boolean archive;

  @Option(names = "--threads", description = "Worker threads (default: the number of cores).")
  Integer threads;

  @Option(
      names = "--lidar-points",
      defaultValue = "34000",
      description =
          "Most points per lidar sweep; like real sweeps each holds a few percent fewer"
              + " (default: ${DEFAULT-VALUE}).")
  int lidarPoints;

  @Option(
      names = "--samples-per-scene",
      defaultValue = "0",
      description =
          "Samples (2 Hz keyframes) in every scene, 2-100; a shorter scene has fewer sweeps and"
              + " is quicker to make (default: 0, the release's samples per split, 38-41 per"
              + " scene).")
  int samplesPerScene;

  /** Creates the command. */
  public SynthCommand() {}

  @Override
  public Integer call() {
    SynthOptions options;
    try {
      SynthOptions.Builder b =
          SynthOptions.builder(out)
              .version(NuScenesVersion.of(version))
              .seed(seed)
              .sensorFiles(!metaOnly)
              .archive(archive)
              .lidarPoints(lidarPoints)
              .samplesPerScene(samplesPerScene);
      if (scenes != null) {
        b.scenes(scenes);
      }
      if (threads != null) {
        b.threads(threads);
      }
      options = b.build();
    } catch (IllegalArgumentException e) {
      throw new NuloadException(ExitCode.USAGE, e.getMessage(), e);
    }
    PrintWriter err = spec.commandLine().getErr();
    SynthReport r =
        SyntheticDataset.generate(
            options,
            line -> {
              err.println(line);
              err.flush();
            });
    PrintWriter o = spec.commandLine().getOut();
    o.printf("synthetic %s written to %s%n", options.version().dirName(), r.root());
    for (Map.Entry<String, Long> e : r.tableRecords().entrySet()) {
      o.printf("  %-24s %,12d records%n", e.getKey(), e.getValue());
    }
    o.printf(
        "scenes %d, samples %d, sample_data %d, annotations %d, instances %d%n",
        r.records("scene"),
        r.records("sample"),
        r.records("sample_data"),
        r.records("sample_annotation"),
        r.records("instance"));
    double secs = r.elapsed().toNanos() / 1e9;
    o.printf(
        "files %,d, bytes %,d, seconds %.1f, MB/s %.1f%n",
        r.filesWritten(), r.bytesWritten(), secs, r.megabytesPerSecond());
    for (Path a : r.archives()) {
      o.printf("archive %s%n", a);
    }
    o.flush();
    return 0;
  }
}
