package dev.nuload.nuscenes.infos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import dev.nuload.nuscenes.JsonValues;
import dev.nuload.nuscenes.infos.InfosManifest.BuildOptions;
import dev.nuload.nuscenes.infos.InfosManifest.OutputFile;
import dev.nuload.nuscenes.infos.InfosManifest.Summary;
import dev.nuload.nuscenes.infos.SourceFingerprint.TableStamp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InfosManifestTest {
  @TempDir Path dir;

  static InfosManifest sample() {
    return new InfosManifest(
        1,
        "nuload 0.1.0",
        "2026-11-25T20:00:00Z",
        "v1.0-mini-0123abcd",
        "/data/nuscenes",
        "v1.0-mini",
        "ab".repeat(32),
        List.of(new TableStamp("sample.json", 1234, 1_700_000_000_123_456_789L, 0xdeadbeefL)),
        new BuildOptions(List.of("mini_train", "mini_val"), 10, "1", 1),
        List.of(
            new OutputFile("nuscenes_infos_mini_train.arrow", "infos", "mini_train", 999, 323, -1),
            new OutputFile(NuScenesTokenIndex.SAMPLE_FILE, "sample_index", null, 4096, 404, 7L)),
        new Summary(Map.of("mini_train", 323L), 5000, 1.5));
  }

  @Test
  void shouldReadBackWhatItWrote() {
    InfosManifest m = sample();
    m.write(dir);
    assertEquals(m, InfosManifest.read(dir).orElseThrow());
  }

  @Test
  void shouldReadTruncatedManifestAsAbsent() throws Exception {
    Path f = sample().write(dir);
    byte[] b = Files.readAllBytes(f);
    Files.write(f, java.util.Arrays.copyOf(b, b.length / 2));
    assertTrue(InfosManifest.read(dir).isEmpty());
  }

  @Test
  void shouldReadOtherManifestVersionAsAbsent() throws Exception {
    Path f = sample().write(dir);
    Files.writeString(
        f, Files.readString(f).replace("\"manifest_version\" : 1", "\"manifest_version\" : 2"));
    assertTrue(InfosManifest.read(dir).isEmpty());
  }

  @Test
  void shouldWriteExactlyTheListedFields() throws Exception {
    Path f = sample().write(dir);
    Set<String> paths = new LinkedHashSet<>();
    try (JsonParser p = new JsonFactory().createParser(f.toFile())) {
      collect("", JsonValues.read(p, p.nextToken()), paths);
    }
    assertEquals(InfosManifest.FIELDS, new ArrayList<>(paths));
  }

  @SuppressWarnings("unchecked")
  private static void collect(String prefix, Object v, Set<String> out) {
    if (v instanceof Map<?, ?> m && !prefix.equals("summary.samples")) {
      for (Map.Entry<String, Object> e : ((Map<String, Object>) m).entrySet()) {
        collect(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out);
      }
    } else if (v instanceof List<?> l && !l.isEmpty() && l.get(0) instanceof Map) {
      for (Object o : l) {
        collect(prefix + "[]", o, out);
      }
    } else {
      out.add(prefix);
    }
  }

  @Test
  void shouldDocumentEveryFieldInTheFormatDocument() throws Exception {
    Path doc =
        Path.of(System.getProperty("nuload.repo.dir", ".."))
            .resolve("docs/format/infos-manifest.md");
    String text = Files.readString(doc);
    List<String> documented = new ArrayList<>();
    Matcher m = Pattern.compile("^\\| `([a-z_\\[\\].0-9]+)` \\|", Pattern.MULTILINE).matcher(text);
    while (m.find()) {
      documented.add(m.group(1));
    }
    assertEquals(InfosManifest.FIELDS, documented);
  }
}
