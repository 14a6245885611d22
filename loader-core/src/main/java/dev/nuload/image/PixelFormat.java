package dev.nuload.image;

/** Byte order of an interleaved 8-bit, 3-channel pixel. */
public enum PixelFormat {
  /** Red, green, blue from the lowest address. */
  RGB,
  /** Blue, green, red from the lowest address (OpenCV's and AWT's TYPE_3BYTE_BGR order). */
  BGR
}
