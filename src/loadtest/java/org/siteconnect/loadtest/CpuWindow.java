package org.siteconnect.loadtest;

import java.lang.management.ManagementFactory;

/** Measures, over a stretch of time, how much of the server core and the harness core other processes used. */
final class CpuWindow {
  private final Options opt;
  private final Server server;
  private final long[] a0;
  private final long[] a1;
  private final long s0;
  private final long j0;
  private final long n0;
  private final long nj0;
  private final long h0;
  private final long t0;

  CpuWindow(Options opt, Server server) {
    this.opt = opt;
    this.a0 = Server.coreTicks(opt.serverCpu);
    this.a1 = Server.coreTicks(opt.harnessCpu);
    this.h0 = harnessCpuNanos();
    this.t0 = System.nanoTime();
    this.server = server;
    this.s0 = server.cpuTicks();
    this.j0 = server.compilerTicks();
    this.n0 = server.runNanos(false);
    this.nj0 = server.runNanos(true);
  }

  double seconds() {
    return (System.nanoTime() - t0) / 1e9;
  }

  double serverCpu() {
    return 100 * Server.ticksToSeconds(server.cpuTicks() - s0) / seconds();
  }

  /** {@link #serverCpu} from the threads' exact run time (schedstat) instead of clock ticks. */
  double serverCpuExact() {
    return 100 * (server.runNanos(false) - n0) / 1e9 / seconds();
  }

  /** The part of {@link #serverCpuExact} that the JIT compiler threads used. */
  double compilerCpuExact() {
    return 100 * (server.runNanos(true) - nj0) / 1e9 / seconds();
  }

  /** The part of {@link #serverCpu} that the JIT compiler threads used. */
  double compilerCpu() {
    return 100 * Server.ticksToSeconds(server.compilerTicks() - j0) / seconds();
  }

  double harnessCpu() {
    return 100 * (harnessCpuNanos() - h0) / 1e9 / seconds();
  }

  /** Other processes' share (percent of a core) of the busier of the two cores. */
  double other() {
    double srv = serverCpu();
    double har = harnessCpu();
    return Math.max(0, Math.max(busyPercent(a0, Server.coreTicks(opt.serverCpu)) - srv,
        busyPercent(a1, Server.coreTicks(opt.harnessCpu)) - har));
  }

  static double busyPercent(long[] before, long[] after) {
    long total = after[1] - before[1];
    return total <= 0 ? 0 : 100.0 * (after[0] - before[0]) / total;
  }

  static long harnessCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }
}
