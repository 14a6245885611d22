package dev.nuload.nuscenes.info;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.RecordComponent;
import java.util.List;
import java.util.Set;

/** Deep comparison of info records for tests of readers and of what serving reads. */
public final class InfoRecordAssert {
  /** Derived on load; the builder may compute them with different rounding. */
  private static final Set<String> DERIVED = Set.of("extrinsics", "lidar2img");

  private InfoRecordAssert() {}

  /**
   * Compares two records value by value: every field, list element and array entry equal; NaN
   * equals NaN.
   *
   * @param expected the expected record (or list, array, value).
   * @param actual the record read.
   * @param path names the value in a failure.
   */
  public static void assertSameRecord(Object expected, Object actual, String path) {
    assertDeepEquals(expected, actual, path, 0.0);
  }

  /**
   * Compares records, lists and arrays recursively; NaN equals NaN.
   *
   * @param expected the expected value.
   * @param actual the value read.
   * @param path names the value in a failure.
   * @param derivedTolerance how far the derived PETR matrices ({@code extrinsics}, {@code
   *     lidar2img}) may differ.
   */
  static void assertDeepEquals(
      Object expected, Object actual, String path, double derivedTolerance) {
    if (expected == null || actual == null) {
      assertEquals(expected, actual, path);
    } else if (expected instanceof Record) {
      assertEquals(expected.getClass(), actual.getClass(), path);
      for (RecordComponent c : expected.getClass().getRecordComponents()) {
        try {
          Object e = c.getAccessor().invoke(expected);
          Object a = c.getAccessor().invoke(actual);
          String p = path + "." + c.getName();
          if (DERIVED.contains(c.getName()) && e != null && a != null) {
            assertArrayEquals((double[]) e, (double[]) a, derivedTolerance, p);
          } else {
            assertDeepEquals(e, a, p, derivedTolerance);
          }
        } catch (ReflectiveOperationException ex) {
          throw new AssertionError(ex);
        }
      }
    } else if (expected instanceof List<?> le) {
      List<?> la = (List<?>) actual;
      assertEquals(le.size(), la.size(), path + " size");
      for (int i = 0; i < le.size(); i++) {
        assertDeepEquals(le.get(i), la.get(i), path + "[" + i + "]", derivedTolerance);
      }
    } else if (expected instanceof double[] d) {
      assertArrayEquals(d, (double[]) actual, 0.0, path);
    } else if (expected instanceof long[] l) {
      assertArrayEquals(l, (long[]) actual, path);
    } else if (expected instanceof boolean[] b) {
      assertArrayEquals(b, (boolean[]) actual, path);
    } else if (expected instanceof String[] s) {
      assertArrayEquals(s, (String[]) actual, path);
    } else {
      assertEquals(expected, actual, path);
    }
  }
}
