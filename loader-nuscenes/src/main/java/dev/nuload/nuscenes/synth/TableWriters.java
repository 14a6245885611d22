package dev.nuload.nuscenes.synth;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.PrettyPrinter;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Streams the 13 nuScenes tables to disk in the exact layout of the official files: Python's {@code
 * json.dump(obj, f, indent=0)}, i.e. a top-level array, one value per line, no indentation, {@code
 * ": "} after keys, no trailing newline, and floats in Python {@code repr} form. Records are
 * produced as {@link Fragment}s (serialised elsewhere, possibly on other threads) and appended in
 * order, so memory stays bounded by one scene.
 */
public final class TableWriters implements AutoCloseable {
  /** The 13 tables, in the order they are written. */
  public enum Table {
    /** {@code attribute.json}. */
    ATTRIBUTE,
    /** {@code calibrated_sensor.json}. */
    CALIBRATED_SENSOR,
    /** {@code category.json}. */
    CATEGORY,
    /** {@code ego_pose.json}. */
    EGO_POSE,
    /** {@code instance.json}. */
    INSTANCE,
    /** {@code log.json}. */
    LOG,
    /** {@code map.json}. */
    MAP,
    /** {@code sample.json}. */
    SAMPLE,
    /** {@code sample_annotation.json}. */
    SAMPLE_ANNOTATION,
    /** {@code sample_data.json}. */
    SAMPLE_DATA,
    /** {@code scene.json}. */
    SCENE,
    /** {@code sensor.json}. */
    SENSOR,
    /** {@code visibility.json}. */
    VISIBILITY;

    /**
     * Returns the table's file name.
     *
     * @return for example {@code sample_data.json}.
     */
    public String fileName() {
      return name().toLowerCase(java.util.Locale.ROOT) + ".json";
    }
  }

