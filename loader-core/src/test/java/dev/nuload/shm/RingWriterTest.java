package dev.nuload.shm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nuload.ResourceException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RingWriterTest {
  @TempDir Path dir;

  private static RingLayout smallLayout() {
    return RingLayout.plan(
        List.of(
            TensorSpec.of("img", DType.UINT8, 3, 4, 5), TensorSpec.of("m", DType.FLOAT32, 4, 4)),
        2,
        3,
        256);
  }

  private static RingOptions fastOptions() {
    return new RingOptions(20, 2_000, 0, 1, 1, 0, 1);
  }

  @Test
  void shouldWriteHeaderLittleEndianWithVersionSet() throws Exception {
    Path ring = dir.resolve("ring");
    try (RingWriter w = RingWriter.create(ring, smallLayout(), fastOptions())) {
      ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(ring)).order(ByteOrder.LITTLE_ENDIAN);
      assertEquals(w.layout().fileLength(), Files.size(ring));
      assertEquals("NULDRING", new String(Files.readAllBytes(ring), 0, 8, "US-ASCII"));
      assertEquals(RingDescriptor.VERSION, b.getInt(8));
      assertEquals(3, b.getInt(24));
      assertEquals(2, b.getInt(28));
      assertEquals(0, b.getLong(40) % 4096);
      assertEquals(ProcessHandle.current().pid(), b.getLong(128));
      assertEquals(2, b.getInt(52));
      assertEquals("img", new String(Files.readAllBytes(ring), 4096, 3, "US-ASCII"));
      assertEquals(DType.FLOAT32.code(), b.getInt(4096 + 128 + 48));
      assertEquals(2, b.getInt(4096 + 128 + 52));
      assertEquals(4, b.getLong(4096 + 128 + 56));
    }
  }

  @Test
  void shouldRoundTripLayoutThroughTheFile() throws Exception {
    Path ring = dir.resolve("ring");
    try (RingWriter w = RingWriter.create(ring, smallLayout(), fastOptions());
        RingReader r = RingReader.open(ring, Duration.ofSeconds(5))) {
      assertEquals(w.layout().tensors(), r.layout().tensors());
      assertEquals(w.layout().slotStride(), r.layout().slotStride());
      assertEquals(w.layout().metadataOffset(), r.layout().metadataOffset());
    }
  }

  private List<Path> filesInDir() throws Exception {
    try (var files = Files.list(dir)) {
      return files.sorted().toList();
    }
  }

  @Test
  void shouldLeaveNoFileInItsDirectoryWhenClosedCleanly() throws Exception {
    Path ring = dir.resolve("ring");
    RingWriter w = RingWriter.create(ring, smallLayout(), fastOptions());
    assertEquals(List.of(ring), filesInDir(), "the ring is the only file while it is served");
    w.close();
    assertEquals(List.of(), filesInDir());
  }

  @Test
  void shouldKeepTheLockWhenAnotherDescriptorOfTheRingIsClosedInTheSameProcess() throws Exception {
    Path ring = dir.resolve("ring");
    try (RingWriter w = RingWriter.create(ring, smallLayout(), fastOptions())) {
      Files.readAllBytes(ring); // opens and closes the ring: would drop an fcntl lock
      RingReader.open(ring, Duration.ofSeconds(5)).close();
      ResourceException e =
          assertThrows(
              ResourceException.class, () -> RingWriter.create(ring, smallLayout(), fastOptions()));
      assertTrue(e.getMessage().contains("another live producer"), e.getMessage());
    }
  }

  @Test
  void shouldRefuseSecondLiveProducer() throws Exception {
    Path ring = dir.resolve("ring");
    try (RingWriter w = RingWriter.create(ring, smallLayout(), fastOptions())) {
      ResourceException e =
          assertThrows(
              ResourceException.class, () -> RingWriter.create(ring, smallLayout(), fastOptions()));
      assertTrue(e.getMessage().contains("another live producer"), e.getMessage());
      assertTrue(e.getMessage().contains("pid " + ProcessHandle.current().pid()), e.getMessage());
      assertTrue(Files.exists(ring), "the live ring must survive the refused producer");
      assertEquals(List.of(ring), filesInDir(), "the refused producer leaves no file");
    }
  }

  @Test
  void shouldReplaceStaleRingLeftByDeadProducer() throws Exception {
    Path ring = dir.resolve("ring");
    Files.write(ring, new byte[8192]);
    try (RingWriter w = RingWriter.create(ring, smallLayout(), fastOptions())) {
      assertTrue(w.replacedStale().isPresent());
      assertEquals(w.layout().fileLength(), Files.size(ring));
    }
    assertEquals(List.of(), filesInDir());
  }

  @Test
  void shouldReplaceFailedRingOnceItsProducerHasClosed() throws Exception {
    Path ring = dir.resolve("ring");
    RingWriter failed = RingWriter.create(ring, smallLayout(), fastOptions());
    failed.fail("broken");
    failed.close();
    try (RingWriter w = RingWriter.create(ring, smallLayout(), fastOptions())) {
      assertTrue(w.replacedStale().orElse("").contains("stale ring"), w.replacedStale().toString());
      assertEquals(
          RingDescriptor.STATE_RUNNING,
          ByteBuffer.wrap(Files.readAllBytes(ring))
              .order(ByteOrder.LITTLE_ENDIAN)
              .getInt(RingDescriptor.STREAM_STATE_OFFSET));
    }
  }

  @Test
  void shouldDeleteTheTemporaryFileOfAProducerKilledWhileCreating() throws Exception {
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    Path leftover = dir.resolve("ring." + gone.pid() + ".0.tmp");
    Files.write(leftover, new byte[4096]);
    Path ring = dir.resolve("ring");
    try (RingWriter w = RingWriter.create(ring, smallLayout(), fastOptions())) {
      assertEquals(List.of(ring), filesInDir());
    }
  }

  @Test
  void shouldRefuseRingLargerThanFreeSpaceNamingBothSizes() throws Exception {
    Path ring = dir.resolve("ring");
    long available = Files.getFileStore(dir).getUsableSpace();
    RingLayout huge =
        RingLayout.plan(
            List.of(TensorSpec.of("img", DType.UINT8, 1 << 20)),
            1024,
            (int) Math.min(Integer.MAX_VALUE, available / (1L << 30) + 8),
            0);
    ResourceException e =
        assertThrows(ResourceException.class, () -> RingWriter.create(ring, huge, fastOptions()));
    assertTrue(e.getMessage().contains("needs " + huge.fileLength() + " bytes"), e.getMessage());
    assertTrue(e.getMessage().contains("bytes") && e.getMessage().contains("available"));
    assertFalse(Files.exists(ring));
    assertEquals(List.of(), filesInDir(), "nothing stays");
  }

  @Test
  void shouldHandBatchesOverInOrderAndEndTheStream() throws Exception {
    Path ring = dir.resolve("ring");
    try (RingWriter w = RingWriter.create(ring, smallLayout(), fastOptions());
        RingReader r = RingReader.open(ring, Duration.ofSeconds(5))) {
      for (long s = 0; s < 7; s++) {
        RingWriter.Slot slot = w.claim(s);
        slot.memory().set(ValueLayout.JAVA_BYTE, w.layout().tensorOffset(0), (byte) s);
        slot.sample(0, (int) (100 + s), RingDescriptor.SAMPLE_OK);
        slot.describe(0, (int) s, 1, 0);
        w.publish(slot);
        RingBatch b = r.next();
        assertEquals(s, b.sequence());
        assertEquals(100 + s, b.sampleIndex(0));
        assertEquals((byte) s, b.tensor("img").get(ValueLayout.JAVA_BYTE, 0));
      }
      w.end(7);
      assertNull(r.next());
      assertTrue(w.awaitReleased());
    }
  }

  @Test
  void shouldRaiseProducerErrorInReader() throws Exception {
    Path ring = dir.resolve("ring");
    try (RingWriter w = RingWriter.create(ring, smallLayout(), fastOptions());
        RingReader r = RingReader.open(ring, Duration.ofSeconds(5))) {
      w.fail("sample 17 (epoch 0): broken jpeg");
      ProducerGoneException e = assertThrows(ProducerGoneException.class, r::next);
      assertEquals("sample 17 (epoch 0): broken jpeg", e.producerError());
      assertTrue(e.getMessage().contains("broken jpeg"));
    }
    assertTrue(Files.exists(ring), "a failed ring stays for late consumers");
  }

  @Test
  void shouldRemoveTheNameOfAFailedRingOnRequestWhileAnAttachedReaderStillReadsTheError()
      throws Exception {
    Path ring = dir.resolve("ring");
    try (RingWriter w = RingWriter.create(ring, smallLayout(), fastOptions());
        RingReader r = RingReader.open(ring, Duration.ofSeconds(5))) {
      w.fail("sample 3 (epoch 0): missing jpeg");
      w.removeName();
      assertEquals(List.of(), filesInDir(), "the name is gone at once");
      ProducerGoneException e = assertThrows(ProducerGoneException.class, r::next);
      assertEquals("sample 3 (epoch 0): missing jpeg", e.producerError());
    }
    assertEquals(List.of(), filesInDir());
  }

  @Test
  void shouldRemoveAFailedRingWhenAReaderReportsTheErrorAfterItsProducerClosed() throws Exception {
    Path ring = dir.resolve("ring");
    RingWriter w = RingWriter.create(ring, smallLayout(), fastOptions());
    try (RingReader r = RingReader.open(ring, Duration.ofSeconds(5))) {
      w.fail("broken jpeg");
      w.close();
      assertTrue(Files.exists(ring));
      assertThrows(ProducerGoneException.class, r::next);
      assertEquals(List.of(), filesInDir());
    }
  }

  @Test
  void shouldLeaveTheRingOfASilentButLiveProducerWhenTheReaderTimesOut() throws Exception {
    Path ring = dir.resolve("ring");
    RingOptions slowBeat = new RingOptions(60_000, 2_000, 0, 1, 1, 0, 1);
    try (RingWriter w = RingWriter.create(ring, smallLayout(), slowBeat);
        RingReader r = RingReader.open(ring, Duration.ofMillis(200))) {
      ProducerGoneException e = assertThrows(ProducerGoneException.class, r::next);
      assertTrue(e.getMessage().contains("has not beaten"), e.getMessage());
      assertTrue(Files.exists(ring), "its producer still holds the lock");
    }
  }

  @Test
  void shouldStopProducerWhenConsumerLeavesEarly() throws Exception {
    Path ring = dir.resolve("ring");
    try (RingWriter w = RingWriter.create(ring, smallLayout(), fastOptions())) {
      RingReader r = RingReader.open(ring, Duration.ofSeconds(5));
      for (long s = 0; s < 3; s++) {
        w.publish(describe(w.claim(s)));
      }
      r.close();
      assertThrows(ConsumerGoneException.class, () -> w.claim(3));
    }
  }

  @Test
  void shouldRefuseToWaitForeverForAConsumerWithAttachTimeout() throws Exception {
    Path ring = dir.resolve("ring");
    RingOptions o = new RingOptions(20, 2_000, 200, 1, 1, 0, 1);
    try (RingWriter w = RingWriter.create(ring, smallLayout(), o)) {
      for (long s = 0; s < 3; s++) {
        w.publish(describe(w.claim(s)));
      }
      ConsumerGoneException e = assertThrows(ConsumerGoneException.class, () -> w.claim(3));
      assertTrue(e.getMessage().contains("no consumer attached"), e.getMessage());
    }
  }

  @Test
  void shouldNeverExposeAHalfWrittenBatchToAReaderOnAnotherThread() throws Exception {
    RingLayout layout =
        RingLayout.plan(List.of(TensorSpec.of("x", DType.UINT8, 64 << 10)), 1, 2, 0);
    int batches = 2000;
    try (RingWriter w = RingWriter.inProcess(layout, fastOptions())) {
      RingReader r = RingReader.attach(w.memory(), Duration.ofSeconds(30));
      Thread producer =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      for (long s = 0; s < batches; s++) {
                        RingWriter.Slot slot = w.claim(s);
                        slot.memory()
                            .asSlice(layout.tensorOffset(0), 64 << 10)
                            .fill((byte) (s * 7 + 1));
                        slot.describe(0, (int) s, 1, 0);
                        w.publish(slot);
                      }
                      w.end(batches);
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  });
      long seen = 0;
      for (RingBatch b = r.next(); b != null; b = r.next()) {
        byte want = (byte) (b.sequence() * 7 + 1);
        byte[] bytes = b.tensor("x").toArray(ValueLayout.JAVA_BYTE);
        for (int i = 0; i < bytes.length; i += 509) {
          assertEquals(want, bytes[i], "batch " + b.sequence() + " byte " + i);
        }
        assertEquals(want, bytes[bytes.length - 1]);
        assertEquals(seen++, b.sequence());
      }
      producer.join();
      r.close();
      assertEquals(batches, seen);
    }
  }

  private static RingWriter.Slot describe(RingWriter.Slot slot) {
    slot.describe(0, (int) slot.sequence(), 0, 0);
    return slot;
  }
}
