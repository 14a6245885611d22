package dev.nuload.bench;

import dev.nuload.image.JpegCodecs;
import dev.nuload.image.JpegDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** What a benchmark ran on: CPU model, cores, memory, JDK, JPEG decoder, library versions. */
final class Machine {
  private Machine() {}

  static Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cpu", cpuModel());
    m.put("cores", Runtime.getRuntime().availableProcessors());
    m.put("memory_gib", Math.round(totalMemoryBytes() / (1024.0 * 1024 * 1024) * 10) / 10.0);
    m.put("jdk", Runtime.version().toString() + " (" + System.getProperty("java.vendor") + ")");
    m.put("max_heap_mib", Runtime.getRuntime().maxMemory() / (1024 * 1024));
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    m.put("jpeg_decoder", jpegDecoder());
    m.put("libraries", libraries());
    return m;
  }

  /** group/artifact pairs whose versions the report records. */
  private static final String[][] LIBRARIES = {
    {"org.apache.arrow", "arrow-vector"},
    {"net.openhft", "chronicle-map"},
    {"com.lmax", "disruptor"},
    {"org.apache.commons", "commons-compress"},
    {"com.github.luben", "zstd-jni"},
    {"com.fasterxml.jackson.core", "jackson-core"},
    {"info.picocli", "picocli"},
    {"org.openjdk.jmh", "jmh-core"},
  };

  /**
   * Library versions: from the Maven descriptor a dependency jar keeps ({@code pom.properties}),
   * else from the versions this build declared ({@code versions.properties}, filled in by Maven),
   * since some jars (disruptor, zstd-jni, picocli) ship no descriptor.
   */
  static String libraries() {
    Properties declared = new Properties();
    try (InputStream in = Machine.class.getResourceAsStream("versions.properties")) {
      if (in != null) {
        declared.load(in);
      }
    } catch (IOException e) {
      // without the build's list only the descriptors are used
    }
    List<String> out = new ArrayList<>();
    for (String[] ga : LIBRARIES) {
      String version = descriptorVersion(ga[0], ga[1]);
      if (version == null) {
        version = declared.getProperty(ga[1]);
      }
      if (version != null) {
        out.add(ga[1] + " " + version);
      }
    }
    return String.join(", ", out);
  }

  private static String descriptorVersion(String group, String artifact) {
    String res = "META-INF/maven/" + group + "/" + artifact + "/pom.properties";
    try (InputStream in = Machine.class.getClassLoader().getResourceAsStream(res)) {
      if (in == null) {
        return null;
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version");
    } catch (IOException e) {
      return null;
    }
  }

  /** The JPEG decoder the pipeline uses here (TurboJPEG through FFM, or the ImageIO fallback). */
  static String jpegDecoder() {
    try (JpegDecoder d = JpegCodecs.decoder()) {
      return d.name();
    } catch (RuntimeException e) {
      return "none: " + e.getMessage();
    }
  }

  static List<String> markdown() {
    List<String> md = new ArrayList<>();
    md.add("| machine | |");
    md.add("|---|---|");
    for (Map.Entry<String, Object> e : describe().entrySet()) {
      md.add("| " + e.getKey() + " | " + e.getValue() + " |");
    }
    return md;
  }

  private static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException e) {
      // fall through
    }
    return System.getProperty("os.arch");
  }

  private static long totalMemoryBytes() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getTotalMemorySize();
    }
    return -1;
  }
}