  private static final JsonFactory FACTORY = new JsonFactory();
  private static final byte[] OPEN = "[".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] FIRST = "\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] SEPARATOR = ",\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CLOSE_NON_EMPTY = "\n]".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CLOSE_EMPTY = "]".getBytes(StandardCharsets.US_ASCII);

  private final Path dir;
  private final OutputStream[] out = new OutputStream[Table.values().length];
  private final long[] records = new long[Table.values().length];
  private final long[] bytes = new long[Table.values().length];
  private boolean closed;

  /**
   * Opens one temporary file per table in {@code dir}.
   *
   * @param dir the table folder, for example {@code out/v1.0-mini}; created when missing.
   * @throws IOException when a file cannot be created.
   */
  public TableWriters(Path dir) throws IOException {
    this.dir = Files.createDirectories(dir);
    for (Table t : Table.values()) {
      out[t.ordinal()] = new BufferedOutputStream(Files.newOutputStream(tempOf(t)), 1 << 20);
      write(t, OPEN);
    }
  }

  private Path tempOf(Table t) {
    return dir.resolve(t.fileName() + ".part");
  }

  private void write(Table t, byte[] b) throws IOException {
    out[t.ordinal()].write(b);
    bytes[t.ordinal()] += b.length;
  }

  /**
   * Appends serialised records to a table.
   *
   * @param f records of one table.
   * @throws IOException on a write error.
   */
  public void append(Fragment f) throws IOException {
    if (f.count == 0) {
      return;
    }
    Table t = f.table;
    write(t, records[t.ordinal()] == 0 ? FIRST : SEPARATOR);
    f.buffer.writeTo(out[t.ordinal()]);
    bytes[t.ordinal()] += f.buffer.size();
    records[t.ordinal()] += f.count;
  }

  /**
   * Returns how many records a table holds so far.
   *
   * @param t the table.
   * @return the record count.
   */
  public long records(Table t) {
    return records[t.ordinal()];
  }

  /**
   * Returns how many bytes a table file holds so far.
   *
   * @param t the table.
   * @return bytes written.
   */
  public long bytes(Table t) {
    return bytes[t.ordinal()];
  }

  /**
   * Closes every table and renames the temporary files onto their final names.
   *
   * @throws IOException on a write or rename error.
   */
  public void commit() throws IOException {
    for (Table t : Table.values()) {
      write(t, records[t.ordinal()] == 0 ? CLOSE_EMPTY : CLOSE_NON_EMPTY);
      out[t.ordinal()].close();
      Files.move(
          tempOf(t),
          dir.resolve(t.fileName()),
          StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
    }
    closed = true;
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    for (Table t : Table.values()) {
      try {
        out[t.ordinal()].close();
      } finally {
        Files.deleteIfExists(tempOf(t));
      }
    }
  }

  /**
   * Records of one table serialised into memory, ready to be appended. Write each record with
   * {@link #gen()} as a root-level object; the separators come from the pretty printer.
   */
  public static final class Fragment {
    private final Table table;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(4096);
    private final JsonGenerator gen;
    private int count;

    /**
     * Creates an empty fragment.
     *
     * @param table the table its records belong to.
     */
    public Fragment(Table table) {
      this.table = table;
      try {
        gen = FACTORY.createGenerator(buffer);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      gen.setPrettyPrinter(new IndentZeroPrinter());
    }

    /**
     * Returns the generator to write records with; call {@link #endRecord()} after each.
     *
     * @return the generator.
     */
    public JsonGenerator gen() {
      return gen;
    }

    /** Counts one more record written with {@link #gen()}. */
    public void endRecord() {
      count++;
    }

    /**
     * Flushes the generator; call once after the last record.
     *
     * @return this fragment.
     */
    public Fragment finish() {
      try {
        gen.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return this;
    }

    /**
     * Returns the number of records in this fragment.
     *
     * @return the count.
     */
    public int count() {
      return count;
    }

    /**
     * Returns the table of this fragment.
     *
     * @return the table.
     */
    public Table table() {
      return table;
    }

    /**
     * Writes a double in Python {@code repr} form.
     *
     * @param v the value.
     * @throws IOException on a generator error.
     */
    public void number(double v) throws IOException {
      gen.writeNumber(pythonRepr(v));
    }

    /**
     * Writes a field holding an array of doubles.
     *
     * @param name the field name.
     * @param values the values.
     * @throws IOException on a generator error.
     */
    public void numbers(String name, double[] values) throws IOException {
      gen.writeFieldName(name);
      gen.writeStartArray();
      for (double v : values) {
        number(v);
      }
      gen.writeEndArray();
    }

    /**
     * Writes a string field.
     *
     * @param name the field name.
     * @param value the value.
     * @throws IOException on a generator error.
     */
    public void string(String name, String value) throws IOException {
      gen.writeStringField(name, value);
    }
  }

  /**
   * Formats a double as Python's {@code repr(float)}: shortest round-trip digits, fixed notation
   * for decimal exponents -4..15, otherwise {@code d.ddde±XX}.
   *
   * @param v a finite value.
   * @return the text.
   */
  public static String pythonRepr(double v) {
    if (!Double.isFinite(v)) {
      throw new IllegalArgumentException("non-finite value " + v + " cannot be written to JSON");
    }
    if (v == 0) {
      return (1 / v < 0) ? "-0.0" : "0.0";
    }
    String s = Double.toString(Math.abs(v));
    int e = s.indexOf('E');
    int exp = 0;
    String mant = s;
    if (e >= 0) {
      exp = Integer.parseInt(s.substring(e + 1));
      mant = s.substring(0, e);
    }
    int dot = mant.indexOf('.');
    String digits = mant.substring(0, dot) + mant.substring(dot + 1);
    int point = dot + exp; // value = 0.digits * 10^point
    int lead = 0;
    while (lead < digits.length() - 1 && digits.charAt(lead) == '0') {
      lead++;
    }
    digits = digits.substring(lead);
    point -= lead;
    int end = digits.length();
    while (end > 1 && digits.charAt(end - 1) == '0') {
      end--;
    }
    digits = digits.substring(0, end);
    int sci = point - 1;
    StringBuilder b = new StringBuilder(24);
    if (v < 0) {
      b.append('-');
    }
    if (sci >= -4 && sci < 16) {
      if (point <= 0) {
        b.append("0.");
        b.repeat('0', -point);
        b.append(digits);
      } else if (point >= digits.length()) {
        b.append(digits);
        b.repeat('0', point - digits.length());
        b.append(".0");
      } else {
        b.append(digits, 0, point).append('.').append(digits, point, digits.length());
      }
    } else {
      b.append(digits.charAt(0));
      if (digits.length() > 1) {
        b.append('.').append(digits, 1, digits.length());
      }
      b.append('e').append(sci < 0 ? '-' : '+');
      int a = Math.abs(sci);
      if (a < 10) {
        b.append('0');
      }
      b.append(a);
    }
    return b.toString();
  }

  /** Python {@code json.dump(indent=0)} layout; root values are separated by ",\n". */
  static final class IndentZeroPrinter implements PrettyPrinter {
    @Override
    public void writeRootValueSeparator(JsonGenerator g) throws IOException {
      g.writeRaw(",\n");
    }

    @Override
    public void writeStartObject(JsonGenerator g) throws IOException {
      g.writeRaw('{');
    }

    @Override
    public void writeEndObject(JsonGenerator g, int nrOfEntries) throws IOException {
      g.writeRaw(nrOfEntries > 0 ? "\n}" : "}");
    }

    @Override
    public void writeObjectEntrySeparator(JsonGenerator g) throws IOException {
      g.writeRaw(",\n");
    }

    @Override
    public void writeObjectFieldValueSeparator(JsonGenerator g) throws IOException {
      g.writeRaw(": ");
    }

    @Override
    public void writeStartArray(JsonGenerator g) throws IOException {
      g.writeRaw('[');
    }

    @Override
    public void writeEndArray(JsonGenerator g, int nrOfValues) throws IOException {
      g.writeRaw(nrOfValues > 0 ? "\n]" : "]");
    }

    @Override
    public void writeArrayValueSeparator(JsonGenerator g) throws IOException {
      g.writeRaw(",\n");
    }

    @Override
    public void beforeArrayValues(JsonGenerator g) throws IOException {
      g.writeRaw('\n');
    }

    @Override
    public void beforeObjectEntries(JsonGenerator g) throws IOException {
      g.writeRaw('\n');
    }
  }
}
