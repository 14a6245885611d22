package dev.nuload.arrow;

import dev.nuload.BadDataException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Schema and field metadata conventions of nuload's Arrow files.
 *
 * <p>Field metadata: {@value #SHAPE} is the logical shape of a fixed-size list as a JSON array
 * ({@code "[3,3]"}), {@value #LAYOUT} is {@value #ROW_MAJOR} for matrices, {@value #ORDER} names
 * the component order of quaternions ({@code "wxyz"}), {@value #UNIT} and {@value #FRAME} document
 * the physical meaning. Schema metadata keys are chosen by each file format.
 */
public final class ArrowMetadata {
  /** Field metadata key: logical shape, JSON array of ints such as {@code [4,4]}. */
  public static final String SHAPE = "shape";

  /** Field metadata key: element layout of a matrix. */
  public static final String LAYOUT = "layout";

  /** The only layout nuload writes: C order, last index fastest. */
  public static final String ROW_MAJOR = "row-major";

  /** Field metadata key: component order (quaternions: {@code wxyz}). */
  public static final String ORDER = "order";

  /** Field metadata key: physical unit. */
  public static final String UNIT = "unit";

  /** Field metadata key: coordinate frame. */
  public static final String FRAME = "frame";

  private ArrowMetadata() {}

  /**
   * Formats a shape for the {@value #SHAPE} key.
   *
   * @param dims the dimensions.
   * @return for example {@code [3,3]}.
   */
  public static String shapeString(int... dims) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < dims.length; i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(dims[i]);
    }
    return sb.append(']').toString();
  }

  /**
   * Parses the {@value #SHAPE} value of a field.
   *
   * @param field a field that may carry a shape.
   * @return the dimensions, or null when the field has no shape metadata.
   * @throws IllegalArgumentException naming the field when the value is malformed.
   */
  public static int[] shape(Field field) {
    Map<String, String> m = field.getMetadata();
    String s = m == null ? null : m.get(SHAPE);
    if (s == null) {
      return null;
    }
    String t = s.trim();
    if (!t.startsWith("[") || !t.endsWith("]")) {
      throw new IllegalArgumentException(
          "field " + field.getName() + ": malformed shape metadata '" + s + "'");
    }
    String body = t.substring(1, t.length() - 1).trim();
    if (body.isEmpty()) {
      return new int[0];
    }
    try {
      return Arrays.stream(body.split(",")).mapToInt(x -> Integer.parseInt(x.trim())).toArray();
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "field " + field.getName() + ": malformed shape metadata '" + s + "'", e);
    }
  }

  /**
   * Returns a copy of {@code field} with extra metadata entries (existing keys are replaced).
   *
   * @param field the field.
   * @param entries key/value pairs to add.
   * @return the new field (children kept).
   */
  public static Field withMetadata(Field field, Map<String, String> entries) {
    Map<String, String> m = new LinkedHashMap<>();
    if (field.getMetadata() != null) {
      m.putAll(field.getMetadata());
    }
    m.putAll(entries);
    FieldType t = field.getFieldType();
    return new Field(
        field.getName(),
        new FieldType(t.isNullable(), t.getType(), t.getDictionary(), m),
        field.getChildren());
  }

  /**
   * Returns a copy of {@code schema} with the given schema metadata (replacing any it had).
   *
   * @param schema the schema.
   * @param metadata the key/value pairs, kept in iteration order.
   * @return the new schema.
   */
  public static Schema withSchemaMetadata(Schema schema, Map<String, String> metadata) {
    return new Schema(schema.getFields(), new LinkedHashMap<>(metadata));
  }

  /**
   * Returns a required schema metadata value.
   *
   * @param schema the schema read from {@code file}.
   * @param key the key.
   * @param file the file, for the error message.
   * @return the value.
   * @throws BadDataException naming the file and the key when it is missing.
   */
  public static String require(Schema schema, String key, Path file) {
    Map<String, String> m = schema.getCustomMetadata();
    String v = m == null ? null : m.get(key);
    if (v == null) {
      throw new BadDataException(file + ": schema metadata key '" + key + "' is missing");
    }
    return v;
  }

  /**
   * Lists a schema's fields depth-first as dotted paths ({@code cams.item.data_path}).
   *
   * @param schema the schema.
   * @return one entry per field and nested child, parents first.
   */
  public static List<String> fieldPaths(Schema schema) {
    List<String> out = new ArrayList<>();
    for (Field f : schema.getFields()) {
      collect("", f, out);
    }
    return out;
  }

  private static void collect(String prefix, Field f, List<String> out) {
    String p = prefix.isEmpty() ? f.getName() : prefix + "." + f.getName();
    out.add(p);
    for (Field c : f.getChildren()) {
      collect(p, c, out);
    }
  }
}
