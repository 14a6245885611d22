package dev.nuload.bench;

import dev.nuload.bench.decode.DecodeEndToEnd;
import dev.nuload.bench.extract.ExtractEndToEnd;
import dev.nuload.bench.infos.InfosEndToEnd;
import dev.nuload.bench.serve.LoaderEndToEnd;
import dev.nuload.bench.serve.ServeEndToEnd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code nuload bench}: runs each stage's nuload implementation and its baseline alternately in one
 * invocation and reports medians, spreads and ratios. Stages available today: {@code infos}, {@code
 * extract}, {@code decode}, {@code serve}.
 */
@Command(
    name = "nuload bench",
    mixinStandardHelpOptions = true,
    description = {
      "Runs nuload and the tool people use today side by side (A B A B ...) on the same"
          + " inputs and writes bench-results.json, bench-report.md and one SVG chart per stage.",
      "Stages available: infos (tables -> info files, vs a numpy implementation of the"
          + " converter); extract (archives -> dataroot, vs pigz -dc | tar -x and tar -xzf);"
          + " decode (PETRv2 image pipeline on real JPEGs: decode-only limit, exact, fast, vs"
          + " the Python PETR pipeline); serve (batches into a training loop through the ring,"
          + " vs a PyTorch DataLoader, for each worker count; and nuload.torch.Loader vs a"
          + " DataLoader in one trainer script).",
      ""
    })
public final class BenchMain implements Callable<Integer> {
  @Option(
      names = "--stages",
      split = ",",
      defaultValue = "extract,infos,decode,serve",
      description = "stages to run (default: ${DEFAULT-VALUE}).")
  List<String> stages;

  @Option(
      names = "--out",
      defaultValue = "bench-out",
      description = "where results go (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(
      names = "--quick",
      description = "smaller inputs and fewer rounds (a few minutes on 2 cores).")
  boolean quick;

  @Option(names = "--rounds", description = "A/B rounds per stage (default: 3, or 1 with --quick).")
  Integer rounds;

  @Option(
      names = "--scale-scenes",
      description =
          "scenes of the synthetic v1.0-trainval metadata for the absolute figures"
              + " (default: 850, or 170 with --quick).")
  Integer scaleScenes;

  @Option(
      names = "--baseline-scenes",
      description =
          "scenes of the dataset on which nuload and the baseline run side by side"
              + " (default: 85, or 20 with --quick).")
  Integer baselineScenes;

  @Option(
      names = "--workers",
      split = ",",
      paramLabel = "N",
      description =
          "worker counts: serve measures each (a curve), decode the largest; Java threads and"
              + " Python processes alike (default: 1 to the number of cores).")
  List<Integer> workers;

  @Option(
      names = "--real-data",
      description =
          "decode stage and serve's Loader rows: folder of the real nuScenes fixtures (default:"
              + " testdata/nuscenes-real of the checkout); without it they read synthetic camera"
              + " JPEGs.")
  Path realData;

  @Option(
      names = "--extract-scenes",
      description =
          "scenes of the synthetic v1.0-mini (with sensor files) that the extract stage packs"
              + " and the serve stage reads (default: 3, or 1 with --quick).")
  Integer extractScenes;

  @Option(
      names = "--extract-target",
      description =
          "folder the extract stage extracts into (default: WORK/extract/out, on the same disk"
              + " as the archives); e.g. a tmpfs to take the disk out of the measurement.")
  Path extractTarget;

  @Option(
      names = "--work",
      description = "scratch folder for generated inputs (default: OUT/work).")
  Path work;

  /** Creates the command (picocli fills the fields). */
  public BenchMain() {}

