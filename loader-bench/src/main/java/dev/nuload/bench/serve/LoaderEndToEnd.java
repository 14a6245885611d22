package dev.nuload.bench.serve;

import dev.nuload.bench.report.Stats;
import dev.nuload.nuscenes.JsonValues;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

/**
 * The trainer's drop-in, {@code nuload.torch.Loader}, against a PyTorch {@code DataLoader} in one
 * trainer script ({@code loader-bench/src/main/python/nuload_bench/loader_bench.py}, rows of the
 * serve stage): in one Python process, first the Loader (it starts {@code nuload serve} as its
 * child through the checkout's launcher, as a user's trainer does), then a DataLoader with the same
 * number of worker processes running the Python PETR pipeline; time to first batch from
 * construction and steady samples/s after it, data only (no model step), and the peak resident sets
 * of the trainer, the server JVM and the DataLoader's workers.
 *
 * <p>It reads the serve stage's synthetic info file. Where the real nuScenes fixtures are present,
 * its camera files are the real JPEGs ({@code testdata/nuscenes-real}, 1600x900, reused in turn per
 * camera, by symbolic links in a dataroot of their own): the decode work is that of real images;
 * the calibration stays the synthetic one (it does not change the work). Otherwise the synthetic
 * JPEGs are read.
 */
public final class LoaderEndToEnd {
  private static final int BATCH = 2;
  private static final String[] CAMERAS = {
    "CAM_FRONT", "CAM_FRONT_RIGHT", "CAM_FRONT_LEFT", "CAM_BACK", "CAM_BACK_LEFT", "CAM_BACK_RIGHT"
  };

  /**
   * One nuload setting: the Loader's {@code mode} and {@code dtype}.
   *
   * @param label the report's name for it.
   * @param mode {@code exact} or {@code fast}.
   * @param dtype {@code float32} or {@code uint8}.
   */
  public record Setting(String label, String mode, String dtype) {}

  /** The settings measured: exact float32 (the reference's tensors) and fast uint8. */
  public static final List<Setting> SETTINGS =
      List.of(
          new Setting("exact float32", "exact", "float32"),
          new Setting("fast uint8", "fast", "uint8"));

  /**
   * One loader's figures in one run of the script.
   *
   * @param firstBatchS seconds from construction to the first batch.
   * @param samplesPerS steady samples/s after the first batch.
   * @param trainerPeakRssMib peak resident set of the trainer process while it ran (NaN: unknown).
   * @param loaderPeakRssMib the server JVM's, or the DataLoader workers' summed (NaN: unknown).
   */
  public record Side(
      double firstBatchS, double samplesPerS, double trainerPeakRssMib, double loaderPeakRssMib) {}

  /**
   * One run of the script: both loaders, and its JSON line as printed.
   *
   * @param nuload the Loader.
   * @param dataloader the DataLoader.
   * @param json the script's summary.
   */
  public record Run(Side nuload, Side dataloader, Map<String, Object> json) {
    /**
     * Reads the script's summary line.
     *
     * @param v the parsed JSON object.
     * @return the run.
     * @throws IOException when a figure is missing.
     */
    @SuppressWarnings("unchecked")
    public static Run of(Map<String, Object> v) throws IOException {
      if (!(v.get("nuload") instanceof Map<?, ?> n)
          || !(v.get("dataloader") instanceof Map<?, ?> d)) {
        throw new IOException("loader_bench.py printed no nuload/dataloader figures: " + v);
      }
      return new Run(
          side((Map<String, Object>) n, "server_peak_rss_mib"),
          side((Map<String, Object>) d, "workers_peak_rss_mib"),
          v);
    }

    private static Side side(Map<String, Object> m, String loaderRss) throws IOException {
      return new Side(
          JsonValues.number(m, "first_batch_s"),
          JsonValues.number(m, "steady_samples_per_s"),
          m.get("trainer_peak_rss_mib") instanceof Number x ? x.doubleValue() : Double.NaN,
          m.get(loaderRss) instanceof Number x ? x.doubleValue() : Double.NaN);
    }
  }

  /**
   * What the rows measured.
   *
   * @param images where the camera JPEGs came from.
   * @param workers decode threads of the server and worker processes of the DataLoader.
   * @param batches batches measured after the first one.
   * @param runs per setting of {@link #SETTINGS}, the rounds' runs.
   */
  public record Result(String images, int workers, int batches, List<List<Run>> runs) {
    /**
     * Returns the JSON form ({@code stages.serve.loader} of {@code bench-results.json}).
     *
     * @return a JSON-ready map.
     */
    public Map<String, Object> json() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("script", "loader-bench/src/main/python/nuload_bench/loader_bench.py");
      m.put("images", images);
      m.put("config", "petrv1");
      m.put("batch_size", BATCH);
      m.put("workers", workers);
      m.put("batches_after_first", batches);
      List<Object> settings = new ArrayList<>();
      for (int i = 0; i < SETTINGS.size(); i++) {
        List<Run> r = runs.get(i);
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("nuload", SETTINGS.get(i).label());
        s.put("mode", SETTINGS.get(i).mode());
        s.put("dtype", SETTINGS.get(i).dtype());
        s.put("nuload_first_batch_s_median", median(r, x -> x.nuload().firstBatchS()));
        s.put("dataloader_first_batch_s_median", median(r, x -> x.dataloader().firstBatchS()));
        s.put("first_batch_ratio", firstBatchRatio(r));
        s.put("nuload_samples_per_s_median", median(r, x -> x.nuload().samplesPerS()));
        s.put("dataloader_samples_per_s_median", median(r, x -> x.dataloader().samplesPerS()));
        s.put("steady_ratio", steadyRatio(r));
        s.put("runs", r.stream().map(Run::json).toList());
        settings.add(s);
      }
      m.put("settings", settings);
      return m;
    }

