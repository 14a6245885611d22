package dev.nuload.nuscenes.synth;

import dev.nuload.NuloadException;
import dev.nuload.ResourceException;
import dev.nuload.nuscenes.synth.TableWriters.Fragment;
import dev.nuload.nuscenes.synth.TableWriters.Table;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Generates a synthetic nuScenes dataset that the official devkit loads unchanged: the 13 tables,
 * the map masks, optionally the sensor files of every sample_data, and optionally official-style
 * archives.
 *
 * <p>Scenes are simulated in parallel, each from its own random stream, and their records are
 * appended to the tables in scene order, so the output is identical for any thread count and memory
 * is bounded by the scenes in flight. Sensor files are written by a second pool, one {@link
 * SensorFileWriter} per thread, each file to a temporary name then renamed.
 */
public final class SyntheticDataset {
  private static final int FRAMES_PER_TASK = 48;

  private SyntheticDataset() {}

  /**
   * Generates a dataset, printing one progress line per scene to standard error.
   *
   * @param options what to generate.
   * @return counts, sizes and paths.
   * @throws NuloadException on an I/O error (naming the path) or a sensor writer failure.
   */
  public static SynthReport generate(SynthOptions options) {
    PrintStream err = System.err;
    return generate(options, err::println);
  }

  /**
   * Generates a dataset.
   *
   * @param options what to generate.
   * @param progress receives one line per scene and per phase.
   * @return counts, sizes and paths.
   * @throws NuloadException on an I/O error (naming the path) or a sensor writer failure.
   */
  public static SynthReport generate(SynthOptions options, Consumer<String> progress) {
    try {
      return new Run(options, progress).run();
    } catch (IOException e) {
      throw new ResourceException("synth: cannot write under " + options.out() + ": " + e, e);
    }
  }

  private static final class Run {
    final SynthOptions o;
    final Consumer<String> progress;
    final Path root;
    final DatasetPlan plan;
    final AtomicLong files = new AtomicLong();
    final AtomicLong bytes = new AtomicLong();
    final AtomicReference<Throwable> failure = new AtomicReference<>();
    final List<SensorFileWriter> writers = Collections.synchronizedList(new ArrayList<>());
    final ThreadLocal<SensorFileWriter> writer =
        ThreadLocal.withInitial(
            () -> {
              SensorFileWriter w = new SensorFileWriter();
              writers.add(w);
              return w;
            });

    Run(SynthOptions o, Consumer<String> progress) {
      this.o = o;
      this.progress = progress;
      this.root = o.out();
      this.plan = DatasetPlan.of(o);
    }

    SynthReport run() throws IOException {
      long t0 = System.nanoTime();
      Files.createDirectories(root);
      Path tablesDir = root.resolve(o.version().dirName());
      int parts =
          switch (o.version()) {
            case MINI, TEST -> 1;
            case TRAINVAL -> Math.min(10, o.scenes());
          };
      List<Path> partLists = new ArrayList<>();
      List<BufferedWriter> partOut = new ArrayList<>();
      boolean lists = o.archive() && o.sensorFiles();
      if (lists) {
        Path tmp = Files.createDirectories(root.resolve(".nuload-synth"));
        for (int p = 0; p < parts; p++) {
          Path l = tmp.resolve("part" + (p + 1) + ".lst");
          partLists.add(l);
          partOut.add(Files.newBufferedWriter(l));
        }
      }
      if (o.sensorFiles()) {
        for (Taxonomy.Sensor s : Taxonomy.SENSORS) {
          Files.createDirectories(root.resolve("samples").resolve(s.channel()));
          Files.createDirectories(root.resolve("sweeps").resolve(s.channel()));
        }
      }
      Map<String, List<double[][]>> roads = new LinkedHashMap<>();
      for (String loc : DatasetPlan.LOCATIONS) {
        roads.put(loc, new ArrayList<>());
      }
      Map<String, Long> counts = new LinkedHashMap<>();
      ExecutorService sim = Executors.newFixedThreadPool(o.threads());
      ExecutorService io = Executors.newFixedThreadPool(o.threads());
      Semaphore pending = new Semaphore(o.threads() * 8);
      try (TableWriters tables = new TableWriters(tablesDir)) {
        for (Fragment f : StaticTables.fragments(plan)) {
          tables.append(f);
        }
        Deque<Future<Object[]>> window = new ArrayDeque<>();
        int next = 0;
        int done = 0;
        int n = plan.scenes.size();
        while (done < n) {
          while (next < n && window.size() < 2 * o.threads()) {
            DatasetPlan.ScenePlan sp = plan.scenes.get(next++);
            window.add(
                sim.submit(
                    () -> {
                      SceneData d = SceneSimulator.simulate(sp, o.version().annotated());
                      return new Object[] {d, SceneTables.fragments(d)};
                    }));
          }
          Object[] r = take(window.poll());
          SceneData d = (SceneData) r[0];
          @SuppressWarnings("unchecked")
          List<Fragment> frags = (List<Fragment>) r[1];
          for (Fragment f : frags) {
            tables.append(f);
          }
          roads.get(d.plan.log().location()).add(road(d));
          if (o.sensorFiles()) {
            if (lists) {
              writeList(partOut.get((int) ((long) done * parts / n)), d);
            }
            submitFiles(io, pending, d);
          }
          done++;
          progress.accept(
              String.format(
                  "synth: scene %d/%d %s (%d samples, %d sample_data, %d annotations)",
                  done,
                  n,
                  d.plan.name(),
                  d.sampleTs.length,
                  frags.get(3).count(),
                  frags.get(6).count()));
          checkFailure();
        }
        for (Table t : Table.values()) {
          counts.put(t.fileName(), tables.records(t));
        }
        long tableBytes = 0;
        for (Table t : Table.values()) {
          tableBytes += tables.bytes(t);
        }
        tables.commit();
        files.addAndGet(Table.values().length);
        bytes.addAndGet(tableBytes);
      } finally {
        sim.shutdown();
        io.shutdown();
        try {
          io.awaitTermination(7, TimeUnit.DAYS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new ResourceException("synth: interrupted while writing sensor files", e);
        }
        for (BufferedWriter w : partOut) {
          w.close();
        }
        for (SensorFileWriter w : writers) {
          w.close();
        }
      }
      checkFailure();
      writeMaps(roads);
      List<Path> archives = List.of();
      if (o.archive()) {
        progress.accept("synth: packing archives into " + root.resolve("archives"));
        archives = ArchivePacker.pack(root, o.version(), partLists);
      }
      for (Path l : partLists) {
        Files.deleteIfExists(l);
      }
      if (lists) {
        Files.deleteIfExists(root.resolve(".nuload-synth"));
      }
      return new SynthReport(
          counts,
          files.get(),
          bytes.get(),
          Duration.ofNanos(System.nanoTime() - t0),
          root,
          tablesDir,
          archives);
    }

    private static Object[] take(Future<Object[]> f) {
      try {
        return f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ResourceException("synth: interrupted", e);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof RuntimeException re) {
          throw re;
        }
        throw new NuloadException(1, "synth: scene simulation failed: " + e.getCause(), e);
      }
    }

