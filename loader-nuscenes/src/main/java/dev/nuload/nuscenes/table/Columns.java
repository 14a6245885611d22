package dev.nuload.nuscenes.table;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Column kinds of the in-memory tables, filled row by row by {@link TableParser}. */
final class Columns {
  private Columns() {}

  /** A value of the wrong JSON type or shape; the parser adds file, position and field. */
  static final class ValueException extends Exception {
    private static final long serialVersionUID = 1L;

    ValueException(String message) {
      super(message, null, false, false);
    }
  }

  /** Whether a missing field is an error (the converters read it) or a warning. */
  enum Need {
    REQUIRED,
    INFORMATIVE,
    OPTIONAL
  }

  static String describe(JsonToken t) {
    if (t == null) {
      return "end of input";
    }
    return switch (t) {
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT -> "an integer";
      case VALUE_NUMBER_FLOAT -> "a float";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      case START_ARRAY -> "an array";
      case START_OBJECT -> "an object";
      default -> t.toString();
    };
  }

  static ValueException expected(String what, JsonToken found) {
    return new ValueException("expected " + what + " but found " + describe(found));
  }

  abstract static class Column {
    final String name;
    final Need need;
    int missing;

    Column(String name, Need need) {
      this.name = name;
      this.need = need;
    }

    /** Reads the current value (the parser is on its first token) into row. */
    abstract void read(JsonParser p, int row) throws IOException, ValueException;

    /** Fills the value of a row whose field is missing or unreadable. */
    abstract void fillDefault(int row);

    void trim(int rows) {}

    /** Sizes the storage once for an expected row count. */
    void presize(int rows) {}
  }

  static int grow(int length, int row) {
    return Math.max(row + 1, Math.max(16, length + (length >> 1)));
  }

  /** Repeated short strings (names, channels, formats): int code per row plus a dictionary. */
  static final class StringColumn extends Column {
    private int[] codes = new int[16];
    private final Map<String, Integer> dict = new HashMap<>();
    final List<String> values = new ArrayList<>();

    StringColumn(String name, Need need) {
      super(name, need);
    }

    @Override
    void read(JsonParser p, int row) throws IOException, ValueException {
      if (p.currentToken() != JsonToken.VALUE_STRING) {
        throw expected("a string", p.currentToken());
      }
      set(row, p.getText());
    }

    private void set(int row, String s) {
      if (row >= codes.length) {
        codes = Arrays.copyOf(codes, grow(codes.length, row));
      }
      Integer c = dict.get(s);
      if (c == null) {
        c = values.size();
        values.add(s);
        dict.put(s, c);
      }
      codes[row] = c;
    }

    @Override
    void fillDefault(int row) {
      set(row, "");
    }

    String get(int row) {
      return values.get(codes[row]);
    }

    @Override
    void presize(int rows) {
      codes = new int[Math.max(16, rows)];
    }

    @Override
    void trim(int rows) {
      codes = Arrays.copyOf(codes, rows);
    }
  }

  /** Mostly unique strings (file names) stored compactly. */
  static final class TextColumn extends Column {
    final ByteStrings strings = new ByteStrings(1024, 80);

    TextColumn(String name, Need need) {
      super(name, need);
    }

    @Override
    void read(JsonParser p, int row) throws IOException, ValueException {
      if (p.currentToken() != JsonToken.VALUE_STRING) {
        throw expected("a string", p.currentToken());
      }
      strings.add(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
    }

    @Override
    void fillDefault(int row) {
      strings.add(new char[0], 0, 0);
    }

    String get(int row) {
      return strings.get(row);
    }

    @Override
    void presize(int rows) {
      strings.presize(rows, 90);
    }

    @Override
    void trim(int rows) {
      strings.trim();
    }
  }

  /** A foreign key: raw tokens while parsing, resolved to target rows (-1 for "") afterwards. */
  static final class RefColumn extends Column {
    final NuScenesTable target;
    ByteStrings raw = new ByteStrings(1024, 32);
    int[] rows;
    boolean[] nonEmpty;

