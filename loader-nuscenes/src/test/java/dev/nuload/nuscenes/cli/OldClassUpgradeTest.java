package dev.nuload.nuscenes.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The build step that rewrites picocli's Java 5 class files for the JVM's start-up cache. */
class OldClassUpgradeTest {
  @TempDir Path dir;

  /** A copy of the picocli jar this build uses (Java 5 class files, as published). */
  private Path picocliCopy() throws Exception {
    Path jar =
        Path.of(CommandLine.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    return Files.copy(jar, dir.resolve("picocli.jar"));
  }

  private static Map<String, byte[]> entries(Path jar) throws IOException {
    Map<String, byte[]> m = new LinkedHashMap<>();
    try (ZipFile z = new ZipFile(jar.toFile())) {
      for (ZipEntry e : java.util.Collections.list(z.entries())) {
        m.put(e.getName(), z.getInputStream(e).readAllBytes());
      }
    }
    return m;
  }

  private static int major(byte[] classFile) {
    return ((classFile[6] & 0xff) << 8) | (classFile[7] & 0xff);
  }

  @Test
  void shouldRewriteEveryJava5ClassOfPicocliAsJava8() throws Exception {
    Path jar = picocliCopy();
    long old =
        entries(jar).entrySet().stream()
            .filter(e -> e.getKey().endsWith(".class") && OldClassUpgrade.isOld(e.getValue()))
            .count();
    assertTrue(old > 100, "picocli's jar has Java 5 classes: " + old);
    OldClassUpgrade.Result r = OldClassUpgrade.upgrade(jar);
    assertEquals(old, r.upgraded());
    assertEquals(0, r.kept());
    for (Map.Entry<String, byte[]> e : entries(jar).entrySet()) {
      if (e.getKey().endsWith(".class") && !e.getKey().startsWith("META-INF/")) {
        assertEquals(OldClassUpgrade.TARGET_MAJOR, major(e.getValue()), e.getKey());
      }
    }
  }

  @Test
  void shouldGiveClassesThatPassTheVerifierAndStillParseACommandLine() throws Exception {
    Path jar = picocliCopy();
    OldClassUpgrade.upgrade(jar);
    try (URLClassLoader loader =
        new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
      for (String name : entries(jar).keySet()) {
        if (name.endsWith(".class") && !name.startsWith("META-INF/")) {
          String cls = name.substring(0, name.length() - 6).replace('/', '.');
          Class.forName(cls, true, loader); // links: the split verifier checks the stack maps
        }
      }
      Class<?> cl = Class.forName("picocli.CommandLine", true, loader);
      assertFalse(cl == CommandLine.class, "loaded from the rewritten jar");
      Object spec =
          Class.forName("picocli.CommandLine$Model$CommandSpec", true, loader)
              .getMethod("create")
              .invoke(null);
      Object cmd = cl.getConstructor(Object.class).newInstance(spec);
      Object parsed = cl.getMethod("parseArgs", String[].class).invoke(cmd, (Object) new String[0]);
      assertTrue(parsed.getClass().getName().startsWith("picocli."), parsed.getClass().getName());
    }
  }

  @Test
  void shouldLeaveNewerClassesAndOtherEntriesByteForByte() throws Exception {
    Path jar = dir.resolve("mixed.jar");
    byte[] newer =
        OldClassUpgradeTest.class.getResourceAsStream("OldClassUpgradeTest.class").readAllBytes();
    byte[] manifest = "Manifest-Version: 1.0\nMain-Class: x.Y\n\n".getBytes();
    try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(jar))) {
      out.putNextEntry(new ZipEntry("META-INF/MANIFEST.MF"));
      out.write(manifest);
      out.putNextEntry(new ZipEntry("dev/nuload/nuscenes/cli/OldClassUpgradeTest.class"));
      out.write(newer);
      out.putNextEntry(new ZipEntry("data/not-a-class.class"));
      out.write(new byte[] {1, 2, 3});
    }
    OldClassUpgrade.Result r = OldClassUpgrade.upgrade(jar);
    assertEquals(0, r.upgraded());
    Map<String, byte[]> got = entries(jar);
    assertEquals(
        java.util.List.of(
            "META-INF/MANIFEST.MF",
            "dev/nuload/nuscenes/cli/OldClassUpgradeTest.class",
            "data/not-a-class.class"),
        java.util.List.copyOf(got.keySet()));
    assertArrayEquals(manifest, got.get("META-INF/MANIFEST.MF"));
    assertArrayEquals(newer, got.get("dev/nuload/nuscenes/cli/OldClassUpgradeTest.class"));
    assertArrayEquals(new byte[] {1, 2, 3}, got.get("data/not-a-class.class"));
    assertFalse(Files.exists(dir.resolve("mixed.jar.upgrade.tmp")), "no temporary file left");
  }
}
