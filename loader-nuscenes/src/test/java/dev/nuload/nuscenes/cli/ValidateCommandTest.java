package dev.nuload.nuscenes.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nuload.nuscenes.table.Fixtures;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ValidateCommandTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cl = NuloadCli.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    return cl.execute(args);
  }

  @Test
  void shouldExitZeroWhenOnlyWarnings() {
    int rc = run("validate", Fixtures.real("scene-0523").toString(), "--tables-only");
    assertEquals(0, rc, out + "" + err);
    assertTrue(out.toString().contains("validate: 0 errors, 5 warnings"), out.toString());
  }

  @Test
  void shouldExitThreeWhenErrors() {
    int rc = run("validate", Fixtures.real("mini-partial").toString(), "--max-problems", "1");
    assertEquals(3, rc);
    assertTrue(out.toString().contains("ERROR sample_data.*: table file missing"), out.toString());
    assertTrue(out.toString().contains("counts: attribute=8"), out.toString());
  }

  @Test
  void shouldExitTwoOnBadOption() {
    assertEquals(2, run("validate", "--bogus", "x"));
    assertTrue(err.toString().contains("--bogus"), err.toString());
  }

  @Test
  void shouldExitThreeWhenNoVersionFolder() {
    int rc = run("validate", Fixtures.real("keyframe-scene-0061").toString());
    assertEquals(3, rc);
    assertTrue(err.toString().contains("pass --version"), err.toString());
  }
}
