package dev.nuload.archive;

import java.lang.foreign.MemorySegment;

/**
 * Lets go of the pages of a mapped archive that {@link ParallelGzipInflater} has read past, with
 * {@code madvise(MADV_DONTNEED)} (advisory: nothing happens where it is not available).
 */
final class MappedPages {
  private MappedPages() {}

  /**
   * Drops the mapped pages of compressed bytes already used from this process (they stay in the
   * page cache), so its resident size stays near the chunks in flight instead of growing to the
   * archive's size.
   *
   * @param file the whole archive, mapped.
   * @param from first byte used since the last call.
   * @param to byte after the last one used.
   */
  static void release(MemorySegment file, long from, long to) {
    long page = 4096;
    long a = (from + page - 1) / page * page;
    long b = to / page * page;
    if (MADVISE == null || b <= a || file.address() % page != 0) {
      return;
    }
    try {
      int r = (int) MADVISE.invokeExact(file.asSlice(a, b - a), b - a, MADV_DONTNEED);
      assert r == 0 || r == -1;
    } catch (Throwable t) {
      // advisory only
    }
  }

  private static final int MADV_DONTNEED = 4;
  private static final java.lang.invoke.MethodHandle MADVISE = madvise();

  private static java.lang.invoke.MethodHandle madvise() {
    try {
      java.lang.foreign.Linker linker = java.lang.foreign.Linker.nativeLinker();
      return linker
          .defaultLookup()
          .find("madvise")
          .map(
              m ->
                  linker.downcallHandle(
                      m,
                      java.lang.foreign.FunctionDescriptor.of(
                          java.lang.foreign.ValueLayout.JAVA_INT,
                          java.lang.foreign.ValueLayout.ADDRESS,
                          java.lang.foreign.ValueLayout.JAVA_LONG,
                          java.lang.foreign.ValueLayout.JAVA_INT)))
          .orElse(null);
    } catch (RuntimeException e) {
      return null;
    }
  }
}
