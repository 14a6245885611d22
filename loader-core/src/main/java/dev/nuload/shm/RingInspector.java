package dev.nuload.shm;

import static dev.nuload.shm.RingDescriptor.*;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Locale;

/**
 * Describes a ring file in readable text (for {@code nuload inspect RING}) without attaching to it:
 * the file is mapped read-only and no consumer field is written.
 */
public final class RingInspector {
  private RingInspector() {}

  /**
   * Describes a ring.
   *
   * @param path the ring file.
   * @return several lines of text.
   * @throws IOException when the file cannot be read.
   */
  public static String describe(Path path) throws IOException {
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
        Arena arena = Arena.ofConfined()) {
      MemorySegment f = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
      StringBuilder out = new StringBuilder();
      int version = Mem.getIntAcquire(f, VERSION_OFFSET);
      out.append(String.format(Locale.ROOT, "ring %s (%d bytes)%n", path, ch.size()));
      if (version == 0) {
        return out.append("  not ready (version 0): being created\n").toString();
      }
      RingLayout layout = RingLayout.read(f);
      long now = System.currentTimeMillis();
      long pid = Mem.getLong(f, PRODUCER_PID_OFFSET);
      boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
      int state = Mem.getIntAcquire(f, STREAM_STATE_OFFSET);
      out.append(
          String.format(
              Locale.ROOT,
              "  format version %d, %d slots x %d bytes, batch size %d, metadata %d bytes/slot%n",
              version,
              layout.slotCount(),
              layout.slotStride(),
              layout.batchSize(),
              layout.metadataCapacity()));
      out.append(
          String.format(
              Locale.ROOT,
              "  shard rank %d of %d, %d epochs x %d batches%n",
              Mem.getInt(f, RANK_OFFSET),
              Mem.getInt(f, WORLD_SIZE_OFFSET),
              Mem.getInt(f, EPOCHS_OFFSET),
              Mem.getLong(f, BATCHES_PER_EPOCH_OFFSET)));
      for (int i = 0; i < layout.tensors().size(); i++) {
        TensorSpec t = layout.tensors().get(i);
        out.append(
            String.format(
                Locale.ROOT,
                "  tensor %-16s %-8s [B, %s] at slot offset %d%n",
                t.name(),
                t.dtype().name().toLowerCase(Locale.ROOT),
                Arrays.toString(t.shape()).replaceAll("[\\[\\]]", ""),
                layout.tensorOffset(i)));
      }
      out.append(
          String.format(
              Locale.ROOT,
              "  producer pid %d (%s), heartbeat %d ms ago, state %s%n",
              pid,
              alive ? "alive" : "gone",
              now - Mem.getLongAcquire(f, PRODUCER_HEARTBEAT_MS_OFFSET),
              state == STATE_RUNNING ? "running" : state == STATE_ENDED ? "ended" : "failed"));
      long consumer = Mem.getLong(f, CONSUMER_PID_OFFSET);
      out.append(
          String.format(
              Locale.ROOT,
              "  published %d, released %d, consumer %s%n",
              Mem.getLongAcquire(f, PUBLISH_CURSOR_OFFSET),
              Mem.getLongAcquire(f, CONSUMER_CURSOR_OFFSET),
              consumer == 0
                  ? "none"
                  : "pid "
                      + consumer
                      + ", heartbeat "
                      + (now - Mem.getLongAcquire(f, CONSUMER_HEARTBEAT_MS_OFFSET))
                      + " ms ago"));
      int n = Math.min(Mem.getInt(f, ERROR_LENGTH_OFFSET), ERROR_MESSAGE_CAPACITY);
      if (n > 0) {
        byte[] b =
            f.asSlice(ERROR_MESSAGE_OFFSET, n).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        out.append("  error: ").append(new String(b, StandardCharsets.UTF_8)).append('\n');
      }
      return out.toString();
    }
  }
}
