package dev.nuload.shm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Pins every offset and constant of {@link RingDescriptor} to the tables of docs/format/ring.md.
 */
class RingDescriptorTest {
  private static final Path DOC =
      Path.of(System.getProperty("nuload.repo.dir", "..")).resolve("docs/format/ring.md");

  /** Section heading prefix -> constant-name prefix. */
  private static final Map<String, String> SECTIONS =
      Map.of(
          "## Header", "",
          "## Layout descriptor entry", "ENTRY_",
          "### Slot header", "SLOT_",
          "### Metadata record", "RECORD_");

  /**
   * Reads rows "| offset | size | type | field | meaning |" per field table: prefix+FIELD ->
   * offset.
   */
  private static Map<String, Long> documentedOffsets() throws IOException {
    Map<String, Long> out = new LinkedHashMap<>();
    String prefix = null;
    for (String line : Files.readAllLines(DOC)) {
      if (line.startsWith("#")) {
        prefix = null;
        for (var e : SECTIONS.entrySet()) {
          if (line.startsWith(e.getKey())) {
            prefix = e.getValue();
          }
        }
        continue;
      }
      if (prefix == null || !line.startsWith("| ") || !line.matches("\\| \\d+ \\|.*")) {
        continue;
      }
      String[] cells = line.split("\\|");
      long offset = Long.parseLong(cells[1].trim());
      String field = cells[4].trim();
      out.put(prefix + field.toUpperCase(java.util.Locale.ROOT) + "_OFFSET", offset);
    }
    return out;
  }

  private static Map<String, Long> offsetConstants() throws IllegalAccessException {
    Map<String, Long> out = new LinkedHashMap<>();
    for (Field f : RingDescriptor.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers())
          && f.getName().endsWith("_OFFSET")
          && !f.getName().equals("DESCRIPTOR_OFFSET")
          && !f.getName().equals("SAMPLE_TABLE_OFFSET")) {
        out.put(f.getName(), ((Number) f.get(null)).longValue());
      }
    }
    return out;
  }

  @Test
  void shouldMatchEveryDocumentedOffset() throws Exception {
    Map<String, Long> doc = documentedOffsets();
    Map<String, Long> code = offsetConstants();
    List<String> wrong = new ArrayList<>();
    for (var e : doc.entrySet()) {
      Long value = code.get(e.getKey());
      if (!e.getValue().equals(value)) {
        wrong.add(e.getKey() + ": doc " + e.getValue() + ", code " + value);
      }
    }
    assertTrue(doc.size() > 40, "ring.md tables were not found: " + doc.keySet());
    assertEquals(List.of(), wrong, "docs/format/ring.md and RingDescriptor disagree");
  }

  @Test
  void shouldDocumentEveryOffsetConstant() throws Exception {
    TreeSet<String> undocumented = new TreeSet<>(offsetConstants().keySet());
    undocumented.removeAll(documentedOffsets().keySet());
    assertEquals(new TreeSet<String>(), undocumented, "offsets missing from docs/format/ring.md");
  }

  @Test
  void shouldMatchTheConstantsTable() throws Exception {
    List<String> wrong = new ArrayList<>();
    int rows = 0;
    for (String line : Files.readAllLines(DOC)) {
      if (!line.startsWith("| `")) {
        continue;
      }
      String[] cells = line.split("\\|");
      String name = cells[1].trim().replace("`", "");
      String text = cells[2].trim();
      long doc =
          text.startsWith("0x")
              ? Long.parseUnsignedLong(text.substring(2), 16)
              : Long.parseLong(text);
      long code = ((Number) RingDescriptor.class.getField(name).get(null)).longValue();
      if (doc != code) {
        wrong.add(name + ": doc " + doc + ", code " + code);
      }
      rows++;
    }
    assertEquals(22, rows, "constants table rows");
    assertEquals(List.of(), wrong);
  }

  @Test
  void shouldMatchTheDtypeTable() throws Exception {
    int rows = 0;
    for (String line : Files.readAllLines(DOC)) {
      if (!line.matches("\\| \\d \\| [a-z0-9]+ \\| \\d \\|.*")) {
        continue;
      }
      String[] cells = line.split("\\|");
      DType t = DType.ofCode(Integer.parseInt(cells[1].trim()));
      assertEquals(cells[2].trim().toUpperCase(java.util.Locale.ROOT), t.name());
      assertEquals(Integer.parseInt(cells[3].trim()), t.size());
      assertEquals(cells[4].trim().replace("`", "").replace("\\", ""), t.numpyName());
      rows++;
    }
    assertEquals(DType.values().length, rows);
  }

  @Test
  void shouldSpellMagicAsNuldring() {
    byte[] b = new byte[8];
    for (int i = 0; i < 8; i++) {
      b[i] = (byte) (RingDescriptor.MAGIC >>> (8 * i));
    }
    assertEquals("NULDRING", new String(b, java.nio.charset.StandardCharsets.US_ASCII));
  }
}
