package org.siteconnect.loadtest;

import java.util.Locale;
import java.util.concurrent.TimeUnit;

/** Waits before a measurement: for the shared cores to be free of other load, for the server's CPU or JIT to settle. */
final class Quiet {
  /**
   * Idle pages: the JIT counts as quiet below this share of a core in a 5 s window (exact per-thread time). It was
   * 0.5 % in 10 ms ticks, more than a whole idle gateway at 10k pages now (≈ 0.7 %): the JIT's tail was measured as
   * idle work (0.08–0.33 % in round 4's windows).
   */
  static final double IDLE_JIT_QUIET_PERCENT = 0.02;

  static final int IDLE_JIT_QUIET_WINDOWS = 3;

  static final long IDLE_JIT_WAIT_MS = 180_000;

  private Quiet() {
  }

  /**
   * The machine is shared: waits (up to {@code gateMs}) for half a second in which other processes use less than
   * {@code noisyPercent} of the server core and of the harness core. Returns the other load seen last.
   */
  static double gate(Harness h, Server server) {
    Options opt = h.opt;
    long until = System.currentTimeMillis() + opt.gateMs;
    double other;
    do {
      CpuWindow w = new CpuWindow(opt, server);
      Server.sleep(500);
      other = w.other();
      if (other < opt.noisyPercent) {
        return other;
      }
    } while (System.currentTimeMillis() < until);
    h.say(String.format(Locale.ROOT, "    (other processes still use %.0f%% of a core after %.1f s: measuring anyway)",
        other, opt.gateMs / 1000.0));
    return other;
  }

  /**
   * Idle pages: waits in 5 s windows (at most {@link #IDLE_JIT_WAIT_MS}) until the server's JIT compiler threads
   * used less than {@link #IDLE_JIT_QUIET_PERCENT} of a core in {@link #IDLE_JIT_QUIET_WINDOWS} windows in a row;
   * returns the seconds waited. Right after 10k pages connected, per-thread CPU showed the C1/C2 threads still
   * compiling the connect path: 3 of the 6.7 % a 20 s "idle" window measured. With the compiler at nice 10
   * (conf/jit-low-priority.options) the compilations the connecting pages queued run later, and one quiet window was not the
   * end of them: the 60 s idle window that followed had the JIT at 0.13–0.15 % of a core, twice. A server without
   * a JIT (mosquitto, the floor) passes the first windows.
   */
  static double jit(Options opt, Server server) {
    long t0 = System.nanoTime();
    int quiet = 0;
    do {
      CpuWindow w = new CpuWindow(opt, server);
      Server.sleep(5000);
      quiet = w.compilerCpuExact() < IDLE_JIT_QUIET_PERCENT ? quiet + 1 : 0;
    } while (quiet < IDLE_JIT_QUIET_WINDOWS
        && System.nanoTime() - t0 < TimeUnit.MILLISECONDS.toNanos(IDLE_JIT_WAIT_MS));
    return (System.nanoTime() - t0) / 1e9;
  }

  /**
   * Waits (at most {@code opt.settleMs}) until the server's own CPU in a 1 s window is under
   * {@code opt.settlePercent} of a core, or has stopped falling (two windows within 3 points, both under 40 %):
   * the set-up's session work and the like have drained. Stores the seconds waited and the last window's CPU.
   */
  static void settle(Harness h, Server server, String target, int n, String metric) {
    Options opt = h.opt;
    long t0 = System.nanoTime();
    long until = System.currentTimeMillis() + opt.settleMs;
    double prev = Double.NaN;
    double cpu;
    boolean settled;
    do {
      long c0 = server.cpuTicks();
      long w0 = System.nanoTime();
      Server.sleep(1000);
      cpu = 100 * Server.ticksToSeconds(server.cpuTicks() - c0) / ((System.nanoTime() - w0) / 1e9);
      settled = cpu < opt.settlePercent || (Math.abs(cpu - prev) < 3 && cpu < 40 && prev < 40);
      prev = cpu;
    } while (!settled && System.currentTimeMillis() < until);
    double waited = (System.nanoTime() - t0) / 1e9;
    h.results.put(target, n, metric + "_s", waited);
    h.results.put(target, n, metric + "_cpu", cpu);
    h.say(String.format(Locale.ROOT, "    (server CPU %s: %.0f%% of a core after %.1f s)",
        settled ? "settled" : "still not settled, measuring anyway", cpu, waited));
  }
}
