#!/usr/bin/env python3
"""What the server core was doing when a measured message was slow (issue 22, cross-node chat).

Lines up the harness's chat traces (LT_TRACE: one CSV per measured chat, its header gives t0 in CLOCK_MONOTONIC
nanoseconds) with a scheduler trace of the same run (`perf record -e sched:sched_switch,sched:sched_wakeup -a
-k CLOCK_MONOTONIC`, then `perf script -F comm,pid,tid,cpu,time,event,trace --ns`). run.sh --sched-trace does both.

For each trace it prints: the server core's time by process and thread kind during the measured window; the runs
of over 0.5 ms there (a thread that holds the core that long makes an event loop that wakes meanwhile wait); and for
each message slower than the threshold, the threads that ran on the core while it was under way, longest first,
with a count of which one ran longest. Thread kinds are the JVM's thread names without their numbers ("C2
CompilerThre", "vert.x-eventloo", "hz.<instance>"); a process outside this machine's view shows as "?".

Usage: python3 src/loadtest/sched-tails.py SCHED.txt[.gz] TRACE.csv... [--slow-ms 0.5] [--show 10] [--cpu 0]
"""
import argparse
import bisect
import collections
import gzip
import re

SWITCH = re.compile(r'^\s*(.+?)\s+(\d+)/(\d+)\s+\[(\d+)\]\s+([\d.]+):\s+sched:sched_switch:.*?'
                    r' ==> next_comm=(.*?) next_pid=(\d+)')
WAKEUP = re.compile(r'^\s*(.+?)\s+(\d+)/(\d+)\s+\[(\d+)\]\s+([\d.]+):\s+sched:sched_wakeup:')


def kind(comm):
    comm = comm.strip()
    return '(idle)' if comm.startswith('swapper') else re.sub(r'[#\d/:-]+$', '', comm)


def read_sched(path, cpu):
    """The runs on the core [(start s, end s, tid, comm)] and each thread's process (tid -> pid)."""
    runs, process, current = [], {}, None
    with (gzip.open if path.endswith('.gz') else open)(path, 'rt', errors='replace') as f:
        for line in f:
            m = SWITCH.match(line)
            if m:
                process[int(m.group(3))] = int(m.group(2))
                if int(m.group(4)) != cpu:
                    continue
                t = float(m.group(5))
                if current:
                    runs.append((current[0], t, current[1], current[2]))
                current = (t, int(m.group(7)), m.group(6))
                continue
            m = WAKEUP.match(line)
            if m:
                process[int(m.group(3))] = int(m.group(2))
    return runs, process


def read_trace(path):
    """[(sent s, latency s)] in CLOCK_MONOTONIC seconds."""
    t0, rows = None, []
    with open(path) as f:
        for line in f:
            if line.startswith('# t0_nanos:'):
                t0 = int(line.split(':')[1]) / 1e9
            elif line[:1].isdigit():
                if t0 is None:
                    raise SystemExit(f'{path}: no "# t0_nanos:" line (a trace from an older harness)')
                _, sent, latency = line.strip().split(',')
                rows.append((t0 + float(sent) / 1e3, float(latency) / 1e3))
    return rows


def report(name, rows, runs, process, slow_ms, show):
    label = lambda tid, comm: (str(process.get(tid, '?')), kind(comm))
    starts = [r[0] for r in runs]
    w0 = rows[0][0]
    w1 = max(s + l for s, l in rows)
    print(f'== {name}: {len(rows)} messages over {w1 - w0:.1f} s')
    busy, long_total, long_count = collections.Counter(), collections.Counter(), collections.Counter()
    for s, e, tid, comm in runs[max(0, bisect.bisect_left(starts, w0) - 1):bisect.bisect_right(starts, w1)]:
        d = min(e, w1) - max(s, w0)
        if d <= 0:
            continue
        busy[label(tid, comm)] += d
        if e - s >= 0.0005:
            long_total[label(tid, comm)] += e - s
            long_count[label(tid, comm)] += 1
    print('  the core by process and thread kind:')
    for (pid, k), d in busy.most_common(12):
        print(f'    {pid:>8} {k:<22} {d * 1e3:8.1f} ms  {100 * d / (w1 - w0):5.2f} %')
    print('  runs of 0.5 ms or more:')
    for (pid, k), d in long_total.most_common(10):
        print(f'    {pid:>8} {k:<22} {long_count[(pid, k)]:5d} runs {d * 1e3:8.1f} ms')
    slow = [(s, l) for s, l in rows if l * 1e3 > slow_ms]
    print(f'  messages over {slow_ms} ms: {len(slow)} ({100 * len(slow) / len(rows):.2f} %)')
    longest = collections.Counter()
    for i, (s, l) in enumerate(slow):
        ran = collections.Counter()
        for a, b, tid, comm in runs[max(0, bisect.bisect_left(starts, s) - 1):bisect.bisect_left(starts, s + l)]:
            d = min(b, s + l) - max(a, s)
            if d > 0:
                ran[label(tid, comm)] += d
        top = ran.most_common(4)
        if top:
            longest[top[0][0]] += 1
        if i < show:
            print(f'    at {s - w0:7.3f} s, {l * 1e3:5.2f} ms: '
                  + ', '.join(f'{pid}/{k} {d * 1e3:.2f}' for (pid, k), d in top))
    print('  ran longest while a slow message was under way:')
    for (pid, k), n in longest.most_common(10):
        print(f'    {pid:>8} {k:<22} {n:5d}')


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('sched')
    p.add_argument('traces', nargs='+')
    p.add_argument('--slow-ms', type=float, default=0.5)
    p.add_argument('--show', type=int, default=10)
    p.add_argument('--cpu', type=int, default=0, help='the server core (run.sh: 0)')
    a = p.parse_args()
    runs, process = read_sched(a.sched, a.cpu)
    process[0] = 0
    for path in a.traces:
        rows = read_trace(path)
        if rows:
            report(path.split('/')[-1], rows, runs, process, a.slow_ms, a.show)


if __name__ == '__main__':
    main()
