package dev.nuload.bench;

import dev.nuload.nuscenes.NuScenesVersion;
import dev.nuload.nuscenes.synth.SynthOptions;
import dev.nuload.nuscenes.synth.SyntheticDataset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Inputs several stages share, generated once per scratch folder: a synthetic v1.0-mini dataroot
 * with sensor files and the official archive (extract packs and unpacks it, serve reads its JPEGs).
 */
public final class BenchData {
  private BenchData() {}

  /**
   * Returns a synthetic v1.0-mini dataroot of {@code scenes} scenes with sensor files and {@code
   * archives/}, generating it on first use ({@code .complete} marks a finished one).
   *
   * @param datasets the folder shared by the stages ({@code WORK/datasets}).
   * @param scenes scene count.
   * @param progress receives a line when generation starts.
   * @return the dataroot.
   * @throws IOException if it cannot be written.
   */
  public static Path miniWithFiles(Path datasets, int scenes, Consumer<String> progress)
      throws IOException {
    Path root = datasets.resolve("mini-" + scenes);
    Path marker = root.resolve(".complete");
    if (!Files.exists(marker)) {
      progress.accept(
          "bench: generating synthetic v1.0-mini with sensor files, " + scenes + " scene(s)");
      SyntheticDataset.generate(
          SynthOptions.builder(root)
              .version(NuScenesVersion.MINI)
              .scenes(scenes)
              .lidarPoints(2000)
              .archive(true)
              .build(),
          line -> {});
      Files.writeString(marker, "scenes=" + scenes + "\n");
    }
    return root;
  }
}
