package dev.nuload.bench.infos;

import dev.nuload.bench.HeapPeak;
import dev.nuload.bench.report.BarChart;
import dev.nuload.bench.report.Kind;
import dev.nuload.bench.report.Stats;
import dev.nuload.nuscenes.JsonValues;
import dev.nuload.nuscenes.NuScenesVersion;
import dev.nuload.nuscenes.infos.ArrowInfoFileFormat;
import dev.nuload.nuscenes.infos.InfosJob;
import dev.nuload.nuscenes.synth.SynthOptions;
import dev.nuload.nuscenes.synth.SyntheticDataset;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * End-to-end infos benchmark: nuScenes tables to info files.
 *
 * <ul>
 *   <li>Absolute figures at scale: {@code nuload infos} (tables, every split, Arrow files, token
 *       index) on synthetic v1.0-trainval metadata of {@code scaleScenes} scenes; wall time, CPU
 *       time, peak heap, against the goal of 30 s and 4 GiB on 2 cores for 850 scenes.
 *   <li>Side by side, alternating A B A B: the same nuload run and the baseline ({@code
 *       infos_baseline.py}: the converter's work done by a straightforward numpy implementation,
 *       tables loaded once, every split pickled) on a smaller dataset; medians, min-max and the
 *       ratio of medians.
 * </ul>
 */
public final class InfosEndToEnd {
  /** File name of the stage chart in the report folder. */
  public static final String CHART = "infos.svg";

  private final Path work;
  private final int scaleScenes;
  private final int baselineScenes;
  private final int rounds;

  /**
   * Creates the benchmark.
   *
   * @param work scratch folder for the generated datasets and outputs.
   * @param scaleScenes scenes of the dataset for the absolute figures.
   * @param baselineScenes scenes of the dataset for the side-by-side comparison.
   * @param rounds A/B rounds.
   */
  public InfosEndToEnd(Path work, int scaleScenes, int baselineScenes, int rounds) {
    this.work = work;
    this.scaleScenes = scaleScenes;
    this.baselineScenes = baselineScenes;
    this.rounds = rounds;
  }

  /**
   * What one run measured.
   *
   * @param scale the nuload runs on the large dataset.
   * @param nuload the nuload runs side by side with the baseline.
   * @param baseline the baseline runs.
   * @param scaleSamples samples in the large dataset.
   * @param sideSamples samples in the side-by-side dataset.
   */
  public record Result(
      List<Run> scale, List<Run> nuload, List<Run> baseline, long scaleSamples, long sideSamples) {
    /**
     * Returns the ratio of median wall times, baseline over nuload.
     *
     * @return how many times faster nuload was.
     */
    public double ratio() {
      return median(baseline, Run::wallSeconds) / median(nuload, Run::wallSeconds);
    }

    /**
     * Returns the results as a JSON-ready map.
     *
     * @return nested maps and lists.
     */
    public Map<String, Object> json() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("nuload", summary(nuload, sideSamples));
      m.put("baseline", summary(baseline, sideSamples));
      m.put("ratio", ratio());
      List<Double> pairs = new ArrayList<>();
      for (int i = 0; i < Math.min(nuload.size(), baseline.size()); i++) {
        pairs.add(baseline.get(i).wallSeconds() / nuload.get(i).wallSeconds());
      }
      m.put("pair_ratios", pairs);
      m.put("baseline_tool", "numpy reference converter (infos_baseline.py), same tables");
      Map<String, Object> scaleMap = summary(scale, scaleSamples);
      scaleMap.put("goal", "under 30 s wall and 4 GiB heap for 850 scenes on 2 cores");
      m.put("nuload_at_scale", scaleMap);
      return m;
    }

