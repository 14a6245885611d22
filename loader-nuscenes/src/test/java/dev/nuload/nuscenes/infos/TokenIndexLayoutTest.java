package dev.nuload.nuscenes.infos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Pins the token index layout to docs/format/token-index.md. */
class TokenIndexLayoutTest {
  private static String doc() throws Exception {
    Path repo = Path.of(System.getProperty("nuload.repo.dir", "."));
    return Files.readString(repo.resolve("docs/format/token-index.md"));
  }

  @Test
  void shouldPutSplitOrdinalInHighAndRowInLow32Bits() {
    assertEquals(12_884_901_895L, NuScenesTokenIndex.encode(3, 7));
    assertEquals(0x0000_0001_7FFF_FFFFL, NuScenesTokenIndex.encode(1, Integer.MAX_VALUE));
  }

  @Test
  void shouldUseTheDocumentedFileNames() throws Exception {
    assertEquals("nuscenes_token_index_sample.cmap", NuScenesTokenIndex.SAMPLE_FILE);
    assertEquals("nuscenes_token_index_sample_data.cmap", NuScenesTokenIndex.SAMPLE_DATA_FILE);
    String doc = doc();
    assertTrue(doc.contains("`" + NuScenesTokenIndex.SAMPLE_FILE + "`"));
    assertTrue(doc.contains("`" + NuScenesTokenIndex.SAMPLE_DATA_FILE + "`"));
    assertTrue(doc.contains("split ordinal in the high 32 bits, row in the low 32 bits"));
  }
}
