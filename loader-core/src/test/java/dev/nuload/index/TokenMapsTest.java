package dev.nuload.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenMapsTest {
  @TempDir Path dir;

  static String token(int i) {
    return String.format("%032x", i * 2654435761L);
  }

  private TokenMapFile writeStrings(Path file, int n) {
    try (TokenMapWriter<String> w = TokenMaps.createStringMap(file, n, 32, 40)) {
      for (int i = 0; i < n; i++) {
        w.put(token(i), "sweeps/CAM_FRONT/frame_" + i + ".jpg");
      }
      return w.commit();
    }
  }

  private TokenMapFile writeLongs(Path file, int n) {
    try (TokenMapWriter<Long> w = TokenMaps.createLongMap(file, n, 32)) {
      for (int i = 0; i < n; i++) {
        w.put(token(i), (1L << 32) | i);
      }
      return w.commit();
    }
  }

  @Test
  void shouldReturnEveryStringPutBeforeCommit() throws Exception {
    TokenMapFile f = writeStrings(dir.resolve("paths.cmap"), 1000);
    try (TokenMap<String> m = TokenMaps.openStringMap(f)) {
      assertEquals(1000, m.size());
      for (int i = 0; i < 1000; i++) {
        assertEquals("sweeps/CAM_FRONT/frame_" + i + ".jpg", m.get(token(i)));
      }
      assertNull(m.get(token(1000)));
    }
  }

  @Test
  void shouldReturnEveryLongPutBeforeCommit() throws Exception {
    TokenMapFile f = writeLongs(dir.resolve("rows.cmap"), 500);
    try (TokenMap<Long> m = TokenMaps.openLongMap(f)) {
      assertEquals(500, m.size());
      assertEquals((1L << 32) | 499, m.get(token(499)));
    }
  }

  @Test
  void shouldRecordEntriesSizeAndChecksumAtCommit() throws Exception {
    Path file = dir.resolve("rows.cmap");
    TokenMapFile f = writeLongs(file, 10);
    assertEquals(10, f.entries());
    assertEquals(Files.size(file), f.sizeBytes());
    assertEquals(TokenMaps.crc32c(file), f.crc32c());
  }

  @Test
  void shouldLeaveNoFileBehindWhenClosedWithoutCommit() throws IOException {
    Path file = dir.resolve("rows.cmap");
    try (TokenMapWriter<Long> w = TokenMaps.createLongMap(file, 10, 32)) {
      w.put(token(1), 1L);
    }
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(0, s.count());
    }
  }

  @Test
  void shouldWriteUnderTemporaryNameUntilCommit() throws IOException {
    Path file = dir.resolve("rows.cmap");
    try (TokenMapWriter<Long> w = TokenMaps.createLongMap(file, 10, 32)) {
      w.put(token(1), 1L);
      assertFalse(Files.exists(file));
      w.commit();
      assertTrue(Files.exists(file));
    }
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(1, s.count());
    }
  }

  @Test
  void shouldRejectDuplicateToken() {
    try (TokenMapWriter<Long> w = TokenMaps.createLongMap(dir.resolve("rows.cmap"), 10, 32)) {
      w.put(token(1), 1L);
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> w.put(token(1), 2L));
      assertTrue(e.getMessage().contains(token(1)), e.getMessage());
    }
  }

  @Test
  void shouldRefuseMissingFile() throws Exception {
    TokenMapFile f = writeLongs(dir.resolve("rows.cmap"), 10);
    Files.delete(f.file());
    IndexUnusableException e =
        assertThrows(IndexUnusableException.class, () -> TokenMaps.openLongMap(f));
    assertTrue(e.getMessage().contains("missing"), e.getMessage());
  }

  @Test
  void shouldRefuseTruncatedFile() throws Exception {
    TokenMapFile f = writeStrings(dir.resolve("paths.cmap"), 100);
    try (FileChannel ch = FileChannel.open(f.file(), StandardOpenOption.WRITE)) {
      ch.truncate(f.sizeBytes() / 2);
    }
    IndexUnusableException e =
        assertThrows(IndexUnusableException.class, () -> TokenMaps.openStringMap(f));
    assertTrue(e.getMessage().contains("bytes, expected"), e.getMessage());
  }

  @Test
  void shouldRefuseFileWhoseBytesChanged() throws Exception {
    TokenMapFile f = writeStrings(dir.resolve("paths.cmap"), 100);
    byte[] bytes = Files.readAllBytes(f.file());
    bytes[bytes.length / 3] ^= 0x5a;
    Files.write(f.file(), bytes);
    IndexUnusableException e =
        assertThrows(IndexUnusableException.class, () -> TokenMaps.openStringMap(f));
    assertTrue(e.getMessage().contains("CRC32C"), e.getMessage());
  }

  @Test
  void shouldRefuseWrongEntryCount() throws Exception {
    TokenMapFile f = writeLongs(dir.resolve("rows.cmap"), 10);
    TokenMapFile claimed = new TokenMapFile(f.file(), 11, f.sizeBytes(), f.crc32c());
    IndexUnusableException e =
        assertThrows(IndexUnusableException.class, () -> TokenMaps.openLongMap(claimed));
    assertTrue(e.getMessage().contains("holds 10 entries, expected 11"), e.getMessage());
  }

  @Test
  void shouldRefuseFileThatFailsToOpen() throws Exception {
    Path file = dir.resolve("rows.cmap");
    Files.write(file, "not a chronicle map, just text\n".repeat(4000).getBytes());
    TokenMapFile claimed = new TokenMapFile(file, 10, Files.size(file), TokenMaps.crc32c(file));
    IndexUnusableException e =
        assertThrows(IndexUnusableException.class, () -> TokenMaps.openLongMap(claimed));
    assertTrue(e.getMessage().contains("fails to open"), e.getMessage());
  }

  @Test
  void shouldRefuseMapOfOtherValueType() throws Exception {
    TokenMapFile f = writeLongs(dir.resolve("rows.cmap"), 10);
    assertThrows(IndexUnusableException.class, () -> TokenMaps.openStringMap(f));
  }

  @Test
  void shouldNotChangeFileWhenLookedUp() throws Exception {
    TokenMapFile f = writeStrings(dir.resolve("paths.cmap"), 200);
    try (TokenMap<String> m = TokenMaps.openStringMap(f)) {
      for (int i = 0; i < 200; i++) {
        m.get(token(i));
      }
    }
    TokenMaps.verifyFile(f);
  }
}
