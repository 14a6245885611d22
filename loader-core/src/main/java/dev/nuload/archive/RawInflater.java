package dev.nuload.archive;

import java.util.zip.DataFormatException;

/**
 * One raw deflate (RFC 1951) stream decoder that also computes the CRC-32 of what it produced, as a
 * gzip trailer states it. The calls mirror {@link java.util.zip.Inflater}: feed input with {@link
 * #setInput}, pull output with {@link #inflate} until {@link #finished()}, then {@link
 * #getRemaining()} tells how many of the given input bytes follow the stream. Not thread-safe; one
 * instance per thread.
 *
 * <p>Input contract: an engine may buffer up to {@link #MAX_OVERREAD} bytes past the end of the
 * stream, and {@link #getRemaining()} counts them back, so it can exceed the length of the last
 * {@link #setInput} call by up to that many bytes. Callers keep that many bytes of the previous
 * input in front of the new input so the position stays inside their buffer.
 */
interface RawInflater extends AutoCloseable {
  /** Most bytes an engine reads past the end of a stream before it knows the stream ended. */
  int MAX_OVERREAD = 8;

  /** Starts a new stream (the next gzip member); the CRC starts again. */
  void reset();

  /**
   * Gives the next input bytes; only after {@link #needsInput()} or {@link #reset()}.
   *
   * @param b buffer.
   * @param off first byte.
   * @param len byte count.
   */
  void setInput(byte[] b, int off, int len);

  /**
   * Decodes into {@code out}.
   *
   * @param out output buffer.
   * @param off first byte to fill.
   * @param len most bytes to produce.
   * @return bytes produced (0 when more input is needed or the stream finished).
   * @throws DataFormatException on invalid deflate data.
   */
  int inflate(byte[] out, int off, int len) throws DataFormatException;

  /**
   * Tells whether the stream's last block was decoded and all its output handed out.
   *
   * @return true at the end of the stream.
   */
  boolean finished();

  /**
   * Tells whether all given input was used and the stream is not finished.
   *
   * @return true when {@link #setInput} is needed.
   */
  boolean needsInput();

  /**
   * Counts the given input bytes that follow the end of the stream (valid once {@link
   * #finished()}).
   *
   * @return bytes not part of the stream, counted back from the end of the last input.
   */
  int getRemaining();

  /**
   * Returns the CRC-32 of the output of the current stream (valid once {@link #finished()}).
   *
   * @return the CRC as an unsigned 32-bit value.
   */
  long crc();

  /** Frees the engine's memory. */
  @Override
  void close();
}
