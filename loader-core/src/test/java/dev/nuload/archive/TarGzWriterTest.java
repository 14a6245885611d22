package dev.nuload.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TarGzWriterTest {
  @TempDir Path dir;

  private Path pack() throws IOException {
    Path src = Files.createDirectories(dir.resolve("src/samples/CAM_FRONT"));
    Files.writeString(src.resolve("a.jpg"), "jpeg bytes");
    String longName =
        "n015-2018-07-24-11-22-45+0800__CAM_FRONT__1532402927612460".repeat(3) + ".jpg";
    Files.write(src.resolve(longName), new byte[] {0, 1, 2, (byte) 255});
    Path tgz = dir.resolve("x.tgz");
    try (TarGzWriter w = new TarGzWriter(tgz, 6)) {
      w.addDirectory("samples");
      w.addDirectory("samples/CAM_FRONT/");
      w.addFile("samples/CAM_FRONT/a.jpg", src.resolve("a.jpg"));
      w.addFile("samples/CAM_FRONT/" + longName, src.resolve(longName));
      w.commit();
    }
    return tgz;
  }

  private static String run(Path cwd, String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out);
    return out;
  }

  @Test
  void shouldListRelativeEntriesWithDirectoriesFirst() throws Exception {
    Path tgz = pack();
    List<String> names = run(dir, "tar", "-tzf", tgz.toString()).lines().toList();
    assertEquals("samples/", names.get(0));
    assertEquals("samples/CAM_FRONT/", names.get(1));
    assertEquals("samples/CAM_FRONT/a.jpg", names.get(2));
    assertEquals(4, names.size());
  }

  @Test
  void shouldExtractByteIdenticalFilesWithSystemTar() throws Exception {
    Path tgz = pack();
    Path out = Files.createDirectories(dir.resolve("out"));
    run(out, "tar", "-xzf", tgz.toString());
    try (var files = Files.walk(dir.resolve("src"))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Path rel = dir.resolve("src").relativize(f);
        assertArrayEquals(
            Files.readAllBytes(f), Files.readAllBytes(out.resolve(rel)), rel.toString());
      }
    }
  }

  @Test
  void shouldLeaveNoFileWhenNotCommitted() throws Exception {
    Path tgz = dir.resolve("y.tgz");
    try (TarGzWriter w = new TarGzWriter(tgz, 1)) {
      w.addDirectory("maps");
    }
    assertFalse(Files.exists(tgz));
    assertFalse(Files.exists(dir.resolve("y.tgz.part")));
  }
}
