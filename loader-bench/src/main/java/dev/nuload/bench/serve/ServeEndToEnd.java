package dev.nuload.bench.serve;

import dev.nuload.bench.BenchData;
import dev.nuload.bench.GnuTime;
import dev.nuload.bench.report.Kind;
import dev.nuload.bench.report.LineChart;
import dev.nuload.bench.report.Stats;
import dev.nuload.nuscenes.JsonValues;
import dev.nuload.nuscenes.NuScenesVersion;
import dev.nuload.nuscenes.cli.NuloadCli;
import dev.nuload.nuscenes.infos.ArrowInfoFileFormat;
import dev.nuload.nuscenes.infos.InfosJob;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * End-to-end serving benchmark on a synthetic dataroot with real JPEGs: the same training loop
 * ({@code examples/python/train_tiny.py}, data only) fed by {@code nuload serve} through the ring
 * and by a PyTorch {@code DataLoader} running the Python PETR pipeline with the same number of
 * worker processes, PETRv1 views (6 cameras, 800x320 float32, exact), alternating per round. Each
 * {@code nuload serve} runs in its own JVM, as users run it; its start-up (JVM, JIT, reading the
 * info file) is in the overall figures, not the steady ones.
 *
 * <ul>
 *   <li>Throughput curve: samples/s (steady, after the first batch) for each worker count; nuload
 *       exact float32 (same tensors as the Python pipeline) and nuload fast uint8.
 *   <li>Trainer wait: a simulated trainer with a fixed step time (1.5x nuload's batch time at the
 *       largest worker count, so nuload's capacity exceeds the step rate) reports the fraction of
 *       its time spent waiting for data, on both loaders.
 *   <li>Memory: peak resident set of the loader's processes (the {@code nuload serve} JVM, from GNU
 *       time; the DataLoader's worker processes summed, sampled by the loop while they live) and of
 *       the training-loop process.
 *   <li>The trainer's drop-in {@code nuload.torch.Loader} against a DataLoader in one script
 *       ({@link LoaderEndToEnd}).
 * </ul>
 */
public final class ServeEndToEnd {
  /** File name of the stage chart in the report folder. */
  public static final String CHART = "serve.svg";

  private static final int BATCH = 2;
  private static final long SEED = 1;

  private final Path work;
  private final int[] workers;
  private final int samples;
  private final int rounds;
  private final int scenes;
  private final LoaderEndToEnd loader;

  /**
   * Creates the benchmark.
   *
   * @param work scratch folder for the dataset and rings.
   * @param workers worker counts to measure, ascending.
   * @param samples samples per run (the first ones of the info file).
   * @param rounds alternating rounds per worker count.
   * @param scenes scenes of the shared synthetic dataroot ({@link BenchData}).
   * @param loader the Loader rows, run on the same info file.
   */
  public ServeEndToEnd(
      Path work, int[] workers, int samples, int rounds, int scenes, LoaderEndToEnd loader) {
    this.scenes = scenes;
    this.loader = loader;
    this.work = work;
    this.workers = workers.clone();
    this.samples = samples;
    this.rounds = rounds;
  }

  /**
   * Returns why the stage cannot run here, or null when it can (Python with torch, numpy, Pillow
   * and pyarrow is needed for the trainer and the baseline).
   *
   * @return the reason, or null.
   */
  public static String unavailableReason() {
    try {
      Process p =
          new ProcessBuilder("python3", "-c", "import torch, numpy, PIL, pyarrow")
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return p.waitFor() == 0 ? null : "python3 lacks torch/numpy/pillow/pyarrow: " + out.trim();
    } catch (IOException e) {
      return "python3 not found: " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  /**
   * One run of the training loop.
   *
   * @param samplesPerS steady samples/s (after the first batch).
   * @param overallSamplesPerS samples/s including start-up.
   * @param waitFraction share of the trainer's time spent waiting for data after the first batch.
   * @param overallWaitFraction the same including the wait for the first batch (start-up).
   * @param trainerPeakRssMib peak resident set of the training-loop process (NaN if unknown).
   * @param loaderPeakRssMib peak resident set of the loader's own processes: the {@code nuload
   *     serve} JVM, or the DataLoader's worker processes summed (NaN if unknown).
   */
  public record Run(
      double samplesPerS,
      double overallSamplesPerS,
      double waitFraction,
      double overallWaitFraction,
      double trainerPeakRssMib,
      double loaderPeakRssMib) {
    Run withLoaderPeakRssMib(double mib) {
      return new Run(
          samplesPerS,
          overallSamplesPerS,
          waitFraction,
          overallWaitFraction,
          trainerPeakRssMib,
          mib);
    }

    Map<String, Object> json() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("samples_per_s", samplesPerS);
      m.put("overall_samples_per_s", overallSamplesPerS);
      m.put("wait_fraction", waitFraction);
      m.put("overall_wait_fraction", overallWaitFraction);
      m.put("trainer_peak_rss_mib", Double.isNaN(trainerPeakRssMib) ? null : trainerPeakRssMib);
      m.put("loader_peak_rss_mib", Double.isNaN(loaderPeakRssMib) ? null : loaderPeakRssMib);
      return m;
    }
  }

  /**
   * What the stage measured.
   *
   * @param workers the worker counts.
   * @param exact nuload exact float32 runs per worker count.
   * @param fast nuload fast uint8 runs per worker count.
   * @param baseline DataLoader runs per worker count.
   * @param stepMs the simulated step time of the wait measurement.
   * @param waitNuload nuload (exact) under the simulated trainer.
   * @param waitBaseline the DataLoader under the simulated trainer.
   * @param samples samples per run.
   * @param loader the Loader rows.
   */
  public record Result(
      int[] workers,
      List<List<Run>> exact,
      List<List<Run>> fast,
      List<List<Run>> baseline,
      double stepMs,
      List<Run> waitNuload,
      List<Run> waitBaseline,
      int samples,
      LoaderEndToEnd.Result loader) {
    /**
     * Returns the ratio of median steady throughputs at the largest worker count, nuload exact over
     * the DataLoader.
     *
     * @return how many times the DataLoader's samples/s nuload delivers.
     */
    public double ratio() {
      int last = workers.length - 1;
      return median(exact.get(last), Run::samplesPerS)
          / median(baseline.get(last), Run::samplesPerS);
    }

    /**
     * Returns the JSON form for {@code bench-results.json}.
     *
     * @return a JSON-ready map.
     */
    public Map<String, Object> json() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("nuload", curve(exact, "nuload serve, exact, float32"));
      m.put("nuload_fast_uint8", curve(fast, "nuload serve, fast, uint8"));
      m.put(
          "baseline", curve(baseline, "PyTorch DataLoader + Python PETR pipeline (Pillow/numpy)"));
      m.put("ratio", ratio());
      m.put("ratio_at_workers", workers[workers.length - 1]);
      Map<String, Object> wait = new LinkedHashMap<>();
      wait.put("step_ms", stepMs);
      wait.put("nuload_wait_fraction_median", median(waitNuload, Run::waitFraction));
      wait.put("baseline_wait_fraction_median", median(waitBaseline, Run::waitFraction));
      wait.put("nuload_runs", waitNuload.stream().map(Run::json).toList());
      wait.put("baseline_runs", waitBaseline.stream().map(Run::json).toList());
      m.put("trainer_wait", wait);
      m.put("samples_per_run", samples);
      m.put("batch_size", BATCH);
      m.put("loader", loader.json());
      return m;
    }

    private Map<String, Object> curve(List<List<Run>> runs, String tool) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("tool", tool);
      List<Object> points = new ArrayList<>();
      for (int i = 0; i < workers.length; i++) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("workers", workers[i]);
        p.put("samples_per_s_median", median(runs.get(i), Run::samplesPerS));
        p.put("loader_peak_rss_mib_median", finite(median(runs.get(i), Run::loaderPeakRssMib)));
        p.put("trainer_peak_rss_mib_median", finite(median(runs.get(i), Run::trainerPeakRssMib)));
        p.put("runs", runs.get(i).stream().map(Run::json).toList());
        points.add(p);
      }
      m.put("points", points);
      return m;
    }

    /**
     * Returns the report section.
     *
     * @return Markdown lines.
     */
    public List<String> markdown() {
      List<String> md = new ArrayList<>();
      md.add("## serve: batches to a training loop");
      md.add("");
      md.add(
          String.format(
              Locale.ROOT,
              "Synthetic dataroot, %d samples per run, batch %d, PETRv1 views (6 x 800x320),"
                  + " %d rounds alternating; steady samples/s after the first batch (median):",
              samples,
              BATCH,
              exact.getFirst().size()));
      md.add("");
      md.add(
          "| workers | nuload exact float32 | nuload fast uint8 | DataLoader (Python PETR) | ratio |");
      md.add("|---|---|---|---|---|");
      for (int i = 0; i < workers.length; i++) {
        double e = median(exact.get(i), Run::samplesPerS);
        double b = median(baseline.get(i), Run::samplesPerS);
        md.add(
            String.format(
                Locale.ROOT,
                "| %d | %.2f | %.2f | %.2f | %.1fx |",
                workers[i],
                e,
                median(fast.get(i), Run::samplesPerS),
                b,
                e / b));
      }
      md.add("");
      md.add(
          "Peak resident memory (median of the rounds; each process's own resident set, pages"
              + " shared between processes counted in each, as `top` shows them):");
      md.add("");
      md.add(
          "| workers | nuload serve JVM | its trainer | DataLoader worker processes (sum) | its"
              + " trainer |");
      md.add("|---|---|---|---|---|");
      for (int i = 0; i < workers.length; i++) {
        md.add(
            String.format(
                Locale.ROOT,
                "| %d | %s | %s | %s | %s |",
                workers[i],
                mib(median(exact.get(i), Run::loaderPeakRssMib)),
                mib(median(exact.get(i), Run::trainerPeakRssMib)),
                mib(median(baseline.get(i), Run::loaderPeakRssMib)),
                mib(median(baseline.get(i), Run::trainerPeakRssMib))));
      }
      md.add("");
      md.add(
          String.format(
              Locale.ROOT,
              "Simulated trainer, %.0f ms per step of %d samples, %d workers: after the first"
                  + " batch it waits for data %.0f%% of its time on nuload, %.0f%% on the"
                  + " DataLoader.",
              stepMs,
              BATCH,
              workers[workers.length - 1],
              100 * median(waitNuload, Run::waitFraction),
              100 * median(waitBaseline, Run::waitFraction)));
      md.add("");
      md.add("![serve chart](" + CHART + ")");
      md.add("");
      md.addAll(loader.markdown());
      return md;
    }

    /**
     * Writes {@value #CHART}: samples/s against workers for the three loaders.
     *
     * @param out the report folder.
     * @throws IOException if the chart cannot be written.
     */
    public void writeChart(Path out) throws IOException {
      double[] x = new double[workers.length];
      for (int i = 0; i < x.length; i++) {
        x[i] = workers[i];
      }
      LineChart.write(
          out.resolve(CHART),
          "serve: samples/s into a training loop (" + samples + " samples per run)",
          "decode workers (threads for nuload, processes for the DataLoader)",
          "samples/s",
          List.of(
              new LineChart.Series("nuload exact float32", Kind.NULOAD, x, medians(exact)),
              new LineChart.Series("nuload fast uint8", Kind.LIMIT, x, medians(fast)),
              new LineChart.Series(
                  "DataLoader + Python PETR", Kind.BASELINE, x, medians(baseline))));
    }

    private static String mib(double v) {
      return Double.isNaN(v) ? "unknown" : String.format(Locale.ROOT, "%,.0f MiB", v);
    }

    private static Double finite(double v) {
      return Double.isNaN(v) ? null : v;
    }

    private static double[] medians(List<List<Run>> runs) {
      return runs.stream().mapToDouble(r -> median(r, Run::samplesPerS)).toArray();
    }
  }

  /**
   * Runs the stage.
   *
   * @param progress receives a line per step.
   * @return the measurements.
   * @throws IOException if the dataset cannot be made or a run fails.
   * @throws InterruptedException if interrupted.
   */
  public Result run(Consumer<String> progress) throws IOException, InterruptedException {
    Path root = dataset(progress);
    Path infos = infos(root);
    Serve exactSource = new Serve(root, infos, "float32", "exact");
    Serve fastSource = new Serve(root, infos, "uint8", "fast");
    // one discarded run per configuration first: the JPEGs and the info file in the page cache
    progress.accept("bench serve: warm-up");
    nuload(exactSource, workers[workers.length - 1], null);
    nuload(fastSource, workers[workers.length - 1], null);
    List<List<Run>> exact = new ArrayList<>();
    List<List<Run>> fast = new ArrayList<>();
    List<List<Run>> base = new ArrayList<>();
    for (int w : workers) {
      List<Run> e = new ArrayList<>();
      List<Run> f = new ArrayList<>();
      List<Run> b = new ArrayList<>();
      for (int r = 1; r <= rounds; r++) {
        progress.accept(
            String.format(Locale.ROOT, "bench serve: %d workers, round %d/%d", w, r, rounds));
        e.add(nuload(exactSource, w, null));
        b.add(baseline(root, infos, w, null));
        f.add(nuload(fastSource, w, null));
      }
      exact.add(e);
      fast.add(f);
      base.add(b);
    }
    int maxW = workers[workers.length - 1];
    double batchMs = 1000.0 * BATCH / median(exact.getLast(), Run::samplesPerS);
    double stepMs = Math.ceil(1.5 * batchMs);
    List<Run> waitN = new ArrayList<>();
    List<Run> waitB = new ArrayList<>();
    for (int r = 1; r <= rounds; r++) {
      progress.accept(
          String.format(
              Locale.ROOT,
              "bench serve: simulated trainer, %.0f ms per step, round %d/%d",
              stepMs,
              r,
              rounds));
      waitN.add(nuload(exactSource, maxW, stepMs));
      waitB.add(baseline(root, infos, maxW, stepMs));
    }
    LoaderEndToEnd.Result rows = loader.run(root, infos, progress);
    return new Result(workers.clone(), exact, fast, base, stepMs, waitN, waitB, samples, rows);
  }

  private Path dataset(Consumer<String> progress) throws IOException {
    return BenchData.miniWithFiles(work.resolveSibling("datasets"), scenes, progress);
  }

  private Path infos(Path root) {
    Path out = work.resolve("infos");
    new InfosJob(new ArrowInfoFileFormat(), InfosJob.Listener.QUIET, "nuload bench")
        .run(new InfosJob.Request(root, NuScenesVersion.MINI, List.of(), out, 10, false));
    try (Stream<Path> s = Files.list(out)) {
      return s.filter(p -> p.getFileName().toString().startsWith("nuscenes_infos_"))
          .filter(p -> p.toString().endsWith(".arrow"))
          .findFirst()
          .orElseThrow(() -> new IllegalStateException("no info file in " + out));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path exampleScript() {
    String repo = System.getProperty("nuload.repo.dir", ".");
    return Path.of(repo, "examples", "python", "train_tiny.py");
  }

  /**
   * The ring file: in {@code /dev/shm} where there is one, as {@code nuload serve} places it by
   * default (a ring on a disk-backed file system pays for write-back of every batch).
   */
  private Path ringPath() {
    Path shm = Path.of("/dev/shm");
    return Files.isDirectory(shm) && Files.isWritable(shm)
        ? shm.resolve("nuload-bench-" + ProcessHandle.current().pid() + ".ring")
        : work.resolve("bench.ring");
  }

  /** What a {@code nuload serve} run reads and how it decodes (the worker count varies). */
  private record Serve(Path dataroot, Path infos, String dtype, String mode) {}

  /**
   * The {@code nuload serve} command as users run it, in its own JVM (this JVM's {@code
   * --add-opens} flags, class path and {@code java}), so no state of earlier stages (heap, JIT,
   * threads) touches it.
   */
  private List<String> serveCommand(Serve s, Path ring, int w) {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("--add-opens") || a.startsWith("--enable-native-access")) {
        cmd.add(a);
      }
    }
    cmd.addAll(List.of("-Xmx2g", "-cp", System.getProperty("java.class.path")));
    cmd.add(NuloadCli.class.getName());
    cmd.addAll(
        List.of(
            "serve",
            "--infos",
            s.infos().toString(),
            "--dataroot",
            s.dataroot().toString(),
            "--ring",
            ring.toString(),
            "--preset",
            "petrv1",
            "--dtype",
            s.dtype(),
            "--mode",
            s.mode(),
            "--batch-size",
            String.valueOf(BATCH),
            "--workers",
            String.valueOf(w),
            "--slots",
            "4",
            "--seed",
            String.valueOf(SEED),
            "--limit",
            String.valueOf(samples)));
    return cmd;
  }

  private Run nuload(Serve source, int w, Double stepMs) throws IOException, InterruptedException {
    Path ring = ringPath();
    Files.deleteIfExists(ring);
    List<String> cmd = new ArrayList<>(List.of("python3", exampleScript().toString(), "ring"));
    cmd.addAll(List.of("--ring", ring.toString(), "--timeout", "120", "--quiet"));
    cmd.addAll(List.of("--step-ms", stepMs == null ? "0" : String.valueOf(stepMs)));
    Process p = new ProcessBuilder(cmd).start();
    CountDownLatch waiting = new CountDownLatch(1);
    StringBuilder err = new StringBuilder();
    Thread.ofPlatform()
        .daemon()
        .start(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  if (line.contains("waiting for batches")) {
                    waiting.countDown();
                  } else {
                    synchronized (err) {
                      err.append(line).append('\n');
                    }
                  }
                }
              } catch (IOException ignored) {
                // the process is gone; its exit code tells
              }
              waiting.countDown();
            });
    CompletableFuture<String> out = stdout(p);
    // start serving only once the trainer has imported torch and waits for the ring
    if (!waiting.await(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("the training loop did not start within 120 s");
    }
    Path log = work.resolve("serve.log");
    Path rss = work.resolve("serve-rss.txt");
    // the JVM's peak resident set, as the kernel counts it
    List<String> command = GnuTime.wrap(serveCommand(source, ring, w), rss);
    Process server =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    Run run;
    try {
      run = finish(p, out, err);
      if (!server.waitFor(60, TimeUnit.SECONDS)) {
        throw new IOException("nuload serve did not stop after its consumer finished");
      }
    } finally {
      server.destroyForcibly();
      server.waitFor();
      Files.deleteIfExists(ring);
    }
    if (server.exitValue() != 0) {
      throw new IOException(
          "nuload serve exited " + server.exitValue() + ": " + Files.readString(log).strip());
    }
    GnuTime.Report r = GnuTime.read(rss);
    return run.withLoaderPeakRssMib(r == null ? Double.NaN : r.peakRssMib());
  }

  private Run baseline(Path root, Path infos, int w, Double stepMs)
      throws IOException, InterruptedException {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "python3",
                exampleScript().toString(),
                "dataloader",
                "--infos",
                infos.toString(),
                "--dataroot",
                root.toString(),
                "--batch-size",
                String.valueOf(BATCH),
                "--workers",
                String.valueOf(w),
                "--limit",
                String.valueOf(samples),
                "--quiet",
                "--step-ms",
                stepMs == null ? "0" : String.valueOf(stepMs)));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    return finish(p, stdout(p), new StringBuilder());
  }

  private static CompletableFuture<String> stdout(Process p) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  private static Run finish(Process p, CompletableFuture<String> out, StringBuilder err)
      throws IOException, InterruptedException {
    if (!p.waitFor(600, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("the training loop did not finish within 600 s");
    }
    String text = out.join();
    if (p.exitValue() != 0) {
      throw new IOException("train_tiny.py exited " + p.exitValue() + ": " + err);
    }
    Map<String, Object> v = JsonValues.lastObject(text);
    if (JsonValues.number(v, "samples") <= 0) {
      throw new IOException("train_tiny.py served no samples: " + text);
    }
    return new Run(
        JsonValues.number(v, "steady_samples_per_s"),
        JsonValues.number(v, "samples_per_s"),
        JsonValues.number(v, "steady_wait_fraction"),
        JsonValues.number(v, "wait_fraction"),
        v.get("peak_rss_mib") instanceof Number n ? n.doubleValue() : Double.NaN,
        v.get("worker_peak_rss_mib") instanceof Number n ? n.doubleValue() : Double.NaN);
  }

  private static double median(List<Run> runs, java.util.function.ToDoubleFunction<Run> f) {
    return Stats.median(runs, f);
  }
}
