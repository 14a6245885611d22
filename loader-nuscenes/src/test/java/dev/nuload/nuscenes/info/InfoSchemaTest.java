package dev.nuload.nuscenes.info;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nuload.arrow.ArrowMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.junit.jupiter.api.Test;

/** Pins {@link InfoSchema} to the field and metadata tables of docs/format/infos-arrow.md. */
class InfoSchemaTest {
  private static final Path DOC =
      Path.of(System.getProperty("nuload.repo.dir", "..")).resolve("docs/format/infos-arrow.md");

  @Test
  void shouldMatchTheFieldTableOfTheFormatDocument() throws IOException {
    List<String> expected = new ArrayList<>();
    for (Field f : InfoSchema.schema(true).getFields()) {
      emit(f.getName(), f, expected);
    }
    List<String> documented = tableRows("<!-- fields -->", 3);
    assertEquals(
        String.join("\n", expected),
        String.join("\n", documented),
        "docs/format/infos-arrow.md field table (field | Arrow type | shape) differs from"
            + " InfoSchema; expected rows above");
  }

  @Test
  void shouldMatchTheMetadataTableOfTheFormatDocument() throws IOException {
    List<String> keys = new ArrayList<>(InfoArrowExamples.metadata(true).toMap().keySet());
    assertEquals(keys, tableRows("<!-- schema-metadata -->", 1));
  }

  @Test
  void shouldLeaveOutExactlyTheAnnotationColumnsForTheTestVersion() {
    List<String> all = InfoSchema.schema(true).getFields().stream().map(Field::getName).toList();
    List<String> test = InfoSchema.schema(false).getFields().stream().map(Field::getName).toList();
    List<String> diff = new ArrayList<>(all);
    diff.removeAll(test);
    assertEquals(InfoSchema.ANNOTATION_FIELDS, diff);
  }

  /** One row per field: path | type | shape; list elements as {@code []}. */
  private static void emit(String path, Field f, List<String> rows) {
    rows.add(path + " | " + type(f) + " | " + shape(f));
    descend(path, f, rows);
  }

  private static void descend(String path, Field f, List<String> rows) {
    if (f.getType() instanceof ArrowType.Struct) {
      for (Field c : f.getChildren()) {
        emit(path + "." + c.getName(), c, rows);
      }
    } else if (!f.getChildren().isEmpty()) {
      descend(path + "[]", f.getChildren().get(0), rows);
    }
  }

  private static String shape(Field f) {
    int[] s = ArrowMetadata.shape(f);
    if (s == null && !f.getChildren().isEmpty() && !(f.getType() instanceof ArrowType.Struct)) {
      s = ArrowMetadata.shape(f.getChildren().get(0));
      if (s != null) {
        int[] t = new int[s.length + 1];
        t[0] = -1;
        System.arraycopy(s, 0, t, 1, s.length);
        s = t;
      }
    }
    if (s == null) {
      return "";
    }
    return ArrowMetadata.shapeString(s).replace("-1", "N");
  }

  private static String type(Field f) {
    ArrowType t = f.getType();
    if (t instanceof ArrowType.Utf8) {
      return "utf8";
    } else if (t instanceof ArrowType.Bool) {
      return "bool";
    } else if (t instanceof ArrowType.Int i && i.getBitWidth() == 64 && i.getIsSigned()) {
      return "int64";
    } else if (t instanceof ArrowType.FloatingPoint fp
        && fp.getPrecision() == FloatingPointPrecision.DOUBLE) {
      return "float64";
    } else if (t instanceof ArrowType.Struct) {
      return "struct";
    } else if (t instanceof ArrowType.FixedSizeList fl) {
      return "fixed_size_list<" + type(f.getChildren().get(0)) + ">[" + fl.getListSize() + "]";
    } else if (t instanceof ArrowType.List) {
      return "list<" + type(f.getChildren().get(0)) + ">";
    }
    throw new AssertionError("undocumented type " + t + " of " + f.getName());
  }

  /** The first {@code columns} cells of each body row of the table after {@code marker}. */
  private static List<String> tableRows(String marker, int columns) throws IOException {
    List<String> lines = Files.readAllLines(DOC);
    int i = lines.indexOf(marker);
    if (i < 0) {
      throw new AssertionError(DOC + ": marker " + marker + " not found");
    }
    List<String> rows = new ArrayList<>();
    int k = i + 1;
    while (k < lines.size() && !lines.get(k).startsWith("|")) {
      k++;
    }
    k += 2; // header and separator
    for (; k < lines.size() && lines.get(k).startsWith("|"); k++) {
      String[] cells = lines.get(k).split("\\|", -1);
      List<String> keep = new ArrayList<>();
      for (int c = 1; c <= columns; c++) {
        keep.add(cells[c].trim().replace("`", ""));
      }
      rows.add(String.join(" | ", keep));
    }
    return rows;
  }
}