    /**
     * Returns the report section.
     *
     * @return Markdown lines.
     */
    public List<String> markdown() {
      List<String> md = new ArrayList<>();
      md.add("## infos: nuScenes tables -> info files");
      md.add("");
      md.add(
          String.format(
              Locale.ROOT,
              "Side by side (%d samples, %d rounds, A B alternating):",
              sideSamples,
              nuload.size()));
      md.add("");
      md.add("| tool | wall s (median, min-max) | CPU s (median) | peak memory MiB (median) |");
      md.add("|---|---|---|---|");
      md.add(row("nuload infos", nuload, "heap"));
      md.add(row("numpy converter (baseline)", baseline, "RSS"));
      md.add("");
      md.add(String.format(Locale.ROOT, "Ratio of medians: **%.1fx** faster.", ratio()));
      md.add("");
      md.add(
          String.format(
              Locale.ROOT,
              "At scale (%d samples of synthetic v1.0-trainval metadata, %d runs); goal for 850"
                  + " scenes: under 30 s and 4 GiB heap on 2 cores:",
              scaleSamples,
              scale.size()));
      md.add("");
      md.add("| tool | wall s (median, min-max) | CPU s (median) | peak memory MiB (median) |");
      md.add("|---|---|---|---|");
      md.add(row("nuload infos", scale, "heap"));
      md.add("");
      md.add("![infos chart](" + CHART + ")");
      return md;
    }

    /**
     * Writes the stage's chart ({@value #CHART}): wall time of nuload and the baseline side by
     * side, medians with min-max whiskers.
     *
     * @param out the report folder.
     * @throws IOException if the chart cannot be written.
     */
    public void writeChart(Path out) throws IOException {
      BarChart.write(
          out.resolve(CHART),
          String.format(Locale.ROOT, "infos: tables -> info files, %d samples", sideSamples),
          "wall seconds, median and min-max (lower is better)",
          List.of(
              bar("nuload infos", Kind.NULOAD, nuload),
              bar("numpy converter", Kind.BASELINE, baseline)));
    }

    private static BarChart.Bar bar(String label, Kind kind, List<Run> runs) {
      return new BarChart.Bar(
          label,
          kind,
          median(runs, Run::wallSeconds),
          runs.stream().mapToDouble(Run::wallSeconds).min().orElse(Double.NaN),
          runs.stream().mapToDouble(Run::wallSeconds).max().orElse(Double.NaN));
    }

    private static String row(String name, List<Run> runs, String memoryKind) {
      return String.format(
          Locale.ROOT,
          "| %s | %.2f (%.2f-%.2f) | %.2f | %.0f (%s) |",
          name,
          median(runs, Run::wallSeconds),
          runs.stream().mapToDouble(Run::wallSeconds).min().orElse(Double.NaN),
          runs.stream().mapToDouble(Run::wallSeconds).max().orElse(Double.NaN),
          median(runs, Run::cpuSeconds),
          median(runs, Run::peakMemoryMib),
          memoryKind);
    }

