/**
 * Dataset-agnostic image codecs and operations: JPEG encoding and decoding through libjpeg-turbo's
 * TurboJPEG API (called with the Java 25 Foreign Function and Memory API) with pure-Java ImageIO
 * fallbacks, a JPEG header reader, Pillow-compatible resampling, and the one-pass
 * resize/crop/flip/normalise/convert/pad writers (from BGR, and from the JPEG's YCbCr planes for
 * the fast mode) that fill a caller's tensor memory.
 *
 * <pre>
 *   pixels (byte[] BGR/RGB) --JpegEncoder--&gt; JPEG bytes (reusable buffer) --&gt; file
 *                                JpegCodecs.encoder(): TurboJpegEncoder, else ImageIoJpegEncoder
 *
 *   JPEG bytes --JpegDecoder (full, or DCT-scaled)--&gt; DecodedImage (BGR, decoder-owned buffer)
 *                JpegCodecs.decoder(): TurboJpegDecoder, else ImageIoJpegDecoder (logged once)
 *     --ResizeCropFlipWriter (ResizeCoefficients: Pillow weights, BICUBIC or BILINEAR)--&gt;
 *     CHW float32 / float16 / uint8 planes in a MemorySegment (the ring slot, or an .npy via NpyFiles)
 *
 *   fast mode: JPEG bytes --TurboJpegDecoder.decodePlanesAtLeast (DCT-scaled)--&gt; DecodedPlanes
 *     (Y, Cb, Cr) --PlanarResizeCropFlipWriter (2-tap linear per plane, YCbCr to BGR)--&gt; same planes
 * </pre>
 */
package dev.nuload.image;
