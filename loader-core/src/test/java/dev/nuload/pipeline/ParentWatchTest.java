package dev.nuload.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ParentWatchTest {
  private static long parent() {
    return ProcessHandle.current().parent().orElseThrow().pid();
  }

  @Test
  void shouldKnowItsOwnParent() {
    assertTrue(ParentWatch.isParent(parent()));
    assertFalse(ParentWatch.isParent(ProcessHandle.current().pid()));
  }

  @Test
  void shouldRunOnGoneAtOnceWhenTheNamedProcessIsNotTheParent() {
    AtomicInteger gone = new AtomicInteger();
    ParentWatch.start(ProcessHandle.current().pid(), Duration.ofMillis(10), gone::incrementAndGet);
    assertEquals(1, gone.get());
  }

  @Test
  void shouldNotRunOnGoneWhileTheParentLives() throws Exception {
    CountDownLatch gone = new CountDownLatch(1);
    ParentWatch.start(parent(), Duration.ofMillis(10), gone::countDown);
    assertFalse(gone.await(200, TimeUnit.MILLISECONDS));
  }
}
