package dev.nuload.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The exact mode (TurboJPEG decode + {@link ResampleFilter#BICUBIC}) against the Python reference
 * pipeline ({@code petr_reference.py}: Pillow decode, {@code Image.resize}, crop, flip, numpy
 * normalise) on the 6 real nuScenes images of the scene-0061 keyframe: uint8 values before
 * normalisation within 1 level, normalised float32 within 1 level / std.
 */
class PillowParityTest {
  static final ChannelNormalization PETR = ResizeCropFlipWriterTest.PETR;

  @TempDir Path tmp;

  @ParameterizedTest(name = "resize {0}x{1} crop ({2},{3}) flip {4} normalised {5}")
  @CsvSource({
    "800, 450, 0, 130, false, false", // test mode, r = 0.5
    "752, 423, 0, 103, false, false", // r = 0.47: black band at columns >= 752
    "880, 495, 40, 175, true, false", // spec 3.8 worked example, flipped
    "999, 562, 199, 242, true, false", // r -> 0.625
    "880, 495, 40, 175, true, true" // normalised float32
  })
  void shouldMatchThePythonPipelineOnRealImages(
      int rw, int rh, int left, int top, boolean flip, boolean normalised) throws Exception {
    assumeTrue(TurboJpegDecoder.isAvailable(), "libturbojpeg.so.0 not installed");
    assumePython();
    List<Path> jpegs = ImageFixtures.keyframeJpegs();
    TensorDType dtype = normalised ? TensorDType.FLOAT32 : TensorDType.UINT8;
    var out =
        new ResizeCropFlipWriter.Output(
            800, 320, 800, 320, dtype, normalised ? PETR : ChannelNormalization.NONE);
    Path npy = tmp.resolve("java.npy");
    try (Arena arena = Arena.ofConfined();
        TurboJpegDecoder dec = new TurboJpegDecoder()) {
      MemorySegment dst = arena.allocate(out.bytes() * jpegs.size());
      ResizeCropFlipWriter w = new ResizeCropFlipWriter();
      for (int v = 0; v < jpegs.size(); v++) {
        byte[] jpeg = ImageFixtures.bytes(jpegs.get(v));
        DecodedImage img = dec.decode(jpeg, jpeg.length, jpegs.get(v).toString());
        w.write(img, rw, rh, left, top, flip, ResampleFilter.BICUBIC, out, dst, v * out.bytes());
      }
      NpyFiles.write(npy, dst, dtype, jpegs.size(), 3, 320, 800);
    }
    List<String> cmd = new ArrayList<>();
    cmd.addAll(
        List.of(
            "python3",
            ImageFixtures.referenceScript().toString(),
            "compare",
            "--java",
            npy.toString(),
            "--resize",
            "" + rw,
            "" + rh,
            "--crop",
            "" + left,
            "" + top,
            "" + (left + 800),
            "" + (top + 320)));
    if (flip) {
      cmd.add("--flip");
    }
    if (normalised) {
      cmd.add("--normalized");
    }
    jpegs.forEach(p -> cmd.add(p.toString()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(120, TimeUnit.SECONDS);
    System.out.println("pillow parity: " + text.strip());
    assertEquals(0, p.exitValue(), "reference says: " + text);
  }

  static void assumePython() throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder("python3", "-c", "import numpy, PIL").redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    assumeTrue(
        p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0,
        "python3 with numpy and pillow not available: parity against Pillow skipped");
    assumeTrue(Files.exists(ImageFixtures.referenceScript()), "reference script missing");
  }
}