    private void checkFailure() {
      Throwable t = failure.get();
      if (t instanceof NuloadException ne) {
        throw ne;
      }
      if (t != null) {
        throw new NuloadException(1, "synth: writing sensor files failed: " + t, t);
      }
    }

    private static double[][] road(SceneData d) {
      SceneData.Frames lidar = d.frames[channelIndex("LIDAR_TOP")];
      List<double[]> pts = new ArrayList<>();
      for (int i = 0; i < lidar.size(); i += 5) {
        pts.add(new double[] {lidar.egoT[i][0], lidar.egoT[i][1]});
      }
      return pts.toArray(new double[0][]);
    }

    private void writeList(BufferedWriter w, SceneData d) throws IOException {
      String logfile = d.plan.log().logfile();
      for (int c = 0; c < d.frames.length; c++) {
        Taxonomy.Sensor s = Taxonomy.SENSORS.get(c);
        SceneData.Frames f = d.frames[c];
        for (int i = 0; i < f.size(); i++) {
          w.write(SceneTables.filename(logfile, s.channel(), s.modality(), f.key[i], f.ts[i]));
          w.newLine();
        }
      }
    }

    private void submitFiles(ExecutorService io, Semaphore pending, SceneData d) {
      for (int c = 0; c < d.frames.length; c++) {
        int channel = c;
        for (int from = 0; from < d.frames[c].size(); from += FRAMES_PER_TASK) {
          int start = from;
          int end = Math.min(d.frames[c].size(), from + FRAMES_PER_TASK);
          pending.acquireUninterruptibly();
          io.execute(
              () -> {
                try {
                  if (failure.get() == null) {
                    writeFrames(d, channel, start, end);
                  }
                } catch (Throwable t) {
                  failure.compareAndSet(null, t);
                } finally {
                  pending.release();
                }
              });
        }
      }
    }

    private void writeFrames(SceneData d, int channel, int from, int to) throws IOException {
      SensorFileWriter w = writer.get();
      Taxonomy.Sensor s = Taxonomy.SENSORS.get(channel);
      String logfile = d.plan.log().logfile();
      SceneData.Frames f = d.frames[channel];
      for (int i = from; i < to; i++) {
        Path file =
            root.resolve(
                SceneTables.filename(logfile, s.channel(), s.modality(), f.key[i], f.ts[i]));
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        long n =
            switch (s.modality()) {
              case "camera" -> w.writeCamera(tmp, SensorFrameFactory.camera(d, channel, i));
              case "lidar" ->
                  w.writeLidar(tmp, SensorFrameFactory.lidar(d, channel, i, o.lidarPoints()));
              default -> w.writeRadar(tmp, SensorFrameFactory.radar(d, channel, i));
            };
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        files.incrementAndGet();
        bytes.addAndGet(n);
      }
    }

    private void writeMaps(Map<String, List<double[][]>> roads) throws IOException {
      Path maps = Files.createDirectories(root.resolve("maps"));
      try (SensorFileWriter w = new SensorFileWriter()) {
        for (DatasetPlan.MapPlan m : plan.maps) {
          Path file = maps.resolve(m.token() + ".png");
          Path tmp = maps.resolve(m.token() + ".png.tmp");
          SensorFrames.MapFrame frame =
              new SensorFrames.MapFrame(
                  m.location(), roads.get(m.location()), 0.1, DatasetPlan.mix(o.seed(), -2));
          long n;
          try {
            n = w.writeMap(tmp, frame);
          } catch (UnsupportedOperationException e) {
            n = FallbackMap.write(tmp);
          }
          Files.move(
              tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
          files.incrementAndGet();
          bytes.addAndGet(n);
        }
      }
    }
  }

  static int channelIndex(String channel) {
    for (int i = 0; i < Taxonomy.SENSORS.size(); i++) {
      if (Taxonomy.SENSORS.get(i).channel().equals(channel)) {
        return i;
      }
    }
    throw new IllegalArgumentException(channel);
  }
}
