package dev.nuload.bench.extract;

import dev.nuload.archive.InflateEngine;
import dev.nuload.archive.Repacker;
import dev.nuload.bench.BenchData;
import dev.nuload.bench.GnuTime;
import dev.nuload.bench.report.BarChart;
import dev.nuload.bench.report.Kind;
import dev.nuload.bench.report.Stats;
import dev.nuload.nuscenes.cli.AotTraining;
import dev.nuload.nuscenes.cli.NuloadCli;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * End-to-end extraction benchmark on camera-heavy archives made from a {@code nuload synth} dataset
 * (real 1600x900 JPEGs): for each archive, {@code nuload extract} (a separate JVM, as a user runs
 * it), {@code pigz -dc X | tar -x} and {@code tar -xzf X} run alternately (A B C A B C ...) into
 * fresh folders on the same disk, after a {@code sync}; medians, min-max, MB/s of file data and the
 * ratio of medians. Archives: the synth's own {@code .tgz} (Java gzip), the same tree packed by
 * {@code tar | pigz} and by {@code tar | gzip}, the pigz one repacked by {@code nuload repack}
 * (against {@code zstd -dc | tar -x} and against pigz + tar on the .tgz), and the tree split in two
 * archives extracted together (nuload, both at once) or one after the other (pigz + tar). A missing
 * tool is skipped with a note. Every run's output is checked for the expected file count.
 */
public final class ExtractEndToEnd {
  /** Tool name of the run that inflates and walks the tar but selects no entry (writes nothing). */
  static final String NOTHING_WRITTEN = "nuload extract, no entry selected (inflate + tar walk)";

  /** The extract arguments of that run: an include pattern no entry matches. */
  private static final String NO_ENTRY = " extract --include 'nuload-bench-selects-nothing/*' ";

  /** File name of the stage chart in the report folder. */
  public static final String CHART = "extract.svg";

  private final Path work;
  private final int scenes;
  private final int rounds;
  private final boolean withGzipCli;
  private final Path target;

  /** The JVM's start-up cache for the nuload command line below, or null when it failed. */
  private Path aotCache;

  /** Series of nuload without the start-up cache, so its share can be read off. */
  static final String NO_AOT = "nuload extract, no start-up cache";

  /**
   * Creates the benchmark.
   *
   * @param work scratch folder.
   * @param scenes synthetic v1.0-mini scenes (all sensor files).
   * @param rounds alternating rounds.
   * @param withGzipCli also measure an archive made by GNU gzip (slow to make).
   * @param target where the tools extract to, or null for {@code work/out}.
   */
  public ExtractEndToEnd(Path work, int scenes, int rounds, boolean withGzipCli, Path target) {
    this.work = work;
    this.target = target != null ? target : work.resolve("out");
    this.scenes = scenes;
    this.rounds = rounds;
    this.withGzipCli = withGzipCli;
  }

  /**
   * One timed run.
   *
   * @param wallSeconds wall time.
   * @param peakRssMib peak RSS of the process tree, or -1 when unknown.
   * @param cpuSeconds user + system CPU seconds of the whole command (all its processes), or NaN
   *     without /usr/bin/time; on a shared machine less noisy than the wall time.
   */
  public record Run(double wallSeconds, double peakRssMib, double cpuSeconds) {}

  /**
   * The runs of one tool on one archive.
   *
   * @param archive archive label.
   * @param tool tool label.
   * @param runs the timed runs.
   * @param fileBytes bytes of file data extracted per run.
   */
  public record Series(String archive, String tool, List<Run> runs, long fileBytes) {
    double median() {
      return Stats.median(runs, Run::wallSeconds);
    }

    double mbPerSecond() {
      return fileBytes / 1e6 / median();
    }

    double cpuMedian() {
      return Stats.median(runs, Run::cpuSeconds);
    }
  }