  @Override
  public Integer call() throws Exception {
    Files.createDirectories(out);
    Path scratch = work != null ? work : out.resolve("work");
    Map<String, Object> stageResults = new LinkedHashMap<>();
    List<String> report = new ArrayList<>();
    for (String stage : stages) {
      switch (stage) {
        case "infos" -> {
          InfosEndToEnd bench =
              new InfosEndToEnd(
                  scratch.resolve("infos"),
                  scaleScenes != null ? scaleScenes : quick ? 170 : 850,
                  baselineScenes != null ? baselineScenes : quick ? 20 : 85,
                  rounds != null ? rounds : quick ? 1 : 3);
          InfosEndToEnd.Result r = bench.run(System.err::println);
          r.writeChart(out);
          stageResults.put("infos", r.json());
          report.addAll(r.markdown());
        }
        case "decode" -> {
          DecodeEndToEnd bench =
              new DecodeEndToEnd(
                  scratch.resolve("decode"),
                  realData != null ? realData : defaultRealData(),
                  workerCounts()[workerCounts().length - 1],
                  quick ? 24 : 96,
                  quick ? 8 : 24,
                  rounds != null ? rounds : quick ? 1 : 3);
          if (!bench.available()) {
            System.err.println("bench decode: skipped, " + bench.unavailableReason());
            stageResults.put("decode", Map.of("skipped", bench.unavailableReason()));
            report.add("## decode: skipped (" + bench.unavailableReason() + ")");
            continue;
          }
          DecodeEndToEnd.Result r = bench.run(System.err::println);
          r.writeChart(out);
          stageResults.put("decode", r.json());
          report.addAll(r.markdown());
        }
        case "serve" -> {
          String why = ServeEndToEnd.unavailableReason();
          if (why != null) {
            System.err.println("bench serve: skipped, " + why);
            stageResults.put("serve", Map.of("skipped", why));
            report.add("## serve: skipped (" + why + ")");
            continue;
          }
          int serveRounds = rounds != null ? rounds : quick ? 1 : 3;
          ServeEndToEnd bench =
              new ServeEndToEnd(
                  scratch.resolve("serve"),
                  workerCounts(),
                  quick ? 12 : 72,
                  serveRounds,
                  extractScenes != null ? extractScenes : quick ? 1 : 3,
                  new LoaderEndToEnd(
                      scratch.resolve("serve"),
                      realData != null ? realData : defaultRealData(),
                      workerCounts()[workerCounts().length - 1],
                      quick ? 10 : 30,
                      serveRounds));
          ServeEndToEnd.Result r = bench.run(System.err::println);
          r.writeChart(out);
          stageResults.put("serve", r.json());
          report.addAll(r.markdown());
        }
        case "extract" -> {
          ExtractEndToEnd bench =
              new ExtractEndToEnd(
                  scratch.resolve("extract"),
                  extractScenes != null ? extractScenes : quick ? 1 : 3,
                  rounds != null ? rounds : quick ? 1 : 3,
                  !quick,
                  extractTarget);
          ExtractEndToEnd.Result r = bench.run(System.err::println);
          r.writeChart(out);
          stageResults.put("extract", r.json());
          if (!report.isEmpty()) {
            report.add("");
          }
          report.addAll(r.markdown());
        }
        default ->
            throw new CommandLine.ParameterException(
                new CommandLine(this),
                "stage '"
                    + stage
                    + "' is not available (available: extract, infos, decode, serve)");
      }
    }
    Map<String, Object> results = new LinkedHashMap<>();
    results.put("machine", Machine.describe());
    results.put("stages", stageResults);
    Files.writeString(out.resolve("bench-results.json"), Json.write(results) + "\n");
    List<String> md = new ArrayList<>();
    md.add("# nuload bench");
    md.add("");
    md.addAll(Machine.markdown());
    md.add("");
    md.addAll(report);
    Files.writeString(out.resolve("bench-report.md"), String.join("\n", md) + "\n");
    System.out.println(String.join("\n", report));
    System.out.println(
        "bench: wrote " + out.resolve("bench-report.md") + " and bench-results.json");
    return 0;
  }

  /** The --workers list, ascending and positive, or 1..cores. */
  private int[] workerCounts() {
    if (workers == null || workers.isEmpty()) {
      return java.util.stream.IntStream.rangeClosed(1, Runtime.getRuntime().availableProcessors())
          .toArray();
    }
    int[] w = workers.stream().mapToInt(Integer::intValue).sorted().distinct().toArray();
    if (w[0] < 1) {
      throw new CommandLine.ParameterException(
          new CommandLine(this), "--workers must be positive, got " + workers);
    }
    return w;
  }

  private static Path defaultRealData() {
    Path repo = Path.of(System.getProperty("nuload.repo.dir", ".")).toAbsolutePath();
    return repo.resolve("testdata/nuscenes-real");
  }

  /**
   * Runs the benchmark harness.
   *
   * @param args the command line.
   * @throws IOException never (declared for the callers of picocli).
   */
  public static void main(String[] args) throws IOException {
    System.exit(new CommandLine(new BenchMain()).execute(args));
  }
}
