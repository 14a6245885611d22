package dev.nuload.nuscenes.cli;

import dev.nuload.BadDataException;
import dev.nuload.ExitCode;
import dev.nuload.ResourceException;
import dev.nuload.archive.ArchiveResult;
import dev.nuload.archive.ExtractOptions;
import dev.nuload.archive.Extractor;
import dev.nuload.nuscenes.NuScenesVersion;
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
    header = "Runs the whole pipeline on a small built-in synthetic dataset.",
    description = {
      "Stages: synth (a v1.0-mini dataroot with camera JPEGs, lidar, radar and maps, packed"
          + " as the official archive) -> extract (the archive into DIR/dataroot) ->"
          + " validate (tables and files) -> infos (Arrow info files and token index in"
          + " DIR/infos) -> serve (PETRv2 batches into a shared-memory ring, read by a Python"
          + " consumer process). Prints a summary of each stage with its time and throughput.",
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

  /** Number of stages the demo runs. */
  static final int STAGES = 5;

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
      defaultValue = "2",
      description = "scenes to generate, spread over mini_train and mini_val (default: 2).")
  int scenes;

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
    PrintWriter stdout = spec.commandLine().getOut();
    Path root = out.toAbsolutePath().normalize();
    prepare(root);
    List<String[]> rows = new ArrayList<>();

    Path synthDir = root.resolve("synth");
    Path dataroot = root.resolve("dataroot");
    Files.writeString(root.resolve(MARKER), "written by nuload demo\n");
    stdout.printf(
        "demo: [1/%d] synth v1.0-mini, %d scene(s), packed as the official v1.0-mini.tgz -> %s%n",
        STAGES, scenes, synthDir);
    stdout.flush();
    SynthReport synth =
        SyntheticDataset.generate(
            SynthOptions.builder(synthDir)
                .version(NuScenesVersion.MINI)
                .scenes(scenes)
                .seed(seed)
                .archive(true)
                .build());
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
        "demo: [5/%d] serve %d samples of %s as PETRv2 batches -> %s%n",
        STAGES, DemoServe.SAMPLES, infoFile.getFileName(), ring);
    stdout.flush();
    DemoServe.Outcome served;
    try {
      served = DemoServe.run(infoFile, dataroot, ring);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("demo: interrupted while serving", e);
    }
    rows.add(
        new String[] {
          "serve",
          String.format(
              Locale.ROOT,
              "%d batches of %d (%s) read by %s",
              served.batches(),
              DemoServe.BATCH,
              served.detail(),
              served.consumer()),
          seconds((long) (served.serveSeconds() * 1e9)),
          String.format(Locale.ROOT, "%.1f samples/s", served.samples() / served.serveSeconds())
        });
    if (served.samples() != DemoServe.SAMPLES) {
      printTable(stdout, rows);
      throw new BadDataException(
          "demo: the consumer read "
              + served.samples()
              + " samples, expected "
              + DemoServe.SAMPLES);
    }

    stdout.println();
    printTable(stdout, rows);
    stdout.println();
    stdout.println(
        "dataroot: " + dataroot + "  (extracted from " + synthDir.resolve("archives") + ")");
    stdout.println("infos:    " + infosDir);
    stdout.println(
        "next:     ./nuload inspect " + infosDir.resolve("nuscenes_infos_mini_train.arrow"));
    stdout.println(
        "          python3 -c \"import nuload.infos as i; print(len(i.load('"
            + infosDir.resolve("nuscenes_infos_mini_val.arrow")
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
