package dev.nuload.nuscenes.table;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.nuload.nuscenes.table.Columns.Column;
import dev.nuload.nuscenes.table.Columns.Need;
import dev.nuload.nuscenes.table.Columns.ValueException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Streams one table file with Jackson's {@link JsonParser} into a {@link ParsedTable}. Unknown
 * fields are skipped; wrong types and missing fields are reported to the sink and the row gets a
 * default value; a syntax error ends the table (reported with file, line and column).
 */
final class TableParser {
  /**
   * Numbers go through Jackson's fast double parser (FastDoubleParser): correctly rounded like
   * {@link Double#parseDouble}, so the same bits, at a fraction of the cost on the 17-digit
   * translations and rotations that make up most of sample_annotation and ego_pose.
   */
  private static final JsonFactory FACTORY =
      JsonFactory.builder().enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER).build();

  private TableParser() {}

  /** Estimates the row count from the file size to size the arrays once. */
  private static int expectedRows(NuScenesTable t, long bytes) {
    int perRow =
        switch (t) {
          case SAMPLE_DATA -> 560;
          case EGO_POSE -> 290;
          case SAMPLE_ANNOTATION -> 780;
          default -> 200;
        };
    return (int) Math.min(Integer.MAX_VALUE / 4, bytes / perRow + 16);
  }

  /**
   * Parses a table file.
   *
   * @return the table, or an empty non-present table when the file is missing or unparseable.
   */
  static ParsedTable parse(NuScenesTable t, Path file, ProblemSink sink) {
    String name = t.tableName();
    if (!Files.isRegularFile(file)) {
      sink.report(new Problem(Severity.ERROR, name, "*", "", "table file missing: " + file));
      return new ParsedTable(t, 0, false);
    }
    long size;
    try {
      size = Files.size(file);
    } catch (IOException e) {
      size = 0;
    }
    ParsedTable table = new ParsedTable(t, expectedRows(t, size), true);
    List<Column> cols = new ArrayList<>(table.columns.values());
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < cols.size(); i++) {
      index.put(cols.get(i).name, i);
    }
    int[] missingCount = new int[cols.size()];
    String[] missingFirst = new String[cols.size()];
    int tokenMissing = 0;
    int row = 0;
    try (JsonParser p = FACTORY.createParser(file.toFile())) {
      JsonToken top = p.nextToken();
      if (top != JsonToken.START_ARRAY) {
        throw new ValueException(
            "expected a JSON array of objects at top level but found " + Columns.describe(top));
      }
      JsonToken tok;
      while ((tok = p.nextToken()) != JsonToken.END_ARRAY) {
        if (tok != JsonToken.START_OBJECT) {
          throw new ValueException(
              "expected an object as array element " + row + " but found " + Columns.describe(tok));
        }
        long seen = 0;
        boolean haveToken = false; // the row's token is then table.tokens.get(row)
        while ((tok = p.nextToken()) != JsonToken.END_OBJECT) {
          if (tok != JsonToken.FIELD_NAME) {
            throw new ValueException("expected a field name but found " + Columns.describe(tok));
          }
          String field = p.currentName();
          JsonToken value = p.nextToken();
          if (value == null) {
            break;
          }
          if (field.equals("token")) {
            if (!haveToken) {
              haveToken = true;
              if (value != JsonToken.VALUE_STRING) {
                sink.report(
                    typeProblem(
                        name, "token", "", file, p, row, Columns.expected("a string", value)));
                p.skipChildren();
                table.tokens.add("");
              } else {
                int r =
                    table.tokens.addToken(
                        p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
                if (r < 0) {
                  sink.report(
                      new Problem(
                          Severity.ERROR,
                          name,
                          "token",
                          p.getText(),
                          "duplicate token (records "
                              + (-r - 1)
                              + " and "
                              + row
                              + " of "
                              + file.getFileName()
                              + ")"));
                }
              }
            } else {
              p.skipChildren();
            }
            continue;
          }
          Integer ci = index.get(field);
          if (ci == null || (seen & (1L << ci)) != 0) {
            p.skipChildren(); // unknown (forward-compatible) or repeated field
            continue;
          }
          seen |= 1L << ci;
          Column c = cols.get(ci);
          try {
            c.read(p, row);
          } catch (ValueException e) {
            sink.report(
                typeProblem(
                    name, c.name, haveToken ? table.tokens.get(row) : null, file, p, row, e));
            p.skipChildren();
            c.fillDefault(row);
          }
        }
        if (tok != JsonToken.END_OBJECT) {
          throw new ValueException("unexpected end of input inside record " + row);
        }
        if (!haveToken) {
          tokenMissing++;
          table.tokens.add("");
        }
        for (int i = 0; i < cols.size(); i++) {
          if ((seen & (1L << i)) == 0) {
            cols.get(i).fillDefault(row);
            if (missingCount[i]++ == 0) {
              missingFirst[i] = haveToken ? table.tokens.get(row) : "record " + row;
            }
          }
        }
        row++;
      }
    } catch (JsonProcessingException e) {
      JsonLocation loc = e.getLocation();
      sink.report(
          new Problem(
              Severity.ERROR,
              name,
              "*",
              "",
              "malformed JSON in "
                  + file
                  + at(loc)
                  + " after "
                  + row
                  + " records: "
                  + e.getOriginalMessage()));
      return new ParsedTable(t, 0, false);
    } catch (ValueException e) {
      sink.report(new Problem(Severity.ERROR, name, "*", "", e.getMessage() + " in " + file));
      return new ParsedTable(t, 0, false);
    } catch (IOException e) {
      sink.report(
          new Problem(
              Severity.ERROR, name, "*", "", "cannot read " + file + ": " + e.getMessage()));
      return new ParsedTable(t, 0, false);
    }
    table.rows = row;
    if (tokenMissing > 0) {
      sink.report(
          new Problem(
              Severity.ERROR,
              name,
              "token",
              "",
              "field missing in " + tokenMissing + " of " + row + " records of " + file));
    }
    for (int i = 0; i < cols.size(); i++) {
      Column c = cols.get(i);
      c.trim(row);
      c.missing = missingCount[i];
      if (missingCount[i] > 0 && c.need != Need.OPTIONAL) {
        sink.report(
            new Problem(
                c.need == Need.REQUIRED ? Severity.ERROR : Severity.WARN,
                name,
                c.name,
                "",
                "field missing in "
                    + missingCount[i]
                    + " of "
                    + row
                    + " records of "
                    + file.getFileName()
                    + " (first: "
                    + missingFirst[i]
                    + ")"
                    + (c.need == Need.REQUIRED ? "; the info converters read it" : "")));
      }
    }
    table.tokens.trim();
    return table;
  }

  private static String at(JsonLocation loc) {
    if (loc == null) {
      return "";
    }
    return " at line "
        + loc.getLineNr()
        + " column "
        + loc.getColumnNr()
        + " (byte "
        + Math.max(loc.getByteOffset(), loc.getCharOffset())
        + ")";
  }

  private static Problem typeProblem(
      String table,
      String field,
      String token,
      Path file,
      JsonParser p,
      int row,
      ValueException e) {
    return new Problem(
        Severity.ERROR,
        table,
        field,
        token == null ? "" : token,
        e.getMessage()
            + " at "
            + file.getFileName()
            + at(p.currentLocation()).replace(" at ", " ")
            + ", record "
            + row);
  }
}
