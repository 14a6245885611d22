package dev.nuload.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.Zstd;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Frame boundaries of a Zstandard file found from its frame and block headers alone. */
class ZstdFramesTest {
  @TempDir Path dir;

  /** Incompressible bytes: zstd stores them in raw blocks of at most 128 KiB each. */
  private static byte[] noise(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static byte[] skippable(int payload) {
    ByteBuffer b = ByteBuffer.allocate(8 + payload).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(ZstdFrames.SKIPPABLE_MAGIC + 3).putInt(payload);
    return b.array();
  }

  private List<ZstdFrames.Frame> scan(byte[] file) throws IOException {
    Path p = Files.write(dir.resolve("f.zst"), file);
    try (FileChannel ch = FileChannel.open(p)) {
      return ZstdFrames.scan(ch, "f.zst", 27);
    }
  }

  @Test
  void shouldFindEveryFrameOfConcatenatedMultiBlockFrames() throws IOException {
    byte[] a = Zstd.compress(noise(700_000, 1), 3); // six blocks
    byte[] b = Zstd.compress(new byte[300_000], 3); // compressible
    byte[] c = Zstd.compress(noise(10, 2), 3);
    byte[] skip = skippable(100);
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (byte[] part : List.of(a, skip, b, c)) {
      all.writeBytes(part);
    }

    List<ZstdFrames.Frame> frames = scan(all.toByteArray());

    assertEquals(
        List.of(
            new ZstdFrames.Frame(0, a.length, 700_000, false),
            new ZstdFrames.Frame(a.length, skip.length, 0, true),
            new ZstdFrames.Frame(a.length + skip.length, b.length, 300_000, false),
            new ZstdFrames.Frame(a.length + skip.length + b.length, c.length, 10, false)),
        frames);
  }

  @Test
  void shouldStopAtATruncatedFrameWithItsOffset() throws IOException {
    byte[] a = Zstd.compress(noise(400_000, 3), 3);
    byte[] b = Zstd.compress(noise(400_000, 4), 3);
    byte[] file = new byte[a.length + b.length / 2];
    System.arraycopy(a, 0, file, 0, a.length);
    System.arraycopy(b, 0, file, a.length, b.length / 2);

    CorruptArchiveException e = assertThrows(CorruptArchiveException.class, () -> scan(file));

    assertTrue(e.getMessage().contains("truncated zstd frame"), e.getMessage());
    assertTrue(e.getMessage().contains("f.zst"), e.getMessage());
    assertTrue(e.compressedOffset() >= a.length, "offset " + e.compressedOffset());
  }

  @Test
  void shouldStopInsideAFrameHeaderCutShort() throws IOException {
    byte[] a = Zstd.compress(noise(1000, 5), 3);
    byte[] file = Arrays.copyOf(a, a.length + 6);
    System.arraycopy(a, 0, file, a.length, 6); // a second frame cut after its magic

    CorruptArchiveException e = assertThrows(CorruptArchiveException.class, () -> scan(file));

    assertTrue(e.getMessage().contains("truncated zstd frame"), e.getMessage());
  }

  @Test
  void shouldRefuseBytesThatAreNotAFrame() throws IOException {
    byte[] a = Zstd.compress(noise(1000, 6), 3);
    byte[] file = Arrays.copyOf(a, a.length + 16); // sixteen zero bytes after the frame

    CorruptArchiveException e = assertThrows(CorruptArchiveException.class, () -> scan(file));

    assertTrue(e.getMessage().contains("not a zstd frame"), e.getMessage());
    assertEquals(a.length, e.compressedOffset());
  }
}
