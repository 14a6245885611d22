package dev.nuload.nuscenes.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code nuload extract} and {@code nuload repack} end to end, on real {@code nuload synth} output.
 */
class ExtractCommandTest {
  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cl = NuloadCli.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    return cl.execute(args);
  }

  /** The archives {@code nuload synth --archive} writes (trainval metadata: maps and 13 tables). */
  private Path synthMetaArchive() {
    Path data = dir.resolve("synth");
    int rc =
        run(
            "synth",
            "--out",
            data.toString(),
            "--version",
            "v1.0-trainval",
            "--scenes",
            "2",
            "--meta-only",
            "--archive");
    assertEquals(0, rc, out + " " + err);
    Path tgz = data.resolve("archives/v1.0-trainval_meta.tgz");
    assertTrue(Files.isRegularFile(tgz), "synth wrote " + tgz);
    return tgz;
  }

  static String sh(Path cwd, String script) throws Exception {
    Process p =
        new ProcessBuilder("sh", "-c", script)
            .directory(cwd.toFile())
            .redirectErrorStream(true)
            .start();
    String o = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), script + ": " + o);
    return o;
  }

  static Map<String, String> tree(Path root) throws IOException {
    Map<String, String> m = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        String rel = root.relativize(p).toString();
        if (rel.isEmpty() || rel.startsWith(".nuload")) {
          continue;
        }
        m.put(
            rel,
            Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)
                ? "dir"
                : Integer.toHexString(java.util.Arrays.hashCode(Files.readAllBytes(p)))
                    + ":"
                    + Files.size(p));
      }
    }
    return m;
  }

  @Test
  void shouldExtractSynthArchiveToTheSameTreeAsTar() throws Exception {
    Path tgz = synthMetaArchive();
    Path ref = Files.createDirectories(dir.resolve("ref"));
    sh(ref, "tar -xzf " + tgz);
    out.getBuffer().setLength(0);
    int rc =
        run("extract", tgz.toString(), "--to", dir.resolve("root").toString(), "--workers", "2");
    assertEquals(0, rc, out + " " + err);
    assertTrue(out.toString().contains("v1.0-trainval_meta.tgz"), out.toString());
    assertTrue(out.toString().contains("extracted"), out.toString());
    assertEquals(tree(ref), tree(dir.resolve("root")));
    assertTrue(tree(ref).containsKey("v1.0-trainval/sample_data.json"));
  }

  @Test
  void shouldRepackSynthArchiveAndExtractItToTheSameTree() throws Exception {
    Path tgz = synthMetaArchive();
    Path zst = dir.resolve("meta.tar.zst");
    assertEquals(
        0, run("repack", tgz.toString(), zst.toString(), "--frame-mib", "1"), err.toString());
    assertTrue(out.toString().contains("frames"), out.toString());
    Path ref = Files.createDirectories(dir.resolve("ref"));
    sh(ref, "tar -xzf " + tgz);
    assertEquals(
        0, run("extract", zst.toString(), "--to", dir.resolve("root").toString()), err.toString());
    assertTrue(out.toString().contains("indexed"), out.toString());
    assertEquals(tree(ref), tree(dir.resolve("root")));
  }

  @Test
  void shouldExitThreeNamingArchiveEntryAndReason() throws Exception {
    sh(
        dir,
        "python3 -c \"import tarfile,io\n"
            + "t=tarfile.open('evil.tgz','w:gz')\n"
            + "i=tarfile.TarInfo('../escape.txt'); i.size=1\n"
            + "t.addfile(i, io.BytesIO(b'x')); t.close()\"");
    int rc =
        run("extract", dir.resolve("evil.tgz").toString(), "--to", dir.resolve("root").toString());
    assertEquals(3, rc, err.toString());
    assertTrue(
        err.toString()
            .contains("evil.tgz: entry '../escape.txt' refused: name has a '..' component"),
        err.toString());
    assertFalse(Files.exists(dir.resolve("escape.txt")));
  }

  @Test
  void shouldExitZeroAndWarnWhenBadEntriesAreSkipped() throws Exception {
    sh(
        dir,
        "python3 -c \"import tarfile,io\n"
            + "t=tarfile.open('mixed.tgz','w:gz')\n"
            + "l=tarfile.TarInfo('samples'); l.type=tarfile.SYMTYPE; l.linkname='/etc'; t.addfile(l)\n"
            + "i=tarfile.TarInfo('maps/a.png'); i.size=1; t.addfile(i, io.BytesIO(b'x')); t.close()\"");
    int rc =
        run(
            "extract",
            dir.resolve("mixed.tgz").toString(),
            "--to",
            dir.resolve("root").toString(),
            "--on-bad-entry",
            "skip");
    assertEquals(0, rc, err.toString());
    assertTrue(
        err.toString()
            .contains("warning: skipped: mixed.tgz: entry 'samples' refused: symbolic link"),
        err.toString());
    assertTrue(Files.exists(dir.resolve("root/maps/a.png")));
  }

  @Test
  void shouldPrintJsonSummary() throws Exception {
    Path tgz = synthMetaArchive();
    out.getBuffer().setLength(0);
    assertEquals(
        0, run("extract", tgz.toString(), "--to", dir.resolve("root").toString(), "--json"));
    String json = out.toString().strip();
    assertTrue(json.startsWith("{\"seconds\": "), json);
    assertTrue(json.contains("\"status\": \"EXTRACTED\""), json);
    assertTrue(json.contains("\"error\": null"), json);
    sh(
        dir,
        "python3 -c \"import json,sys; d=json.loads(sys.argv[1]); assert d['archives'][0]['files_written']>10\" '"
            + json
            + "'");
  }

  @Test
  void shouldPrintNothingWhenQuiet() throws Exception {
    Path tgz = synthMetaArchive();
    out.getBuffer().setLength(0);
    assertEquals(
        0, run("extract", tgz.toString(), "--to", dir.resolve("root").toString(), "--quiet"));
    assertEquals("", out.toString());
  }

  /**
   * Starts {@code nuload extract} as a separate JVM, kills it with SIGKILL in the middle of the
   * archive, reruns it, and checks the tree equals tar's and that files the journal recorded before
   * the kill were not written again.
   */
  @Test
  void shouldFinishAfterKillWithoutRedoingFinishedFiles() throws Exception {
    sh(
        dir,
        "python3 -c \"import tarfile,io,random\n"
            + "r=random.Random(5)\n"
            + "t=tarfile.open('big.tgz','w:gz',compresslevel=1)\n"
            + "for i in range(20000):\n"
            + "  b=r.randbytes(2048); n=tarfile.TarInfo('samples/CAM_%d/f%05d.jpg'%(i%6,i)); n.size=len(b); t.addfile(n, io.BytesIO(b))\n"
            + "t.close()\"");
    Path tgz = dir.resolve("big.tgz");
    Path root = dir.resolve("root");
    Path journal = root.resolve(".nuload/extract/big.tgz.journal");
    String java = ProcessHandle.current().info().command().orElse("java");
    Process p =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                NuloadCli.class.getName(),
                "extract",
                tgz.toString(),
                "--to",
                root.toString(),
                "--workers",
                "1",
                "--quiet")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("child.log").toFile())
            .start();
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < deadline
        && p.isAlive()
        && (!Files.exists(journal) || Files.size(journal) < 40 + 2000 * 40)) {
      Thread.sleep(2);
    }
    assertTrue(
        p.isAlive(),
        "child still extracting when killed: " + Files.readString(dir.resolve("child.log")));
    p.destroyForcibly(); // SIGKILL
    p.waitFor();
    // What the journal says was finished before the kill, with each file's identity.
    List<String> done = journalNames(journal);
    assertTrue(
        done.size() >= 1000 && done.size() < 20000,
        "killed mid-archive after " + done.size() + " files");
    Map<String, Object> keys = new TreeMap<>();
    for (String n : done) {
      keys.put(n, Files.readAttributes(root.resolve(n), BasicFileAttributes.class).fileKey());
    }
    int rc = run("extract", tgz.toString(), "--to", root.toString(), "--json");
    assertEquals(0, rc, err.toString());
    // A file renamed just before the kill but not yet journaled is found by its size and skipped.
    Matcher w =
        Pattern.compile("\"files_written\": (\\d+), \"files_skipped\": (\\d+)")
            .matcher(out.toString());
    assertTrue(w.find(), out.toString());
    long written = Long.parseLong(w.group(1));
    long skipped = Long.parseLong(w.group(2));
    assertEquals(20000, written + skipped, out.toString());
    assertTrue(
        skipped >= done.size(), "every journaled file skipped: " + out + " after " + done.size());
    for (String n : done) {
      assertEquals(
          keys.get(n),
          Files.readAttributes(root.resolve(n), BasicFileAttributes.class).fileKey(),
          n + " was rewritten");
    }
    Path ref = Files.createDirectories(dir.resolve("ref"));
    sh(ref, "tar -xzf " + tgz);
    assertEquals(tree(ref), tree(root));
    assertFalse(
        Files.exists(root.resolve(".nuload/extract/big.tgz.tmp")), "temporary folder removed");
  }

  /** Names of the FILE records of a journal (layout: docs/format/extract-journal.md). */
  private static List<String> journalNames(Path journal) throws IOException {
    java.nio.ByteBuffer b =
        java.nio.ByteBuffer.wrap(Files.readAllBytes(journal))
            .order(java.nio.ByteOrder.LITTLE_ENDIAN);
    List<String> names = new java.util.ArrayList<>();
    int p = 40;
    while (p + 8 + 11 <= b.capacity()) {
      int len = b.getInt(p);
      if (p + 8 + len > b.capacity()) {
        break;
      }
      int n = b.getShort(p + 8 + 9) & 0xffff;
      if (b.get(p + 8) == 1) {
        names.add(new String(b.array(), p + 8 + 11, n, StandardCharsets.UTF_8));
      }
      p += 8 + len;
    }
    return names;
  }
}
