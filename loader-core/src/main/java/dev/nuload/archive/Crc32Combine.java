package dev.nuload.archive;

/**
 * Joins CRC-32 values (the gzip polynomial, as {@link java.util.zip.CRC32} computes): given the CRC
 * of A and the CRC and length of B, the CRC of A followed by B, without the bytes. Appending n
 * bytes multiplies A's remainder by x^(8n) modulo the polynomial; that power is built from a table
 * of x^(2^k) by squaring, so a join costs O(log n) carry-less products.
 */
final class Crc32Combine {
  /** The CRC-32 polynomial, bit-reversed (the lowest bit holds the x^31 term). */
  private static final int POLY = 0xEDB88320;

  /** {@code X2N[k]} = x^(2^k) mod POLY, in the reversed form. */
  private static final int[] X2N = new int[32];

  static {
    int p = 1 << 30; // x^1
    X2N[0] = p;
    for (int k = 1; k < 32; k++) {
      p = multiply(p, p);
      X2N[k] = p;
    }
  }

  private Crc32Combine() {}

  /**
   * Returns the CRC-32 of A then B.
   *
   * @param crcA CRC-32 of the first part.
   * @param crcB CRC-32 of the second part.
   * @param lengthB bytes in the second part.
   * @return CRC-32 of both parts in order, as an unsigned 32-bit value.
   */
  static long combine(long crcA, long crcB, long lengthB) {
    if (lengthB <= 0) {
      return lengthB == 0 ? crcA : crcB;
    }
    int shift = powerOfX(lengthB, 3); // x^(8 * lengthB)
    return (multiply(shift, (int) crcA) ^ (int) crcB) & 0xFFFFFFFFL;
  }

  /** x^(n * 2^k) mod POLY. */
  private static int powerOfX(long n, int k) {
    int p = 1 << 31; // x^0
    while (n != 0) {
      if ((n & 1) != 0) {
        p = multiply(X2N[k & 31], p);
      }
      n >>>= 1;
      k++;
    }
    return p;
  }

  /** a * b mod POLY, both in the reversed form. */
  private static int multiply(int a, int b) {
    if (a == 0) {
      return 0;
    }
    int m = 1 << 31;
    int p = 0;
    while (true) {
      if ((a & m) != 0) {
        p ^= b;
        if ((a & (m - 1)) == 0) {
          return p;
        }
      }
      m >>>= 1;
      b = (b & 1) != 0 ? (b >>> 1) ^ POLY : b >>> 1;
    }
  }
}
