package dev.nuload.nuscenes.cli;

import dev.nuload.BadDataException;
import dev.nuload.ExitCode;
import dev.nuload.ResourceException;
import dev.nuload.archive.ArchiveResult;
import dev.nuload.archive.ExtractOptions;
import dev.nuload.archive.Extractor;
import dev.nuload.nuscenes.NuScenesVersion;
import dev.nuload.nuscenes.info.InfoArrowReader;
import dev.nuload.nuscenes.infos.ArrowInfoFileFormat;
import dev.nuload.nuscenes.infos.InfosJob;
import dev.nuload.nuscenes.infos.InfosManifest;
import dev.nuload.nuscenes.synth.SynthOptions;
import dev.nuload.nuscenes.synth.SynthReport;
import dev.nuload.nuscenes.synth.SyntheticDataset;
import dev.nuload.nuscenes.table.NuScenesTable;
import dev.nuload.nuscenes.table.NuScenesTables;
import dev.nuload.nuscenes.validate.DatasetValidator;
import dev.nuload.nuscenes.validate.ValidationReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.arrow.memory.RootAllocator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code nuload demo}: runs every stage that exists on a small built-in synthetic dataset and
 * prints what ran and how fast. Each stage added to nuload joins the demo.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    header = "Runs the whole pipeline on a small built-in synthetic dataset (about half a minute).",
    description = {
      "Stages: synth (a v1.0-mini dataroot with camera JPEGs, lidar, radar and maps, packed"
          + " as the official archive; one short scene by default) -> extract (the archive into"
          + " DIR/dataroot) -> validate (tables and files) -> infos (Arrow info files and token"
          + " index in DIR/infos) -> serve (PETR training batches into a shared-memory ring, read"
          + " by a PyTorch trainer process; then the same samples through a PyTorch DataLoader"
          + " running the Python PETR pipeline, for the same-run comparison) -> preview (the six"
          + " views of one sample with their GT boxes, DIR/preview.png). Prints a summary of each"
          + " stage with its time and throughput.",
      "",
      "The output folder is replaced when it holds an earlier demo; any other non-empty folder"
          + " is refused.",
      ""
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:every stage ran and the dataset is valid",
      "1:an internal error",
      "2:usage",
      "3:a stage produced bad data",
      "4:the output folder is not usable"
    })
public final class DemoCommand implements Callable<Integer> {
  /** Marker file that identifies a folder written by the demo, so it can be replaced safely. */
  static final String MARKER = ".nuload-demo";

  /** Lidar points per sweep: the demo serves cameras only, so its sweeps are kept small. */
  static final int LIDAR_POINTS = 2_000;

  /** Number of stages the demo runs. */
  static final int STAGES = 6;

  @Spec CommandSpec spec;

  @Option(
      names = {"-o", "--out"},
      paramLabel = "DIR",
      defaultValue = "nuload-demo",
      description = "where the demo writes (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(
      names = "--scenes",
      paramLabel = "N",
      defaultValue = "1",
      description = "scenes to generate, spread over mini_train and mini_val (default: 1).")
  int scenes;

  @Option(
      names = "--samples-per-scene",
      paramLabel = "N",
      defaultValue = "10",
      description =
          "samples in each scene, 2-100, or 0 for the release's counts, 38-41 per scene"
              + " (default: ${DEFAULT-VALUE}).")
  int samplesPerScene;

  @Option(
      names = "--epochs",
      paramLabel = "E",
      defaultValue = "3",
      description = "epochs the serve stage runs over the samples (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(
      names = "--seed",
      paramLabel = "S",
      defaultValue = "0",
      description = "generator seed (default: 0).")
  long seed;

  /** Creates the command (picocli fills the fields). */
  public DemoCommand() {}

