package dev.nuload.index;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.atomic.AtomicLong;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;

/** The Chronicle Map implementation behind {@link TokenMaps}; only reached through it. */
final class ChronicleBackend {
  private static final AtomicLong TEMP_COUNTER = new AtomicLong();

  static {
    ChronicleQuiet.apply();
  }

  private ChronicleBackend() {}

  static TokenMapWriter<Long> createLongs(Path target, long entries, double avgKey) {
    ChronicleMapBuilder<String, Long> b =
        ChronicleMap.of(String.class, Long.class)
            .name("nuload-" + target.getFileName())
            .entries(Math.max(16, entries))
            .averageKeySize(Math.max(1, avgKey) + 1);
    return new Writer<>(target, b);
  }

  static TokenMapWriter<String> createStrings(
      Path target, long entries, double avgKey, double avgValue) {
    ChronicleMapBuilder<String, String> b =
        ChronicleMap.of(String.class, String.class)
            .name("nuload-" + target.getFileName())
            .entries(Math.max(16, entries))
            .averageKeySize(Math.max(1, avgKey) + 1)
            .averageValueSize(Math.max(1, avgValue) + 2);
    return new Writer<>(target, b);
  }

  static <V> TokenMap<V> open(TokenMapFile expected, Class<V> valueClass)
      throws IndexUnusableException {
    Path f = expected.file();
    ChronicleMap<String, V> map;
    try {
      map = ChronicleMap.of(String.class, valueClass).createPersistedTo(f.toFile());
    } catch (IOException | RuntimeException | InternalError | AssertionError e) {
      throw new IndexUnusableException("token map " + f + " fails to open: " + e, e);
    }
    Class<?> keys = map.keyClass();
    Class<?> values = map.valueClass();
    if (values != valueClass || keys != String.class) {
      map.close();
      throw new IndexUnusableException(
          "token map "
              + f
              + " maps "
              + keys.getSimpleName()
              + " to "
              + values.getSimpleName()
              + ", expected String to "
              + valueClass.getSimpleName());
    }
    long n = map.longSize();
    if (n != expected.entries()) {
      map.close();
      throw new IndexUnusableException(
          "token map " + f + " holds " + n + " entries, expected " + expected.entries());
    }
    return new Reader<>(f, map);
  }

  /**
   * Chronicle compiles a small class with javac on first use, which needs jdk.compiler opened to
   * the class path; name the options instead of surfacing a reflection error.
   */
  static RuntimeException withJvmOptionHint(RuntimeException e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof java.lang.reflect.InaccessibleObjectException) {
        return new IllegalStateException(
            "Chronicle Map needs the JVM options"
                + " --add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED"
                + " --add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED (and the java.base"
                + " opens of the nuload launcher): "
                + c.getMessage(),
            e);
      }
    }
    return e;
  }

  private record Reader<V>(Path file, ChronicleMap<String, V> map) implements TokenMap<V> {
    @Override
    public V get(String token) {
      return map.get(token);
    }

    @Override
    public long size() {
      return map.longSize();
    }

    @Override
    public void close() {
      map.close();
    }
  }

  private static final class Writer<V> implements TokenMapWriter<V> {
    private final Path target;
    private final Path temp;
    private final ChronicleMap<String, V> map;
    private long size;
    private boolean done;

    Writer(Path target, ChronicleMapBuilder<String, V> builder) {
      this.target = target;
      Path dir = target.toAbsolutePath().getParent();
      this.temp =
          dir.resolve(
              target.getFileName()
                  + ".tmp-"
                  + ProcessHandle.current().pid()
                  + "-"
                  + TEMP_COUNTER.incrementAndGet());
      try {
        Files.createDirectories(dir);
        Files.deleteIfExists(temp);
        this.map = builder.createPersistedTo(temp.toFile());
      } catch (IOException e) {
        throw TokenMaps.unchecked("cannot create token map " + temp, e);
      } catch (RuntimeException e) {
        throw withJvmOptionHint(e);
      }
    }

    @Override
    public void put(String token, V value) {
      if (map.putIfAbsent(token, value) != null) {
        throw new IllegalArgumentException(
            "token " + token + " is already in token map " + target.getFileName());
      }
      size++;
    }

    @Override
    public long size() {
      return size;
    }

    @Override
    public TokenMapFile commit() {
      if (done) {
        throw new IllegalStateException("token map " + target + " already committed or closed");
      }
      done = true;
      map.close();
      try {
        long bytes = Files.size(temp);
        long crc = TokenMaps.crc32c(temp);
        Files.move(
            temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return new TokenMapFile(target, size, bytes, crc);
      } catch (IOException e) {
        deleteQuietly(temp);
        throw TokenMaps.unchecked("cannot publish token map " + target, e);
      }
    }

    @Override
    public void close() {
      if (!done) {
        done = true;
        map.close();
        deleteQuietly(temp);
      }
    }

    private static void deleteQuietly(Path p) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException ignored) {
        // best effort: a stray temp file is ignored by readers and replaced on the next build
      }
    }
  }
}