    /**
     * Returns the report rows.
     *
     * @return Markdown lines.
     */
    public List<String> markdown() {
      List<String> md = new ArrayList<>();
      md.add("### serve: `nuload.torch.Loader` against a DataLoader in one trainer script");
      md.add("");
      md.add(
          String.format(
              Locale.ROOT,
              "`loader_bench.py`, one Python process, one loader after the other:"
                  + " `Loader(..., structure=\"mmdet3d\")` (its own `nuload serve` child, %d"
                  + " decode threads), then a PyTorch DataLoader (%d worker processes, Python"
                  + " PETR pipeline, mmdet3d-like collate). PETRv1 training (6 x 800x320),"
                  + " batch %d, %s; data only (no model step). Time to first batch from"
                  + " construction (nuload: launcher, JVM start, info file, first decode;"
                  + " DataLoader: info file, worker start, first decode); steady samples/s over"
                  + " the %d batches after it; median of %d round(s).",
              workers,
              workers,
              BATCH,
              images,
              batches,
              runs.getFirst().size()));
      md.add("");
      md.add(
          "| Loader | first batch: Loader | DataLoader | DataLoader / Loader | samples/s: Loader"
              + " | DataLoader | Loader / DataLoader |");
      md.add("|---|---|---|---|---|---|---|");
      rows(
          md,
          "| %s | %.2f s | %.2f s | %.2fx | %.2f | %.2f | %.2fx |",
          r ->
              List.of(
                  median(r, x -> x.nuload().firstBatchS()),
                  median(r, x -> x.dataloader().firstBatchS()),
                  firstBatchRatio(r),
                  median(r, x -> x.nuload().samplesPerS()),
                  median(r, x -> x.dataloader().samplesPerS()),
                  steadyRatio(r)));
      md.add("");
      md.add(
          "Peak resident memory of the same runs (median; the trainer's peak is reset before"
              + " each loader; shared pages, the ring's among them, count in each process):");
      md.add("");
      md.add(
          "| Loader | trainer | nuload serve JVM | trainer (DataLoader) | DataLoader workers (sum) |");
      md.add("|---|---|---|---|---|");
      rows(
          md,
          "| %s | %s | %s | %s | %s |",
          r ->
              List.of(
                  mib(median(r, x -> x.nuload().trainerPeakRssMib())),
                  mib(median(r, x -> x.nuload().loaderPeakRssMib())),
                  mib(median(r, x -> x.dataloader().trainerPeakRssMib())),
                  mib(median(r, x -> x.dataloader().loaderPeakRssMib()))));
      return md;
    }

    /** One table row per setting: its label, then the cells computed from its runs. */
    private void rows(List<String> md, String format, Function<List<Run>, List<Object>> cells) {
      for (int i = 0; i < SETTINGS.size(); i++) {
        List<Object> args = new ArrayList<>(List.of(SETTINGS.get(i).label()));
        args.addAll(cells.apply(runs.get(i)));
        md.add(String.format(Locale.ROOT, format, args.toArray()));
      }
    }

    private static double steadyRatio(List<Run> r) {
      return median(r, x -> x.nuload().samplesPerS())
          / median(r, x -> x.dataloader().samplesPerS());
    }

    private static double firstBatchRatio(List<Run> r) {
      return median(r, x -> x.dataloader().firstBatchS())
          / median(r, x -> x.nuload().firstBatchS());
    }

