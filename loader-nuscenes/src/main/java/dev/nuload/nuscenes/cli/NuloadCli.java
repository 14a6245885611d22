package dev.nuload.nuscenes.cli;

import dev.nuload.ExitCode;
import dev.nuload.NuloadException;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code nuload} command line: one subcommand per stage. Exit codes follow {@link ExitCode}.
 */
@Command(
    name = "nuload",
    mixinStandardHelpOptions = true,
    versionProvider = NuloadVersion.class,
    header = "nuScenes from archives to GPU.",
    description = {
      "Extracts nuScenes archives, builds info files, serves multi-view batches over shared"
          + " memory, and measures every stage.",
      ""
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success",
      "1:failure (an unexpected internal error)",
      "2:usage (bad option or argument)",
      "3:bad data (the message names file, entry, table, field or token)",
      "4:out of resources (space, memory, directory, busy ring)"
    })
public final class NuloadCli implements Runnable {
  /**
   * The subcommands, in help order. Added by {@link #commandLine(String)}: picocli builds a
   * command's model by reflection when it is added, and building all of them costs about 0.15 s of
   * every start, so a run of one command builds only that one.
   */
  private static final List<Class<?>> SUBCOMMANDS =
      List.of(
          DemoCommand.class,
          ExampleInfosCommand.class,
          ExtractCommand.class,
          InspectCommand.class,
          InfosCommand.class,
          PreviewCommand.class,
          RepackCommand.class,
          SampleDigestsCommand.class,
          ServeCommand.class,
          ServePatternCommand.class,
          SynthCommand.class,
          ValidateCommand.class,
          CommandLine.HelpCommand.class);

  @Spec CommandSpec spec;

  /** Creates the root command. */
  public NuloadCli() {}

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /**
   * Builds the configured command line (exit-code mapping, error printing). Tests use this to run
   * commands in-process.
   *
   * @return a ready {@link CommandLine}.
   */
  public static CommandLine commandLine() {
    return commandLine(null);
  }

  /**
   * Builds the command line with only the subcommand named {@code first} when there is one by that
   * name, otherwise with all of them (root help, {@code help COMMAND}, unknown names).
   *
   * @param first the first command-line argument, or null.
   * @return a ready {@link CommandLine}.
   */
  static CommandLine commandLine(String first) {
    CommandLine cl = new CommandLine(new NuloadCli());
    List<Class<?>> named =
        SUBCOMMANDS.stream()
            .filter(c -> c != CommandLine.HelpCommand.class)
            .filter(c -> c.getAnnotation(Command.class).name().equals(first))
            .toList();
    for (Class<?> c : named.isEmpty() ? SUBCOMMANDS : named) {
      cl.addSubcommand(c);
    }
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          PrintWriter err = commandLine.getErr();
          if (ex instanceof NuloadException) {
            err.println("nuload " + commandLine.getCommandName() + ": " + ex.getMessage());
          } else {
            err.println("nuload " + commandLine.getCommandName() + ": internal error: " + ex);
            ex.printStackTrace(err);
          }
          err.flush();
          return exitCodeOf(ex);
        });
    return cl;
  }

  static int exitCodeOf(Throwable t) {
    if (t instanceof CommandLine.ParameterException) {
      return ExitCode.USAGE; // the mapper also sees usage errors; keep picocli's code 2
    }
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof NuloadException ne) {
        return ne.exitCode();
      }
      if (c instanceof OutOfMemoryError) {
        return ExitCode.OUT_OF_RESOURCES;
      }
      if (c instanceof java.nio.file.FileSystemException fse
          && fse.getMessage() != null
          && fse.getMessage().contains("No space left")) {
        return ExitCode.OUT_OF_RESOURCES;
      }
    }
    return ExitCode.FAILURE;
  }

  /**
   * Runs nuload.
   *
   * @param args the command line.
   */
  public static void main(String[] args) {
    System.exit(commandLine(args.length > 0 ? args[0] : null).execute(args));
  }
}