    private static Map<String, Object> summary(List<Run> runs, long samples) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("samples", samples);
      m.put("wall_s_median", median(runs, Run::wallSeconds));
      m.put("wall_s_min", runs.stream().mapToDouble(Run::wallSeconds).min().orElse(Double.NaN));
      m.put("wall_s_max", runs.stream().mapToDouble(Run::wallSeconds).max().orElse(Double.NaN));
      m.put("cpu_s_median", median(runs, Run::cpuSeconds));
      m.put("peak_memory_mib_median", median(runs, Run::peakMemoryMib));
      m.put("samples_per_s", samples / median(runs, Run::wallSeconds));
      m.put("runs", runs.stream().map(Run::json).toList());
      return m;
    }
  }

  /**
   * One timed run.
   *
   * @param wallSeconds wall time.
   * @param cpuSeconds CPU time of the process (user + system).
   * @param peakMemoryMib peak heap (nuload) or peak RSS (baseline), MiB.
   * @param records records written (checked against the dataset).
   */
  public record Run(double wallSeconds, double cpuSeconds, double peakMemoryMib, long records) {
    Map<String, Object> json() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("wall_s", wallSeconds);
      m.put("cpu_s", cpuSeconds);
      m.put("peak_memory_mib", peakMemoryMib);
      m.put("records", records);
      return m;
    }
  }

  /**
   * Runs the benchmark.
   *
   * @param progress receives a line per phase.
   * @return the measurements.
   * @throws IOException when the scratch folder cannot be written or the baseline fails.
   * @throws InterruptedException when interrupted while waiting for the baseline.
   */
  public Result run(Consumer<String> progress) throws IOException, InterruptedException {
    Path scaleRoot = dataset("scale", scaleScenes, progress);
    Path sideRoot = dataset("side", baselineScenes, progress);
    long scaleSamples = samples(scaleRoot);
    long sideSamples = samples(sideRoot);
    List<Run> scale = new ArrayList<>();
    for (int i = 0; i < rounds; i++) {
      progress.accept("bench infos: nuload at scale, round " + (i + 1) + "/" + rounds);
      scale.add(nuload(scaleRoot, work.resolve("scale-out"), scaleSamples));
    }
    List<Run> a = new ArrayList<>();
    List<Run> b = new ArrayList<>();
    for (int i = 0; i < rounds; i++) {
      progress.accept("bench infos: side by side, round " + (i + 1) + "/" + rounds + ": nuload");
      a.add(nuload(sideRoot, work.resolve("side-out"), sideSamples));
      progress.accept("bench infos: side by side, round " + (i + 1) + "/" + rounds + ": baseline");
      b.add(baseline(sideRoot, work.resolve("side-baseline"), sideSamples));
    }
    return new Result(scale, a, b, scaleSamples, sideSamples);
  }

  private Path dataset(String name, int scenes, Consumer<String> progress) throws IOException {
    Path root = work.resolve(name + "-" + scenes);
    Path marker = root.resolve(".complete");
    if (!Files.exists(marker)) {
      progress.accept("bench infos: generating v1.0-trainval metadata, " + scenes + " scenes");
      SyntheticDataset.generate(
          SynthOptions.builder(root)
              .version(NuScenesVersion.TRAINVAL)
              .scenes(scenes)
              .sensorFiles(false)
              .build(),
          line -> {});
      Files.writeString(marker, "scenes=" + scenes + "\n");
    }
    return root;
  }

  private static long samples(Path root) throws IOException {
    String s = Files.readString(root.resolve("v1.0-trainval/sample.json"), StandardCharsets.UTF_8);
    return s.split("\"token\":", -1).length - 1;
  }

  private static Run nuload(Path root, Path out, long expected) {
    HeapPeak heap = HeapPeak.start();
    long cpu0 = processCpuNanos();
    long t0 = System.nanoTime();
    InfosJob.Result r;
    try {
      r =
          new InfosJob(new ArrowInfoFileFormat(), InfosJob.Listener.QUIET, "nuload bench")
              .run(
                  new InfosJob.Request(
                      root, NuScenesVersion.TRAINVAL, List.of(), out, 10, /*force*/ true));
    } finally {
      heap.close();
    }
    double wall = (System.nanoTime() - t0) / 1e9;
    double cpu = (processCpuNanos() - cpu0) / 1e9;
    long peak = heap.peakBytes();
    long records = r.manifest().summary().samples().values().stream().mapToLong(x -> x).sum();
    if (records != expected) {
      throw new IllegalStateException("nuload wrote " + records + " records, expected " + expected);
    }
    return new Run(wall, cpu, peak / (1024.0 * 1024), records);
  }

  private static Run baseline(Path root, Path out, long expected)
      throws IOException, InterruptedException {
    Files.createDirectories(out);
    Path script = pythonDir().resolve("infos_baseline.py");
    if (!Files.isRegularFile(script)) {
      throw new IOException("baseline script not found: " + script + " (run from the repository)");
    }
    ProcessBuilder pb =
        new ProcessBuilder(
                "python3", script.toString(), root.toString(), "v1.0-trainval", out.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT);
    Process p = pb.start();
    String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException("baseline failed (exit " + p.exitValue() + "): " + stdout);
    }
    Map<String, Object> values = JsonValues.lastObject(stdout);
    long records = 0;
    if (values.get("records") instanceof Map<?, ?> counts) {
      for (Object n : counts.values()) {
        records += n instanceof Number c ? c.longValue() : 0;
      }
    }
    if (records != expected) {
      throw new IllegalStateException(
          "baseline wrote " + records + " records, expected " + expected + ": " + stdout);
    }
    return new Run(
        JsonValues.number(values, "wall_s"),
        JsonValues.number(values, "cpu_s"),
        JsonValues.number(values, "max_rss_mib"),
        records);
  }

  private static Path pythonDir() {
    String repo = System.getProperty("nuload.repo.dir", ".");
    return Path.of(repo, "loader-bench", "src", "main", "python", "nuload_bench");
  }

  private static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return 0;
  }

  private static double median(List<Run> runs, java.util.function.ToDoubleFunction<Run> f) {
    return Stats.median(runs, f);
  }
}
