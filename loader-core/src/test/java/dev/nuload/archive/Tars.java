package dev.nuload.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Builds tar archives byte by byte for the tests, including entries no well-behaved writer produces
 * (absolute and {@code ..} names, links, devices, FIFOs, setuid modes), and compares folder trees.
 */
final class Tars {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  Tars file(String name, byte[] data) {
    return entry(name, '0', data, 0644, "");
  }

  Tars file(String name, byte[] data, int mode) {
    return entry(name, '0', data, mode, "");
  }

  Tars dir(String name) {
    return entry(name, '5', new byte[0], 0755, "");
  }

  Tars link(String name, char type, String target) {
    return entry(name, type, new byte[0], 0777, target);
  }

  Tars entry(String name, char type, byte[] data, int mode, String linkName) {
    byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
    if (nameBytes.length > 100) { // GNU long name
      byte[] ln = java.util.Arrays.copyOf(nameBytes, nameBytes.length + 1);
      header("././@LongLink", 'L', ln.length, 0644, "");
      write(ln);
      pad(ln.length);
      nameBytes = java.util.Arrays.copyOf(nameBytes, 100);
    }
    header(new String(nameBytes, StandardCharsets.UTF_8), type, data.length, mode, linkName);
    write(data);
    pad(data.length);
    return this;
  }

  private void header(String name, char type, long size, int mode, String linkName) {
    byte[] h = new byte[512];
    put(h, 0, name.getBytes(StandardCharsets.UTF_8), 100);
    put(h, 100, octal(mode, 8), 8);
    put(h, 108, octal(0, 8), 8);
    put(h, 116, octal(0, 8), 8);
    put(h, 124, octal(size, 12), 12);
    put(h, 136, octal(1553558400L, 12), 12);
    h[156] = (byte) type;
    put(h, 157, linkName.getBytes(StandardCharsets.UTF_8), 100);
    put(h, 257, "ustar\0".getBytes(StandardCharsets.US_ASCII), 6);
    put(h, 263, "00".getBytes(StandardCharsets.US_ASCII), 2);
    for (int i = 148; i < 156; i++) {
      h[i] = ' ';
    }
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    byte[] c = String.format("%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(c, 0, h, 148, 8);
    write(h);
  }

  private static byte[] octal(long v, int width) {
    return (String.format("%0" + (width - 1) + "o", v) + "\0").getBytes(StandardCharsets.US_ASCII);
  }

  private static void put(byte[] h, int off, byte[] v, int max) {
    System.arraycopy(v, 0, h, off, Math.min(v.length, max));
  }

  private void pad(long n) {
    int p = (int) ((512 - n % 512) % 512);
    write(new byte[p]);
  }

  private void write(byte[] b) {
    out.write(b, 0, b.length);
  }

  byte[] tar() {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(out.toByteArray());
    b.writeBytes(new byte[1024]);
    return b.toByteArray();
  }

  Path writeTgz(Path file) throws IOException {
    Files.write(file, gzip(tar()));
    return file;
  }

  Path writeTar(Path file) throws IOException {
    Files.write(file, tar());
    return file;
  }

  static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (OutputStream g = new GZIPOutputStream(b)) {
      g.write(data);
    }
    return b.toByteArray();
  }

  /** BGZF: independent gzip members of at most 64 KiB input, each stating its own length. */
  static byte[] bgzf(byte[] data) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (int off = 0; off < data.length; off += 65280) {
      int n = Math.min(65280, data.length - off);
      Deflater d = new Deflater(6, true);
      d.setInput(data, off, n);
      d.finish();
      byte[] buf = new byte[70000];
      int c = d.deflate(buf);
      d.end();
      int bsize = 18 + c + 8;
      byte[] h = {
        0x1f,
        (byte) 0x8b,
        8,
        4,
        0,
        0,
        0,
        0,
        0,
        (byte) 0xff,
        6,
        0,
        'B',
        'C',
        2,
        0,
        (byte) ((bsize - 1) & 0xff),
        (byte) ((bsize - 1) >> 8)
      };
      b.writeBytes(h);
      b.write(buf, 0, c);
      CRC32 crc = new CRC32();
      crc.update(data, off, n);
      writeLe32(b, crc.getValue());
      writeLe32(b, n);
    }
    return b.toByteArray();
  }

  private static void writeLe32(ByteArrayOutputStream b, long v) {
    b.write((int) v & 0xff);
    b.write((int) (v >> 8) & 0xff);
    b.write((int) (v >> 16) & 0xff);
    b.write((int) (v >> 24) & 0xff);
  }

  /**
   * Packs the real fixture (samples and tables of scene-0523) with {@code compressor -c} (gzip,
   * pigz, zstd) into {@code dir}.
   */
  static Path realArchive(Path dir, String compressor) throws Exception {
    Path out = dir.resolve("real-" + compressor + ".tgz");
    run(
        ExtractorTest.REAL,
        "sh",
        "-c",
        "tar -cf - --owner=0 --group=0 samples v1.0-trainval | " + compressor + " -c > " + out);
    return out;
  }

  /**
   * Runs {@code body} with gzip parallel inflate cut into 64 KiB chunks, so archives of a few MB
   * take that path; the previous setting is restored.
   */
  static <T> T withSmallInflateChunks(java.util.concurrent.Callable<T> body) throws Exception {
    String old = System.setProperty(Extractor.GZIP_CHUNK_PROP, String.valueOf(64 << 10));
    try {
      return body.call();
    } finally {
      if (old == null) {
        System.clearProperty(Extractor.GZIP_CHUNK_PROP);
      } else {
        System.setProperty(Extractor.GZIP_CHUNK_PROP, old);
      }
    }
  }

  static byte[] random(long seed, int n) {
    byte[] b = new byte[n];
    new java.util.Random(seed).nextBytes(b);
    return b;
  }

  /** Relative path to content hash ("dir" for folders), ignoring nuload's state folder. */
  static Map<String, String> tree(Path root) throws IOException {
    Map<String, String> m = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        String rel = root.relativize(p).toString();
        if (rel.isEmpty() || rel.equals(".nuload") || rel.startsWith(".nuload/")) {
          continue;
        }
        if (Files.isSymbolicLink(p)) {
          m.put(rel, "link");
        } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          m.put(rel, "dir");
        } else {
          CRC32 c = new CRC32();
          byte[] bytes = Files.readAllBytes(p);
          c.update(bytes);
          m.put(rel, bytes.length + ":" + Long.toHexString(c.getValue()));
        }
      }
    }
    return m;
  }

  static String run(Path cwd, String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true).start();
    String o = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + o);
    return o;
  }

  static boolean hasTool(String tool) {
    try {
      return new ProcessBuilder("sh", "-c", "command -v " + tool).start().waitFor() == 0;
    } catch (Exception e) {
      return false;
    }
  }
}
