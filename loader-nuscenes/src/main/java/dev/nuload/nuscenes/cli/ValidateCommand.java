package dev.nuload.nuscenes.cli;

import dev.nuload.ExitCode;
import dev.nuload.nuscenes.table.NuScenesTable;
import dev.nuload.nuscenes.table.NuScenesTables;
import dev.nuload.nuscenes.validate.DatasetValidator;
import dev.nuload.nuscenes.validate.ValidationReport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code nuload validate DATAROOT}: checks the tables (and optionally the sensor files) of a
 * nuScenes dataset root. Every report line goes to standard output.
 */
@Command(
    name = "validate",
    description = {
      "Checks a nuScenes dataset root: all 13 tables present and well-typed, unique tokens,"
          + " references resolve, prev/next chains consistent, one keyframe per channel per"
          + " sample, ego poses, camera sizes, quaternions, enumerations and (unless"
          + " --tables-only) that every sample_data file and map exists.",
      "",
      "Output (standard output): one line per problem,"
          + " 'ERROR|WARN table.field token=TOKEN: message', at most --max-problems of each"
          + " kind followed by '... and N more'; then a 'counts:' line and a summary line"
          + " 'validate: E errors, W warnings'.",
      "",
      "Errors would break the info converters or mean inconsistent tables; warnings do not"
          + " change any info record (e.g. dangling scene.log_token or map.log_tokens).",
      ""
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:no errors (warnings allowed)",
      "2:usage (bad option or argument)",
      "3:errors found, or no/several version folders",
      "4:DATAROOT is not a directory"
    })
public final class ValidateCommand implements Callable<Integer> {
  @picocli.CommandLine.Mixin HelpOption helpOption;

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "DATAROOT", description = "dataset root folder.")
  Path root;

  @Option(
      names = "--version",
      paramLabel = "V",
      description = "table folder under DATAROOT (default: the single v1.0-*/v1.01-* folder).")
  String version;

  @Option(names = "--tables-only", description = "do not check that sensor and map files exist.")
  boolean tablesOnly;

  @Option(
      names = "--max-problems",
      paramLabel = "N",
      defaultValue = "20",
      description = "lines printed per problem kind (default: ${DEFAULT-VALUE}).")
  int maxProblems;

  /** Creates the command (picocli fills the fields). */
  public ValidateCommand() {}

  @Override
  public Integer call() {
    if (maxProblems < 1) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--max-problems must be at least 1, got " + maxProblems);
    }
    PrintWriter out = spec.commandLine().getOut();
    Path dir = DatasetValidator.versionDir(root, version);
    ValidationReport report = new ValidationReport(maxProblems);
    long t0 = System.nanoTime();
    NuScenesTables tables = DatasetValidator.validate(root, dir, tablesOnly, report);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    out.println("validate: " + dir + (tablesOnly ? " (tables only)" : ""));
    report.print(out);
    StringBuilder counts = new StringBuilder("counts:");
    for (NuScenesTable t : NuScenesTable.values()) {
      counts.append(' ').append(t.tableName()).append('=');
      counts.append(tables.has(t) ? String.valueOf(tables.count(t)) : "absent");
    }
    out.println(counts);
    out.println(
        "validate: "
            + report.errors()
            + " errors, "
            + report.warnings()
            + " warnings ("
            + ms
            + " ms)");
    out.flush();
    return report.errors() > 0 ? ExitCode.BAD_DATA : ExitCode.OK;
  }
}