  @Override
  public Integer call() throws IOException {
    if (scenes < 1 || scenes > NuScenesVersion.MINI.officialSceneCount()) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--scenes must be between 1 and 10, got " + scenes);
    }
    if (epochs < 1) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--epochs must be at least 1, got " + epochs);
    }
    PrintWriter stdout = spec.commandLine().getOut();
    Path root = out.toAbsolutePath().normalize();
    Path synthDir = root.resolve("synth");
    SynthOptions synthOptions;
    try {
      synthOptions =
          SynthOptions.builder(synthDir)
              .version(NuScenesVersion.MINI)
              .scenes(scenes)
              .seed(seed)
              .samplesPerScene(samplesPerScene)
              .lidarPoints(LIDAR_POINTS)
              .archive(true)
              .build();
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    prepare(root);
    List<String[]> rows = new ArrayList<>();

    Path dataroot = root.resolve("dataroot");
    Files.writeString(root.resolve(MARKER), "written by nuload demo\n");
    stdout.printf(
        "demo: [1/%d] synth v1.0-mini, %d scene(s), packed as the official v1.0-mini.tgz -> %s%n",
        STAGES, scenes, synthDir);
    stdout.flush();
    SynthReport synth = SyntheticDataset.generate(synthOptions);
    rows.add(
        new String[] {
          "synth",
          String.format(
              Locale.ROOT,
              "%d samples, %d sample_data, %d annotations; %,d files, %.1f MB, %d archive(s)",
              synth.records("sample"),
              synth.records("sample_data"),
              synth.records("sample_annotation"),
              synth.filesWritten(),
              synth.bytesWritten() / 1e6,
              synth.archives().size()),
          seconds(synth.elapsed().toNanos()),
          String.format(Locale.ROOT, "%.1f MB/s", synth.megabytesPerSecond())
        });

    // keep only the archives: the dataroot the later stages use is what extraction produces
    for (Path a : synth.archives()) {
      if (!a.getParent().equals(synthDir.resolve("archives"))) {
        throw new IllegalStateException("synth archive outside " + synthDir + ": " + a);
      }
    }
    try (Stream<Path> children = Files.list(synthDir)) {
      for (Path c : children.toList()) {
        if (!c.getFileName().toString().equals("archives")) {
          if (Files.isDirectory(c)) {
            deleteTree(c);
          } else {
            Files.delete(c);
          }
        }
      }
    }
    stdout.printf("demo: [2/%d] extract %s -> %s%n", STAGES, archiveNames(synth), dataroot);
    stdout.flush();
    long te = System.nanoTime();
    List<ArchiveResult> extracted;
    try (Extractor x = new Extractor(ExtractOptions.defaults(dataroot))) {
      extracted = x.extractAll(synth.archives(), new Extractor.Listener() {});
    }
    long extractNanos = System.nanoTime() - te;
    long files = 0;
    long bytes = 0;
    for (ArchiveResult a : extracted) {
      if (a.status() == ArchiveResult.Status.FAILED) {
        printTable(stdout, rows);
        throw a.error();
      }
      files += a.filesWritten();
      bytes += a.bytesWritten();
    }
    rows.add(
        new String[] {
          "extract",
          String.format(
              Locale.ROOT,
              "%,d files, %.1f MB from %d archive(s), checked and renamed into place",
              files,
              bytes / 1e6,
              extracted.size()),
          seconds(extractNanos),
          String.format(Locale.ROOT, "%.0f MB/s", bytes / 1e6 / (extractNanos / 1e9))
        });

    stdout.printf("demo: [3/%d] validate tables and files%n", STAGES);
    stdout.flush();
    long t0 = System.nanoTime();
    ValidationReport report = new ValidationReport(5);
    NuScenesTables tables =
        DatasetValidator.validate(
            dataroot,
            DatasetValidator.versionDir(dataroot, NuScenesVersion.MINI.dirName()),
            false,
            report);
    long validateNanos = System.nanoTime() - t0;
    long records = 0;
    for (NuScenesTable t : NuScenesTable.values()) {
      records += tables.has(t) ? tables.count(t) : 0;
    }
    rows.add(
        new String[] {
          "validate",
          String.format(
              Locale.ROOT,
              "%,d records, %,d files checked: %d errors, %d warnings",
              records,
              tables.count(NuScenesTable.SAMPLE_DATA),
              report.errors(),
              report.warnings()),
          seconds(validateNanos),
          String.format(Locale.ROOT, "%,.0f records/s", records / (validateNanos / 1e9))
        });
    if (report.errors() > 0) {
      report.print(stdout);
      printTable(stdout, rows);
      return ExitCode.BAD_DATA;
    }

    Path infosDir = root.resolve("infos");
    stdout.printf("demo: [4/%d] infos -> %s%n", STAGES, infosDir);
    stdout.flush();
    InfosJob.Result infos =
        new InfosJob(
                new ArrowInfoFileFormat(),
                InfosJob.Listener.QUIET,
                "nuload " + NuloadVersion.version())
            .run(
                new InfosJob.Request(
                    dataroot, NuScenesVersion.MINI, List.of(), infosDir, 10, /*force*/ true));
    InfosManifest.Summary sum = infos.manifest().summary();
    long infoBytes = 0;
    StringBuilder perSplit = new StringBuilder();
    for (Map.Entry<String, Long> e : sum.samples().entrySet()) {
      perSplit.append(perSplit.isEmpty() ? "" : ", ").append(e.getKey()).append(' ');
      perSplit.append(e.getValue());
    }
    for (InfosManifest.OutputFile f : infos.manifest().files()) {
      infoBytes += f.size();
    }
    long samples = sum.samples().values().stream().mapToLong(Long::longValue).sum();
    rows.add(
        new String[] {
          "infos",
          String.format(
              Locale.ROOT,
              "%s samples, %,d boxes; Arrow + token index %.1f MB",
              perSplit,
              sum.boxes(),
              infoBytes / 1e6),
          seconds(infos.elapsed().toNanos()),
          String.format(Locale.ROOT, "%,.0f samples/s", samples / (infos.elapsed().toNanos() / 1e9))
        });

    Path infoFile = infosDir.resolve("nuscenes_infos_mini_train.arrow");
    if (!Files.exists(infoFile)) {
      infoFile = infosDir.resolve("nuscenes_infos_mini_val.arrow");
    }
    Path shm = Path.of("/dev/shm");
    Path ring =
        (Files.isDirectory(shm) && Files.isWritable(shm) ? shm : root)
            .resolve("nuload-demo-" + ProcessHandle.current().pid() + ".ring");
    stdout.printf(
        "demo: [5/%d] serve %s, %d epoch(s), as PETR training batches -> %s; then the same"
            + " samples through a PyTorch DataLoader%n",
        STAGES, infoFile.getFileName(), epochs, ring);
    stdout.flush();
    DemoServe.Outcome served;
    try {
      served = DemoServe.run(infoFile, dataroot, ring, epochs);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("demo: interrupted while serving", e);
    }
    long expected = epochs * rows(infoFile);
    String rate =
        Double.isNaN(served.steadySamplesPerSecond())
            ? String.format(Locale.ROOT, "%.1f samples/s", served.samples() / served.serveSeconds())
            : String.format(Locale.ROOT, "%.1f samples/s steady", served.steadySamplesPerSecond());
    rows.add(
        new String[] {
          "serve",
          String.format(
              Locale.ROOT,
              "%d batches of %d (img %s) read by %s",
              served.batches(),
              DemoServe.BATCH,
              served.imgShape(),
              served.consumer()),
          seconds((long) (served.serveSeconds() * 1e9)),
          rate
        });
    rows.add(
        new String[] {
          "baseline",
          served.baseline() == null
              ? served.baselineNote()
              : served.baselineNote() + ", same samples and epochs",
          "",
          served.baseline() == null
              ? ""
              : String.format(
                  Locale.ROOT,
                  "%.1f samples/s steady (nuload %.1fx)",
                  served.baseline(),
                  served.steadySamplesPerSecond() / served.baseline())
        });
    if (served.samples() != expected) {
      printTable(stdout, rows);
      throw new BadDataException(
          "demo: the consumer read " + served.samples() + " samples, expected " + expected);
    }

    Path png = root.resolve("preview.png");
    stdout.printf("demo: [6/%d] preview of the first sample -> %s%n", STAGES, png);
    stdout.flush();
    long tp = System.nanoTime();
    int boxes = DemoPreview.write(infoFile, dataroot, png);
    rows.add(
        new String[] {
          "preview",
          String.format(
              Locale.ROOT,
              "6 views of the first sample, test pipeline, %d GT boxes projected -> preview.png",
              boxes),
          seconds(System.nanoTime() - tp),
          ""
        });

    stdout.println();
    printTable(stdout, rows);
    stdout.println();
    stdout.println(
        "dataroot: " + dataroot + "  (extracted from " + synthDir.resolve("archives") + ")");
    stdout.println("infos:    " + infosDir);
    stdout.println("preview:  " + png);
    stdout.println("next:     ./nuload inspect " + infoFile);
    stdout.println(
        "          python3 -c \"import nuload.infos as i; print(len(i.load('"
            + infoFile
            + "')['infos']))\"   (after pip install ./python)");
    stdout.flush();
    return ExitCode.OK;
  }

  /** Empties an earlier demo folder; refuses a non-empty folder the demo did not write. */
  private static void prepare(Path root) throws IOException {
    if (Files.exists(root) && !Files.isDirectory(root)) {
      throw new ResourceException("demo output is not a directory: " + root);
    }
    if (Files.isDirectory(root)) {
      boolean empty;
      try (Stream<Path> s = Files.list(root)) {
        empty = s.findAny().isEmpty();
      }
      if (!empty && !Files.exists(root.resolve(MARKER))) {
        throw new ResourceException(
            "demo output "
                + root
                + " is not empty and was not written by the demo; choose another --out");
      }
      deleteTree(root);
    }
    Files.createDirectories(root);
  }

  static void deleteTree(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      s.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.delete(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    }
  }

  private static long rows(Path infoFile) throws IOException {
    try (RootAllocator alloc = new RootAllocator();
        InfoArrowReader reader = InfoArrowReader.open(infoFile, alloc)) {
      return reader.rowCount();
    }
  }

  private static String archiveNames(SynthReport synth) {
    List<String> names = new ArrayList<>();
    for (Path a : synth.archives()) {
      names.add(a.getFileName().toString());
    }
    return String.join(", ", names);
  }

  private static String seconds(long nanos) {
    return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
  }

  private static void printTable(PrintWriter w, List<String[]> rows) {
    String[] head = {"stage", "work", "time", "throughput"};
    int[] width = new int[head.length];
    for (int i = 0; i < head.length; i++) {
      width[i] = head[i].length();
      for (String[] r : rows) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    printRow(w, head, width);
    String[] rule = new String[head.length];
    for (int i = 0; i < head.length; i++) {
      rule[i] = "-".repeat(width[i]);
    }
    printRow(w, rule, width);
    for (String[] r : rows) {
      printRow(w, r, width);
    }
  }

  private static void printRow(PrintWriter w, String[] cells, int[] width) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < cells.length; i++) {
      sb.append(i == 0 ? "" : "  ").append(String.format("%-" + width[i] + "s", cells[i]));
    }
    w.println(sb.toString().stripTrailing());
  }
}
