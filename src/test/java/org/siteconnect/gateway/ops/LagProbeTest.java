package org.siteconnect.gateway.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LagProbeTest {

  @Test
  @DisplayName(
      "an idle loop is probed once a second; a late tick probes every 100 ms for 10 s, worst per second")
  void slowWhenIdleFastWhenBusy() {
    List<Long> published = new ArrayList<>();
    LagProbe.Ticks ticks = new LagProbe.Ticks(published::add);
    assertEquals(LagProbe.SLOW_MS, ticks.tick(100_000));
    assertEquals(List.of(100_000L), published); // a slow tick is a second of its own
    published.clear();
    assertEquals(LagProbe.FAST_MS, ticks.tick(30_000_000)); // busy: fast from now on
    for (int i = 0; i < 9; i++) {
      assertEquals(LagProbe.FAST_MS, ticks.tick(1_000_000));
    }
    assertEquals(List.of(30_000_000L), published); // the worst of the ten ticks of that second
    for (int i = 0; i < LagProbe.FAST_TICKS - 10; i++) {
      assertEquals(LagProbe.FAST_MS, ticks.tick(0));
    }
    assertEquals(LagProbe.SLOW_MS, ticks.tick(0)); // 10 s without a late tick: slow again
    assertEquals(LagProbe.SLOW_MS, ticks.tick(0));
  }
}
