package dev.nuload.nuscenes.table;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class TokenIndexTest {
  private static final List<String> TOKENS =
      List.of(
          "5fdcdc307f2d44d1845a8ff15ce00ab2",
          "c18679b6bd6c643cddec8b6c0d8cedf1ee92d10ce6861faaf3db8b30f541f5e7",
          "1",
          "abc",
          "ABCD",
          "\u0001ab",
          "\u0002",
          "gh",
          "dé",
          "");

  private static int add(TokenIndex index, String s) {
    return index.addToken(s.toCharArray(), 0, s.length());
  }

  @Test
  void shouldRoundTripTokensOfAnyShape() {
    TokenIndex index = new TokenIndex(2);
    for (String s : TOKENS) {
      add(index, s);
    }
    for (int i = 0; i < TOKENS.size(); i++) {
      assertEquals(TOKENS.get(i), index.get(i));
      assertEquals(i, index.find(TOKENS.get(i)));
    }
  }

  @Test
  void shouldReportDuplicateAsNegativeExistingRow() {
    TokenIndex index = new TokenIndex(2);
    add(index, "ab");
    add(index, "cd");
    assertEquals(-2, add(index, "cd"));
  }

  @Test
  void shouldNotFindAbsentToken() {
    TokenIndex index = new TokenIndex(2);
    add(index, "ab");
    assertEquals(-1, index.find("abab"));
  }
}
