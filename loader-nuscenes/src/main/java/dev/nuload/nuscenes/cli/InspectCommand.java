package dev.nuload.nuscenes.cli;

import dev.nuload.ExitCode;
import dev.nuload.ResourceException;
import dev.nuload.arrow.ArrowFileBatchReader;
import dev.nuload.arrow.ArrowMetadata;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.ValueVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.types.pojo.Field;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code nuload inspect FILE.arrow}: prints an Arrow IPC file's schema (field tree with types and
 * field metadata such as shapes), its schema metadata, batch and row counts, and one record.
 */
@Command(
    name = "inspect",
    mixinStandardHelpOptions = true,
    versionProvider = NuloadVersion.class,
    description = {
      "Prints an Arrow IPC file (an info file written by nuload, or any .arrow file): the"
          + " schema with field types and metadata (shape, layout, order, unit, frame), the"
          + " schema metadata, the batch and row counts, and one record in readable form.",
      ""
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:printed",
      "2:usage (bad option, row out of range)",
      "3:not a readable Arrow IPC file",
      "4:FILE does not exist"
    })
public final class InspectCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "FILE",
      description = "the .arrow file, or a batch ring file of nuload serve.")
  Path file;

  @Option(
      names = "--row",
      paramLabel = "N",
      defaultValue = "0",
      description = "the record to print (default: ${DEFAULT-VALUE}); -1 prints none.")
  long row;

  @Option(
      names = "--max-items",
      paramLabel = "K",
      defaultValue = "3",
      description =
          "list elements printed per list before '... N more' (default: ${DEFAULT-VALUE});"
              + " 0 prints all.")
  int maxItems;

  /** Creates the command (picocli fills the fields). */
  public InspectCommand() {}

  @Override
  public Integer call() throws IOException {
    if (dev.nuload.shm.RingReader.isRing(file)) { // a batch ring (docs/format/ring.md)
      spec.commandLine().getOut().print(dev.nuload.shm.RingInspector.describe(file));
      spec.commandLine().getOut().flush();
      return ExitCode.OK;
    }
    if (!Files.isRegularFile(file)) {
      throw new ResourceException(file + ": no such file");
    }
    PrintWriter out = spec.commandLine().getOut();
    try (BufferAllocator allocator = new RootAllocator();
        ArrowFileBatchReader r = ArrowFileBatchReader.open(file, allocator)) {
      long rows = r.rowCount();
      out.println("file: " + file);
      out.println("size: " + Files.size(file) + " bytes");
      out.println("rows: " + rows + " in " + r.batchCount() + " record batches");
      out.println("schema metadata:");
      Map<String, String> md = r.schemaMetadata();
      md.entrySet().stream()
          .sorted(Map.Entry.comparingByKey())
          .forEach(e -> out.println("  " + e.getKey() + " = " + e.getValue()));
      out.println("fields:");
      for (Field f : r.schema().getFields()) {
        printField(out, f, "  ");
      }
      if (row >= 0) {
        if (row >= rows) {
          throw new picocli.CommandLine.ParameterException(
              spec.commandLine(),
              "--row " + row + " is out of range: " + file + " has " + rows + " rows");
        }
        long[] counts = r.batchRowCounts();
        int b = 0;
        long first = 0;
        while (first + counts[b] <= row) {
          first += counts[b];
          b++;
        }
        r.loadBatch(b);
        VectorSchemaRoot root = r.root();
        int i = (int) (row - first);
        out.println("row " + row + ":");
        for (FieldVector v : root.getFieldVectors()) {
          out.print("  " + v.getField().getName() + ": ");
          render(out, v, v.getField(), i, "    ");
        }
      }
    }
    out.flush();
    return ExitCode.OK;
  }

  private static void printField(PrintWriter out, Field f, String indent) {
    StringBuilder sb = new StringBuilder(indent).append(f.getName()).append(": ");
    sb.append(typeName(f));
    Map<String, String> m = f.getMetadata();
    if (m != null && !m.isEmpty()) {
      sb.append("  ").append(m);
    }
    out.println(sb);
    for (Field c : f.getChildren()) {
      printField(out, c, indent + "  ");
    }
  }

  private static String typeName(Field f) {
    String t = f.getType().toString();
    return (f.isNullable() ? t : t + " not null").toLowerCase(Locale.ROOT);
  }

  private void render(PrintWriter out, ValueVector v, Field f, int i, String indent) {
    if (v.isNull(i)) {
      out.println("null");
      return;
    }
    if (v instanceof FixedSizeListVector fl) {
      ValueVector data = fl.getDataVector();
      int n = fl.getListSize();
      if (data instanceof Float8Vector || data instanceof Float4Vector) {
        out.println(numbers(data, i * n, n, ArrowMetadata.shape(f)));
      } else {
        renderList(out, data, f.getChildren().get(0), i * n, n, indent);
      }
    } else if (v instanceof ListVector l) {
      int s = l.getElementStartIndex(i);
      int n = l.getElementEndIndex(i) - s;
      ValueVector data = l.getDataVector();
      if (data instanceof FixedSizeListVector fl && (fl.getDataVector() instanceof Float8Vector)) {
        int w = fl.getListSize();
        int[] inner = ArrowMetadata.shape(f.getChildren().get(0));
        int[] shape = new int[(inner == null ? 1 : inner.length) + 1];
        shape[0] = n;
        if (inner == null) {
          shape[1] = w;
        } else {
          System.arraycopy(inner, 0, shape, 1, inner.length);
        }
        out.println("(" + n + " rows) " + numbers(fl.getDataVector(), s * w, n * w, shape));
      } else {
        renderList(out, data, f.getChildren().get(0), s, n, indent);
      }
    } else if (v instanceof StructVector st) {
      out.println();
      for (Field c : f.getChildren()) {
        out.print(indent + c.getName() + ": ");
        render(out, st.getChild(c.getName()), c, i, indent + "  ");
      }
    } else if (v instanceof VarCharVector s) {
      out.println("'" + s.getObject(i) + "'");
    } else {
      out.println(v.getObject(i));
    }
  }

  private void renderList(
      PrintWriter out, ValueVector data, Field child, int start, int n, String indent) {
    boolean scalar =
        !(data instanceof StructVector)
            && !(data instanceof FixedSizeListVector)
            && !(data instanceof ListVector);
    int shown = maxItems == 0 ? n : Math.min(n, maxItems);
    if (scalar) {
      StringBuilder sb = new StringBuilder("[");
      for (int k = 0; k < shown; k++) {
        if (k > 0) {
          sb.append(", ");
        }
        Object o = data.getObject(start + k);
        sb.append(data instanceof VarCharVector ? "'" + o + "'" : String.valueOf(o));
      }
      if (shown < n) {
        sb.append(", ... ").append(n - shown).append(" more");
      }
      out.println(sb.append(']'));
      return;
    }
    out.println("(" + n + " items)");
    for (int k = 0; k < shown; k++) {
      out.print(indent + "[" + k + "]: ");
      render(out, data, child, start + k, indent + "  ");
    }
    if (shown < n) {
      out.println(indent + "... " + (n - shown) + " more");
    }
  }

  private static String numbers(ValueVector data, int start, int n, int[] shape) {
    double[] d = new double[n];
    for (int k = 0; k < n; k++) {
      d[k] = ((Number) data.getObject(start + k)).doubleValue();
    }
    if (shape == null || shape.length <= 1) {
      return fmt(d, 0, n);
    }
    int inner = shape[shape.length - 1];
    StringBuilder sb = new StringBuilder("[");
    for (int r = 0; r * inner < n; r++) {
      if (r > 0) {
        sb.append(", ");
      }
      sb.append(fmt(d, r * inner, inner));
    }
    return sb.append(']').toString();
  }

  private static String fmt(double[] d, int s, int n) {
    StringBuilder sb = new StringBuilder("[");
    for (int k = 0; k < n; k++) {
      if (k > 0) {
        sb.append(", ");
      }
      sb.append(d[s + k]);
    }
    return sb.append(']').toString();
  }
}
