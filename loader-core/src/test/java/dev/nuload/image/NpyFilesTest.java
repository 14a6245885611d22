package dev.nuload.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pins the .npy layout of docs/format/preview-output.md. */
class NpyFilesTest {
  @TempDir Path dir;

  @Test
  void shouldWriteTheVersion1HeaderPaddedTo64Bytes() {
    byte[] h = NpyFiles.header(TensorDType.FLOAT32, 12, 3, 320, 800);
    assertEquals(128, h.length);
    assertArrayEquals(
        new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 118, 0}, Arrays.copyOf(h, 10));
    String dict = new String(h, 10, 118, StandardCharsets.US_ASCII);
    assertEquals(
        "{'descr': '<f4', 'fortran_order': False, 'shape': (12, 3, 320, 800), }", dict.strip());
    assertEquals('\n', h[127]);
  }

  @Test
  void shouldWriteOneDimensionalShapesWithATrailingComma() {
    String dict = new String(NpyFiles.header(TensorDType.UINT8, 5), StandardCharsets.US_ASCII);
    assertEquals(true, dict.contains("'descr': '|u1'") && dict.contains("'shape': (5,)"));
  }

  @Test
  void shouldWriteTheElementsAfterTheHeaderWithoutLeavingTemporaryFiles() throws Exception {
    Path f = dir.resolve("a.npy");
    try (Arena a = Arena.ofConfined()) {
      MemorySegment s = a.allocate(4 * 6);
      for (int i = 0; i < 6; i++) {
        s.setAtIndex(ValueLayout.JAVA_FLOAT, i, i * 1.5f);
      }
      NpyFiles.write(f, s, TensorDType.FLOAT32, 2, 3);
    }
    byte[] b = Files.readAllBytes(f);
    assertEquals(128 + 24, b.length);
    assertEquals(7.5f, MemorySegment.ofArray(b).get(ValueLayout.JAVA_FLOAT_UNALIGNED, 128 + 5 * 4));
    try (var list = Files.list(dir)) {
      assertFalse(list.anyMatch(p -> p.getFileName().toString().endsWith(".tmp")));
    }
  }
}
