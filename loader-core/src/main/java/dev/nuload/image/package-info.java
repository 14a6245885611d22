/**
 * Dataset-agnostic image codecs: JPEG encoding through libjpeg-turbo's TurboJPEG API (called with
 * the Java 25 Foreign Function and Memory API) with a pure-Java ImageIO fallback, and a JPEG header
 * reader.
 *
 * <pre>
 *   pixels (byte[] BGR/RGB) --JpegEncoder--&gt; JPEG bytes (reusable buffer) --&gt; file
 *                                JpegCodecs.encoder(): TurboJpegEncoder, else ImageIoJpegEncoder
 * </pre>
 */
package dev.nuload.image;