    private static String mib(double v) {
      return Double.isNaN(v) ? "unknown" : String.format(Locale.ROOT, "%,.0f MiB", v);
    }
  }

  private final Path work;
  private final Path realData;
  private final int workers;
  private final int batches;
  private final int rounds;

  /**
   * Creates the rows' benchmark.
   *
   * @param work scratch folder (logs, the real-JPEG dataroot).
   * @param realData folder of the real nuScenes fixtures ({@code testdata/nuscenes-real}).
   * @param workers server decode threads and DataLoader worker processes.
   * @param batches batches measured after the first one (at most an epoch's).
   * @param rounds runs per setting, the settings alternating.
   */
  public LoaderEndToEnd(Path work, Path realData, int workers, int batches, int rounds) {
    this.work = work;
    this.realData = realData;
    this.workers = workers;
    this.batches = batches;
    this.rounds = rounds;
  }

  /**
   * Runs the rows on the serve stage's dataset.
   *
   * @param syntheticRoot the synthetic dataroot the info file describes.
   * @param infos the info file.
   * @param progress receives a line per run.
   * @return the measurements.
   * @throws IOException if a run fails.
   * @throws InterruptedException if interrupted.
   */
  public Result run(Path syntheticRoot, Path infos, Consumer<String> progress)
      throws IOException, InterruptedException {
    List<Path> real = realJpegs();
    Path root = real.isEmpty() ? syntheticRoot : realJpegRoot(syntheticRoot, real);
    String images =
        real.isEmpty()
            ? "the serve stage's synthetic JPEGs (no real ones under " + realData + ")"
            : "real nuScenes JPEGs (" + real.size() + " of testdata/nuscenes-real, reused)";
    List<List<Run>> runs = new ArrayList<>();
    SETTINGS.forEach(s -> runs.add(new ArrayList<>()));
    for (int r = 1; r <= rounds; r++) {
      for (int i = 0; i < SETTINGS.size(); i++) {
        Setting s = SETTINGS.get(i);
        progress.accept(
            String.format(
                Locale.ROOT,
                "bench serve: Loader %s vs DataLoader, %d workers, round %d/%d",
                s.label(),
                workers,
                r,
                rounds));
        runs.get(i).add(script(root, infos, s));
      }
    }
    return new Result(images, workers, batches, runs);
  }

  private Run script(Path root, Path infos, Setting s) throws IOException, InterruptedException {
    String repo = System.getProperty("nuload.repo.dir", ".");
    Path script =
        Path.of(repo, "loader-bench", "src", "main", "python", "nuload_bench", "loader_bench.py");
    List<String> cmd =
        List.of(
            "python3",
            script.toString(),
            "--infos",
            infos.toString(),
            "--dataroot",
            root.toString(),
            "--config",
            "petrv1",
            "--train",
            "--batch-size",
            String.valueOf(BATCH),
            "--workers",
            String.valueOf(workers),
            "--samples",
            String.valueOf(batches),
            "--mode",
            s.mode(),
            "--dtype",
            s.dtype());
    Files.createDirectories(work);
    Path out = work.resolve("loader-bench.out");
    Path err = work.resolve("loader-bench.err");
    ProcessBuilder pb =
        new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
    // the Loader finds the server through the checkout's launcher, on this JVM's JDK
    pb.environment().put("NULOAD_HOME", Path.of(repo).toAbsolutePath().toString());
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    Process p = pb.start();
    if (!p.waitFor(600, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      p.waitFor();
      throw new IOException("loader_bench.py did not finish within 600 s");
    }
    if (p.exitValue() != 0) {
      String tail = Files.readString(err, StandardCharsets.UTF_8).strip();
      tail = tail.length() > 2000 ? "..." + tail.substring(tail.length() - 2000) : tail;
      throw new IOException("loader_bench.py exited " + p.exitValue() + ": " + tail);
    }
    return Run.of(JsonValues.lastObject(Files.readString(out, StandardCharsets.UTF_8)));
  }

  /** The real camera JPEGs per camera, in name order; empty when the fixtures are absent. */
  private List<Path> realJpegs() throws IOException {
    List<Path> all = new ArrayList<>();
    for (String dir : List.of("mini-partial/samples", "scene-0523/samples")) {
      for (String cam : CAMERAS) {
        Path d = realData.resolve(dir).resolve(cam);
        if (Files.isDirectory(d)) {
          try (Stream<Path> s = Files.list(d)) {
            s.filter(f -> f.toString().endsWith(".jpg")).sorted().forEach(all::add);
          }
        }
      }
    }
    return all;
  }

  /**
   * A dataroot whose key-frame camera files (the ones a one-frame pipeline reads) are symbolic
   * links to the real JPEGs of the same camera, taken in turn; made once per scratch folder.
   */
  private Path realJpegRoot(Path synthetic, List<Path> real) throws IOException {
    Path root = work.resolve("real-jpeg-root-" + synthetic.getFileName());
    Path marker = root.resolve(".complete");
    if (Files.exists(marker)) {
      return root;
    }
    for (String cam : CAMERAS) {
      List<Path> pool =
          real.stream().filter(f -> f.getParent().getFileName().toString().equals(cam)).toList();
      if (pool.isEmpty()) {
        throw new IOException("no real " + cam + " JPEG under " + realData);
      }
      Path target = Files.createDirectories(root.resolve("samples").resolve(cam));
      List<Path> files;
      try (Stream<Path> s = Files.list(synthetic.resolve("samples").resolve(cam))) {
        files = s.filter(f -> f.toString().endsWith(".jpg")).sorted().toList();
      }
      for (int i = 0; i < files.size(); i++) {
        Path link = target.resolve(files.get(i).getFileName());
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, pool.get(i % pool.size()).toAbsolutePath());
      }
    }
    Files.writeString(marker, "real JPEGs from " + realData.toAbsolutePath() + "\n");
    return root;
  }

  private static double median(List<Run> runs, ToDoubleFunction<Run> f) {
    return Stats.median(runs, f);
  }
}