    RefColumn(String name, Need need, NuScenesTable target) {
      super(name, need);
      this.target = target;
    }

    @Override
    void presize(int rows) {
      raw.presize(rows, 17);
    }

    @Override
    void read(JsonParser p, int row) throws IOException, ValueException {
      if (p.currentToken() != JsonToken.VALUE_STRING) {
        throw expected("a token string", p.currentToken());
      }
      raw.add(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
    }

    @Override
    void fillDefault(int row) {
      raw.add(new char[0], 0, 0);
    }
  }

  /** A list of foreign keys (attribute_tokens, log_tokens): CSR layout after resolution. */
  static final class RefListColumn extends Column {
    final NuScenesTable target;
    ByteStrings raw = new ByteStrings(1024, 32);
    int[] starts = new int[17];
    int[] rows;

    RefListColumn(String name, Need need, NuScenesTable target) {
      super(name, need);
      this.target = target;
    }

    @Override
    void read(JsonParser p, int row) throws IOException, ValueException {
      if (p.currentToken() != JsonToken.START_ARRAY) {
        throw expected("an array of token strings", p.currentToken());
      }
      JsonToken t;
      while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
        if (t != JsonToken.VALUE_STRING) {
          throw expected("a token string in the list", t);
        }
        raw.add(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
      }
      end(row);
    }

    private void end(int row) {
      if (row + 2 > starts.length) {
        starts = Arrays.copyOf(starts, grow(starts.length, row + 1));
      }
      starts[row + 1] = raw.size();
    }

    @Override
    void fillDefault(int row) {
      end(row);
    }
  }

  /** Timestamps in µs; accepts integers and floats (Lyft), rounding floats to the nearest µs. */
  static final class LongColumn extends Column {
    long[] values = new long[16];

    LongColumn(String name, Need need) {
      super(name, need);
    }

    @Override
    void read(JsonParser p, int row) throws IOException, ValueException {
      if (row >= values.length) {
        values = Arrays.copyOf(values, grow(values.length, row));
      }
      JsonToken t = p.currentToken();
      if (t == JsonToken.VALUE_NUMBER_INT) {
        if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
          throw new ValueException("integer " + p.getText() + " does not fit in 64 bits");
        }
        values[row] = p.getLongValue();
      } else if (t == JsonToken.VALUE_NUMBER_FLOAT) {
        BigDecimal d = p.getDecimalValue().setScale(0, RoundingMode.HALF_EVEN);
        try {
          values[row] = d.longValueExact();
        } catch (ArithmeticException e) {
          throw new ValueException("number " + p.getText() + " does not fit in 64 bits");
        }
      } else {
        throw expected("a number", t);
      }
    }

    @Override
    void fillDefault(int row) {
      if (row >= values.length) {
        values = Arrays.copyOf(values, grow(values.length, row));
      }
      values[row] = 0;
    }

    @Override
    void presize(int rows) {
      values = new long[Math.max(16, rows)];
    }

    @Override
    void trim(int rows) {
      values = Arrays.copyOf(values, rows);
    }
  }

  /** Small integers (counts, sizes); integral floats are accepted. */
  static final class IntColumn extends Column {
    int[] values = new int[16];
    final int missing;

    IntColumn(String name, Need need, int missing) {
      super(name, need);
      this.missing = missing;
    }

    @Override
    void read(JsonParser p, int row) throws IOException, ValueException {
      if (row >= values.length) {
        values = Arrays.copyOf(values, grow(values.length, row));
      }
      JsonToken t = p.currentToken();
      if (t == JsonToken.VALUE_NUMBER_INT) {
        if (p.getNumberType() != JsonParser.NumberType.INT) {
          throw new ValueException("integer " + p.getText() + " does not fit in 32 bits");
        }
        values[row] = p.getIntValue();
      } else if (t == JsonToken.VALUE_NUMBER_FLOAT) {
        double d = p.getDoubleValue();
        if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) {
          throw new ValueException("expected an integer but found " + p.getText());
        }
        values[row] = (int) d;
      } else {
        throw expected("an integer", t);
      }
    }

