package dev.nuload.nuscenes.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nuload.ExitCode;
import dev.nuload.nuscenes.info.InfoArrowExamples;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class InspectCommandTest {
  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeEach
  void writeExamples() throws Exception {
    try (RootAllocator a = new RootAllocator()) {
      InfoArrowExamples.writeExamples(dir, a);
    }
  }

  private int run(String... args) {
    CommandLine cl = NuloadCli.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    return cl.execute(args);
  }

  @Test
  void shouldPrintSchemaMetadataRowCountAndFirstRecord() {
    Path f = dir.resolve(InfoArrowExamples.ANNOTATED_FILE);
    assertEquals(ExitCode.OK, run("inspect", f.toString()), err.toString());
    String s = out.toString();
    assertTrue(s.contains("rows: 5 in 3 record batches"), s);
    assertTrue(s.contains("nusc.version = v1.0-mini"), s);
    assertTrue(s.contains("nuload.format_version = 1"), s);
    assertTrue(s.contains("sensor2lidar_rotation: fixedsizelist(9) not null"), s);
    assertTrue(s.contains("shape=[3,3]"), s);
    assertTrue(s.contains("order=wxyz"), s);
    assertTrue(s.contains("row 0:"), s);
    assertTrue(s.contains("  lidar_path: 'samples/LIDAR_TOP/"), s);
    assertTrue(s.contains("type: 'CAM_FRONT'"), s);
    assertTrue(s.contains("gt_boxes: (2 rows) [["), s);
  }

  @Test
  void shouldPrintTheRequestedRowWithTruncatedLists() {
    Path f = dir.resolve(InfoArrowExamples.ANNOTATED_FILE);
    assertEquals(ExitCode.OK, run("inspect", "--row", "4", "--max-items", "1", f.toString()));
    String s = out.toString();
    assertTrue(s.contains("row 4:"), s);
    assertTrue(s.contains("camera_sweeps: (12 items)"), s);
    assertTrue(s.contains("... 11 more"), s);
  }

  @Test
  void shouldRejectARowOutOfRangeAsUsage() {
    Path f = dir.resolve(InfoArrowExamples.TEST_FILE);
    assertEquals(ExitCode.USAGE, run("inspect", "--row", "3", f.toString()));
    assertTrue(err.toString().contains("has 3 rows"), err.toString());
  }

  @Test
  void shouldReportAFileThatIsNotArrowAsBadData() throws Exception {
    Path f = Files.writeString(dir.resolve("x.arrow"), "not arrow");
    assertEquals(ExitCode.BAD_DATA, run("inspect", f.toString()));
    assertTrue(err.toString().contains("x.arrow"), err.toString());
  }

  @Test
  void shouldReportAMissingFileAsResourceError() {
    assertEquals(ExitCode.OUT_OF_RESOURCES, run("inspect", dir.resolve("none.arrow").toString()));
  }
}