  /**
   * What the benchmark measured.
   *
   * @param series every tool on every archive.
   * @param ratios named ratios of medians (baseline over nuload).
   * @param notes skipped tools and other remarks.
   */
  public record Result(
      List<Series> series, Map<String, Double> ratios, List<String> notes, Path target) {
    /**
     * Returns the results as a JSON-ready map.
     *
     * @return nested maps.
     */
    public Map<String, Object> json() {
      Map<String, Object> m = new LinkedHashMap<>();
      List<Object> s = new ArrayList<>();
      for (Series x : series) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("archive", x.archive());
        e.put("tool", x.tool());
        e.put("wall_s_median", x.median());
        e.put("wall_s", x.runs().stream().map(Run::wallSeconds).toList());
        e.put("peak_rss_mib", x.runs().stream().map(Run::peakRssMib).toList());
        e.put("cpu_s_median", x.cpuMedian());
        e.put("cpu_s", x.runs().stream().map(Run::cpuSeconds).toList());
        e.put("file_mb_per_s", x.mbPerSecond());
        s.add(e);
      }
      m.put("series", s);
      // the harness-wide keys: nuload and pigz + tar on the pigz-made .tgz, and their ratio
      for (Series x : series) {
        if (x.archive().startsWith("pigz") && x.tool().equals("nuload extract")) {
          m.put("nuload", Map.of("archive", x.archive(), "wall_s_median", x.median()));
        } else if (x.archive().startsWith("pigz") && x.tool().startsWith("pigz")) {
          m.put(
              "baseline",
              Map.of("archive", x.archive(), "tool", x.tool(), "wall_s_median", x.median()));
        }
      }
      ratios.entrySet().stream()
          .filter(e -> e.getKey().startsWith("pigz -6 .tgz: pigz"))
          .findFirst()
          .ifPresent(e -> m.put("ratio", e.getValue()));
      m.put("ratios", ratios);
      m.put("notes", notes);
      m.put("target", target.toString());
      m.put("inflate_engine", InflateEngine.selected().description());
      m.put("goals", "on 2 cores: >= 1.5x pigz+tar for .tgz, >= 3x for the repacked .tar.zst");
      return m;
    }

    /**
     * Writes {@value ExtractEndToEnd#CHART}: file MB/s of every tool on every archive, medians with
     * the spread of the runs.
     *
     * @param out the report folder.
     * @throws IOException if the chart cannot be written.
     */
    public void writeChart(Path out) throws IOException {
      List<BarChart.Bar> bars = new ArrayList<>();
      for (Series x : series) {
        double mb = x.fileBytes() / 1e6;
        double slowest = x.runs().stream().mapToDouble(Run::wallSeconds).max().orElse(Double.NaN);
        double fastest = x.runs().stream().mapToDouble(Run::wallSeconds).min().orElse(Double.NaN);
        bars.add(
            new BarChart.Bar(
                x.archive() + ": " + x.tool(),
                x.tool().startsWith("nuload") ? Kind.NULOAD : Kind.BASELINE,
                x.mbPerSecond(),
                mb / slowest,
                mb / fastest));
      }
      BarChart.write(
          out.resolve(CHART),
          "extract: archives -> dataroot",
          "file MB/s, median and min-max (higher is better)",
          bars);
    }