    @Override
    void fillDefault(int row) {
      if (row >= values.length) {
        values = Arrays.copyOf(values, grow(values.length, row));
      }
      values[row] = missing;
    }

    @Override
    void presize(int rows) {
      values = new int[Math.max(16, rows)];
    }

    @Override
    void trim(int rows) {
      values = Arrays.copyOf(values, rows);
    }
  }

  /** Booleans. */
  static final class BoolColumn extends Column {
    boolean[] values = new boolean[16];

    BoolColumn(String name, Need need) {
      super(name, need);
    }

    @Override
    void read(JsonParser p, int row) throws IOException, ValueException {
      if (row >= values.length) {
        values = Arrays.copyOf(values, grow(values.length, row));
      }
      JsonToken t = p.currentToken();
      if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE) {
        throw expected("a boolean", t);
      }
      values[row] = t == JsonToken.VALUE_TRUE;
    }

    @Override
    void fillDefault(int row) {
      if (row >= values.length) {
        values = Arrays.copyOf(values, grow(values.length, row));
      }
    }

    @Override
    void presize(int rows) {
      values = new boolean[Math.max(16, rows)];
    }

    @Override
    void trim(int rows) {
      values = Arrays.copyOf(values, rows);
    }
  }

  /**
   * Fixed-length float vectors (translation 3, rotation 4, size 3) or a 3x3 matrix that may be the
   * empty list (camera_intrinsic, stored row-major with {@code present[row] = false} for []).
   */
  static final class VectorColumn extends Column {
    final int width;
    final boolean matrix;
    double[] values;
    boolean[] present = new boolean[16];

    VectorColumn(String name, Need need, int width, boolean matrix) {
      super(name, need);
      this.width = width;
      this.matrix = matrix;
      this.values = new double[16 * width];
    }

    private void ensure(int row) {
      if ((long) (row + 1) * width > values.length) {
        values = Arrays.copyOf(values, grow(values.length / width, row) * width);
      }
      if (row >= present.length) {
        present = Arrays.copyOf(present, grow(present.length, row));
      }
    }

    @Override
    void read(JsonParser p, int row) throws IOException, ValueException {
      ensure(row);
      if (p.currentToken() != JsonToken.START_ARRAY) {
        throw expected(
            matrix ? "a 3x3 array or []" : "an array of " + width + " numbers", p.currentToken());
      }
      int base = row * width;
      if (matrix) {
        int r = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
          if (t != JsonToken.START_ARRAY || r >= 3) {
            throw new ValueException("expected a 3x3 array or []");
          }
          readNumbers(p, base + 3 * r, 3);
          r++;
        }
        if (r != 0 && r != 3) {
          throw new ValueException("expected a 3x3 array or [] but found " + r + " rows");
        }
        present[row] = r == 3;
      } else {
        readNumbers(p, base, width);
        present[row] = true;
      }
    }

    private void readNumbers(JsonParser p, int at, int n) throws IOException, ValueException {
      int i = 0;
      JsonToken t;
      while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
        if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
          throw expected("a number in the array", t);
        }
        if (i >= n) {
          throw new ValueException("expected " + n + " numbers but found more");
        }
        values[at + i++] = p.getDoubleValue();
      }
      if (i != n) {
        throw new ValueException("expected " + n + " numbers but found " + i);
      }
    }

    @Override
    void fillDefault(int row) {
      ensure(row);
      Arrays.fill(values, row * width, row * width + width, 0.0);
      present[row] = false;
    }

    @Override
    void presize(int rows) {
      values = new double[Math.max(16, rows) * width];
      present = new boolean[Math.max(16, rows)];
    }

    @Override
    void trim(int rows) {
      values = Arrays.copyOf(values, rows * width);
      present = Arrays.copyOf(present, rows);
    }
  }
}