    /**
     * Returns the report section.
     *
     * @return Markdown lines.
     */
    public List<String> markdown() {
      List<String> md = new ArrayList<>();
      md.add("## extract: archives -> dataroot");
      md.add("");
      md.add(
          "Each tool extracts into a fresh folder ("
              + target()
              + ") after a `sync`; runs alternate; nuload runs as its own JVM (start-up"
              + " included) with its default threads, the launcher's JIT flag for extract"
              + " (`-XX:TieredStopAtLevel=1`) and, like `./nuload`, the JVM start-up cache"
              + " (`-XX:AOTCache`) recorded by its training run; '"
              + NO_AOT
              + "' runs without that cache.");
      md.add("");
      md.add(
          "gzip inflate engine of nuload: "
              + InflateEngine.selected().description()
              + ". CPU s = user + system time of the whole command (all its processes).");
      md.add("");
      md.add(
          "| archive | tool | wall s (median, min-max) | file MB/s | CPU s (median) | peak RSS MiB"
              + " |");
      md.add("|---|---|---|---|---|---|");
      for (Series x : series) {
        md.add(
            String.format(
                Locale.ROOT,
                "| %s | %s | %.2f (%.2f-%.2f) | %.0f | %.2f | %.0f |",
                x.archive(),
                x.tool().replace("|", "\\|"),
                x.median(),
                x.runs().stream().mapToDouble(Run::wallSeconds).min().orElse(Double.NaN),
                x.runs().stream().mapToDouble(Run::wallSeconds).max().orElse(Double.NaN),
                x.mbPerSecond(),
                x.cpuMedian(),
                x.runs().stream().mapToDouble(Run::peakRssMib).max().orElse(-1)));
      }
      md.add("");
      for (Map.Entry<String, Double> r : ratios.entrySet()) {
        md.add(
            String.format(
                Locale.ROOT, "- %s: **%.2fx**", r.getKey().replace("|", "\\|"), r.getValue()));
      }
      md.add("");
      md.add("Goals on 2 cores: >= 1.5x pigz + tar for .tgz, >= 3x for the repacked .tar.zst.");
      for (String n : notes) {
        md.add("");
        md.add("Note: " + n);
      }
      md.add("");
      md.add("![extract chart](" + CHART + ")");
      return md;
    }
  }

  /**
   * Runs the benchmark.
   *
   * @param progress receives a line per phase.
   * @return the measurements.
   * @throws IOException on a scratch-folder or tool error.
   * @throws InterruptedException when interrupted.
   */
  public Result run(Consumer<String> progress) throws IOException, InterruptedException {
    List<String> notes = new ArrayList<>();
    boolean pigz = has("pigz");
    boolean zstd = has("zstd");
    boolean gzip = has("gzip");
    Path root = dataset(progress);
    String tree = "maps samples sweeps v1.0-mini";
    long fileBytes = fileBytes(root);
    long files = fileCount(root);
    Path archives = Files.createDirectories(work.resolve("archives"));
    Map<String, Path> tgz = new LinkedHashMap<>();
    tgz.put("synth .tgz (Java gzip -6)", root.resolve("archives/v1.0-mini.tgz"));
    if (pigz) {
      tgz.put(
          "pigz -6 .tgz",
          make(archives.resolve("pigz.tgz"), root, "tar -cf - " + tree + " | pigz -6", progress));
    } else {
      notes.add(
          "pigz not installed: the pigz-made archive and the pigz + tar baseline are skipped");
    }
    if (withGzipCli && gzip) {
      tgz.put(
          "gzip -6 .tgz",
          make(archives.resolve("gzip.tgz"), root, "tar -cf - " + tree + " | gzip -6", progress));
    } else if (withGzipCli) {
      notes.add("gzip not installed: the gzip-made archive is skipped");
    } else {
      notes.add("--quick: the archive made by GNU gzip is left out (slow to make)");
    }
    aotCache = recordAot(progress, notes);
    Path zst = archives.resolve("repacked.tar.zst");
    Path zstSource = tgz.getOrDefault("pigz -6 .tgz", tgz.get("synth .tgz (Java gzip -6)"));
    if (!Files.exists(zst)) {
      progress.accept("bench extract: nuload repack " + zstSource.getFileName());
      new Repacker(3, 4 << 20, Runtime.getRuntime().availableProcessors())
          .repack(zstSource, zst, new AtomicLong());
    }
    List<Series> series = new ArrayList<>();
    Map<String, Double> ratios = new LinkedHashMap<>();
    Series pigzOnPigz = null;
    for (Map.Entry<String, Path> e : tgz.entrySet()) {
      String a = e.getValue().toString();
      Map<String, String> tools = new LinkedHashMap<>();
      tools.put("nuload extract", nuloadCommand(List.of(a)));
      if (pigz) {
        tools.put("pigz -dc | tar -x", "pigz -dc " + a + " | tar -xf -");
      }
      tools.put("tar -xzf", "tar -xzf " + a);
      if (e.getKey().startsWith("pigz") && aotCache != null) {
        tools.put(NO_AOT, nuloadCommand(List.of(a), false));
      }
      if (e.getKey().startsWith("pigz")) {
        // the floor of one gzip member: inflate and tar walk, no entry selected, nothing written
        tools.put(NOTHING_WRITTEN, nuloadCommand(List.of(a)).replace(" extract ", NO_ENTRY));
      }
      if (e.getKey().startsWith("pigz") && InflateEngine.selected() == InflateEngine.ISAL) {
        // the same nuload with the JDK's inflater: what the ISA-L engine gains
        tools.put(
            "nuload extract, java.util.zip inflate",
            nuloadCommand(List.of(a))
                .replace(" -cp ", " -D" + InflateEngine.ISAL_PROP_NAME + "=false -cp "));
      }
      List<Series> s = alternate(e.getKey(), tools, fileBytes, files, progress);
      series.addAll(s);
      for (Series x : s.subList(1, s.size())) {
        ratios.put(e.getKey() + ": " + x.tool() + " / nuload", x.median() / s.get(0).median());
      }
      if (e.getKey().startsWith("pigz") && pigz) {
        pigzOnPigz = s.get(1);
        for (Series x : s) {
          if (x.tool().equals(NOTHING_WRITTEN)) {
            // the most any extraction through one inflate stream could gain here
            ratios.put(
                e.getKey() + ": pigz -dc | tar -x / nuload writing nothing (the ceiling)",
                pigzOnPigz.median() / x.median());
          }
        }
      }
    }
    Map<String, String> zt = new LinkedHashMap<>();
    zt.put("nuload extract", nuloadCommand(List.of(zst.toString())));
    if (zstd) {
      zt.put("zstd -dc | tar -x", "zstd -dc " + zst + " | tar -xf -");
    } else {
      notes.add("zstd not installed: the zstd -dc | tar baseline is skipped");
    }
    if (aotCache != null) {
      zt.put(NO_AOT, nuloadCommand(List.of(zst.toString()), false));
    }
    List<Series> zs = alternate("repacked .tar.zst", zt, fileBytes, files, progress);
    series.addAll(zs);
    for (Series x : zs.subList(1, zs.size())) {
      ratios.put("repacked .tar.zst: " + x.tool() + " / nuload", x.median() / zs.get(0).median());
    }
    if (pigzOnPigz != null) {
      ratios.put(
          "pigz + tar on the pigz .tgz / nuload on the repacked .tar.zst",
          pigzOnPigz.median() / zs.get(0).median());
    }
    if (pigz) {
      Path a =
          make(
              archives.resolve("part-a.tgz"),
              root,
              "tar -cf - samples sweeps/CAM_FRONT sweeps/CAM_FRONT_LEFT sweeps/CAM_FRONT_RIGHT maps | pigz -6",
              progress);
      Path b =
          make(
              archives.resolve("part-b.tgz"),
              root,
              "tar -cf - sweeps/CAM_BACK sweeps/CAM_BACK_LEFT sweeps/CAM_BACK_RIGHT sweeps/LIDAR_TOP sweeps/RADAR_BACK_LEFT sweeps/RADAR_BACK_RIGHT sweeps/RADAR_FRONT sweeps/RADAR_FRONT_LEFT sweeps/RADAR_FRONT_RIGHT v1.0-mini | pigz -6",
              progress);
      Map<String, String> two = new LinkedHashMap<>();
      two.put("nuload extract (both at once)", nuloadCommand(List.of(a.toString(), b.toString())));
      two.put(
          "pigz -dc | tar -x, one after the other",
          "for x in " + a + " " + b + "; do pigz -dc $x | tar -xf - || exit 1; done");
      List<Series> ts = alternate("2 pigz .tgz parts", two, fileBytes, files, progress);
      series.addAll(ts);
      ratios.put("2 parts: pigz + tar / nuload", ts.get(1).median() / ts.get(0).median());
    }
    if (pigz) {
      // Fixed costs (process and JVM start, set-up) on a one-file archive, so the ratios above can
      // be read with and without them: on a 30 GB part only the throughput counts.
      Path one =
          make(
              archives.resolve("one-file.tgz"),
              root,
              "tar -cf - v1.0-mini/scene.json | pigz -6",
              progress);
      long oneBytes = Files.size(root.resolve("v1.0-mini/scene.json"));
      Map<String, String> fixed = new LinkedHashMap<>();
      fixed.put("nuload extract", nuloadCommand(List.of(one.toString())));
      fixed.put("pigz -dc | tar -x", "pigz -dc " + one + " | tar -xf -");
      series.addAll(alternate("one-file .tgz (fixed costs)", fixed, oneBytes, 1, progress));
    }
    return new Result(series, ratios, notes, target);
  }

  private List<Series> alternate(
      String archive,
      Map<String, String> tools,
      long fileBytes,
      long files,
      Consumer<String> progress)
      throws IOException, InterruptedException {
    Map<String, List<Run>> runs = new LinkedHashMap<>();
    tools.keySet().forEach(t -> runs.put(t, new ArrayList<>()));
    Path out = target;
    for (int i = 0; i < rounds; i++) {
      for (Map.Entry<String, String> t : tools.entrySet()) {
        progress.accept(
            "bench extract: " + archive + ", round " + (i + 1) + "/" + rounds + ": " + t.getKey());
        delete(out);
        Files.createDirectories(out);
        sh(work, "sync");
        runs.get(t.getKey()).add(timed(out, t.getValue()));
        long got = fileCount(out);
        long expected = t.getKey().equals(NOTHING_WRITTEN) ? 0 : files;
        if (got != expected) {
          throw new IllegalStateException(
              t.getKey() + " on " + archive + " left " + got + " files, expected " + expected);
        }
      }
    }
    delete(out);
    List<Series> s = new ArrayList<>();
    runs.forEach((t, r) -> s.add(new Series(archive, t, r, fileBytes)));
    return s;
  }

  private static final String JVM_OPTIONS =
      " -Xmx2g --enable-native-access=ALL-UNNAMED -XX:TieredStopAtLevel=1";

  private String nuloadCommand(List<String> archives) {
    return nuloadCommand(archives, true);
  }

  private String nuloadCommand(List<String> archives, boolean withAot) {
    String aot =
        withAot && aotCache != null
            ? " -XX:AOTCache=" + aotCache + " -Xlog:aot=off -Xlog:cds=off"
            : "";
    return java(
        aot, NuloadCli.class.getName() + " extract --quiet --to . " + String.join(" ", archives));
  }

  /** This JVM's java with the harness's nuload options, {@code extra}, and this classpath. */
  private static String java(String extra, String mainAndArgs) {
    return ProcessHandle.current().info().command().orElse("java")
        + JVM_OPTIONS
        + extra
        + " -cp "
        + System.getProperty("java.class.path")
        + " "
        + mainAndArgs;
  }

  /**
   * Records the start-up cache the way the launcher does once per build (the same training
   * workload, {@link AotTraining}), for this harness's nuload command line.
   */
  private Path recordAot(Consumer<String> progress, List<String> notes)
      throws IOException, InterruptedException {
    Path aot = work.resolve("nuload-bench.aot");
    Files.deleteIfExists(aot);
    progress.accept("bench extract: recording the JVM start-up cache (as ./nuload does per build)");
    try {
      sh(work, java(" -XX:AOTCacheOutput=" + aot, AotTraining.class.getName()));
    } catch (IOException e) {
      notes.add("the JVM start-up cache could not be recorded; nuload ran without it");
      return null;
    }
    return Files.exists(aot) ? aot : null;
  }

  private Run timed(Path cwd, String command) throws IOException, InterruptedException {
    Path rss = work.resolve("rss.txt");
    List<String> cmd = GnuTime.wrap(List.of("sh", "-c", command), rss);
    long t0 = System.nanoTime();
    Process p = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int rc = p.waitFor();
    double wall = (System.nanoTime() - t0) / 1e9;
    if (rc != 0) {
      throw new IOException("'" + command + "' failed (exit " + rc + "): " + output);
    }
    GnuTime.Report r = GnuTime.read(rss);
    return r == null
        ? new Run(wall, -1, Double.NaN)
        : new Run(wall, r.peakRssMib(), r.cpuSeconds());
  }

  private Path dataset(Consumer<String> progress) throws IOException {
    return BenchData.miniWithFiles(work.resolveSibling("datasets"), scenes, progress);
  }

  private Path make(Path archive, Path root, String script, Consumer<String> progress)
      throws IOException, InterruptedException {
    if (!Files.exists(archive)) {
      progress.accept("bench extract: packing " + archive.getFileName());
      Path tmp = archive.resolveSibling(archive.getFileName() + ".part");
      sh(root, script + " > " + tmp);
      Files.move(tmp, archive);
    }
    return archive;
  }

  private static long fileBytes(Path root) throws IOException {
    long n = 0;
    for (String d : List.of("maps", "samples", "sweeps", "v1.0-mini")) {
      try (Stream<Path> s = Files.walk(root.resolve(d))) {
        n +=
            s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                .mapToLong(p -> p.toFile().length())
                .sum();
      }
    }
    return n;
  }

  private static long fileCount(Path root) throws IOException {
    long n = 0;
    for (String d : List.of("maps", "samples", "sweeps", "v1.0-mini")) {
      if (!Files.exists(root.resolve(d))) {
        continue;
      }
      try (Stream<Path> s = Files.walk(root.resolve(d))) {
        n += s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).count();
      }
    }
    return n;
  }

  private static void delete(Path dir) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static boolean has(String tool) throws InterruptedException {
    try {
      return new ProcessBuilder("sh", "-c", "command -v " + tool).start().waitFor() == 0;
    } catch (IOException e) {
      return false;
    }
  }

  private static void sh(Path cwd, String script) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder("sh", "-c", script)
            .directory(cwd.toFile())
            .redirectErrorStream(true)
            .start();
    String o = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException("'" + script + "' failed: " + o);
    }
  }
}
