#!/usr/bin/env bash
# Load harness of issue 8: fan-out, chat 1:1, subscription churn, idle memory and idle CPU against
#   (1) the SiteConnect gateway's page protocol, (2) a plain Vert.x SockJS event-bus bridge, (3) mosquitto (MQTT over
#   websockets), measured side by side in one run; then a JFR profile of the gateway under fan-out.
# Usage: bash src/loadtest/run.sh [--quick] [--no-build] [--before REV] [harness options, e.g. --levels 1000,5000 --targets gateway,raw-bridge]
#   --before REV: also measure the gateway as of git revision REV (target "gateway-before", side by side in the same
#   run; built from `git archive REV` in the output folder, nothing in the working tree changes).
#   --gateway-env K=V[,K=V] / --before-env K=V[,K=V]: environment of that target's JVM, e.g. the same jar twice
#   with another transport: --before-jar target/siteconnect-gateway.jar --gateway-env SC_TRANSPORT=epoll
#   --before-env SC_TRANSPORT=nio.
#   Issue 22's memory curve (heap and RSS per page, idle CPU per level), e.g.
#   bash src/loadtest/run.sh --phases memory --mem-levels 10000,25000,50000 --single-heap 2g --targets gateway,floor
#   (needs a hard fd limit of 51,000+; pages above 20,000 come from 127.0.0.2, 127.0.0.3, ...).
#   --targets ...,floor: issue 22's floor, a one-thread epoll server in C (src/loadtest/floor/floor.c, built here
#   with gcc into target/floor-server) speaking the page protocol, one pre-encoded frame and one write per page per
#   broadcast; summary.md then has a gateway/floor column and the issue's two goals against it. E.g.
#   bash src/loadtest/run.sh --phases fanout,memory --levels 10000 --mem-levels 5000,10000 --targets gateway,floor
#   --broadcast-only: phase fanout stops after its one-broadcast-a-second rounds (p99, and the server's CPU per round);
#   --rounds N broadcasts per attempt (5). The gateway targets start with conf/jvm.options as the README runs them
#   (--gateway-jvm-options FILE|none); the before targets with none unless --before-jvm-options FILE.
#   Every gateway gets an empty data directory (no sessions stored by an earlier run).
#   --cluster: issue 7's comparison instead: the single gateway vs a 2-node cluster (target "gateway-cluster": publisher
#   on node A, every page on node B, side b of every chat pair an extra connection on A), both nodes on the server
#   core, the single node with -Xmx1g (= the two nodes), levels 1k,5k,10k
#   (--quick: 1k), about 6 min. Same as --targets gateway,gateway-cluster --phases xnode.
#   --cluster-b-cpu 1: a cluster's node B on CPU 1 (with the harness) instead of the server core, as two nodes on
#   two machines would not share a core (node A stays on CPU 0).
#   --phases cobrowse --targets gateway-cluster,gateway-cluster-before (with --before REV): co-browse in a 2-node
#   cluster, every visitor and agent on node B, the leader on A (issue 22's same-node relay; cb_leader_cpu is A's).
#   A cluster target needs PostgreSQL: when SC_TEST_PG_HOST/PORT/USER/PASSWORD/DB are not set, run.sh starts a
#   throwaway one with src/test/pg.sh (own state dir, so a test run's server is left alone) and stops it on exit.
#   --phases soak (issue 22 part 6, SoakScenario): one gateway under steady load for --soak-minutes (120) with
#   --soak-pages (10000) pages, churn (--soak-churn-per-s, default pages/1000: pages send bye and close, new ones
#   connect and subscribe), chat pairs (--soak-chat-pairs, default pages/20, 1 msg/s each) and --soak-cobrowses (100)
#   co-browses at ~20 KB/s; every --soak-sample-s (60) heap after a full GC, RSS, fds, threads, the sc_* gauges of
#   /metrics, CPU, chat and co-browse p99, losses and errors; summary.md has the table and a flat/slope verdict per
#   series, soak.csv the samples. The 2-hour soak (about 2 h 5 min):
#     bash src/loadtest/run.sh --phases soak --targets gateway
#   a 3-minute check that it works: add --soak-minutes 3 --soak-pages 1000 --soak-cobrowses 10
#   Issue 22 co-browse at scale (phase cobrowse): --cobrowse-levels 100,500,1000 --cobrowse-ramp-ms 60000 (start
#   snapshots spread over it) --cobrowse-ms 60000 (streaming after the ramp) --cobrowse-kbps 20 (recorder bytes/s).
# Needs: Java 17 + Maven (builds with -Ploadtest), gcc for target floor, taskset (util-linux), mosquitto (apt-get install mosquitto), 2 CPUs.
# Environment: LT_OUT=<folder> for the results; LT_SERVER_JVM_OPTS adds JVM options to every server (e.g. -Xlog:gc,
#   a JFR recording); LT_TRACE=<folder> writes every co-browse sample and every measured chat message (send time, latency) as CSV.
# --sched-trace (needs perf: apt-get install linux-perf; root): also records the machine's scheduler (sched_switch,
#   sched_wakeup) for the whole run and writes $out/sched-tails.txt: what ran on the server core while each slow chat
#   message was under way (src/loadtest/sched-tails.py; LT_TRACE defaults to $out/trace). About 50 MB a minute at 1k pages.
# Installs nothing. Loopback only. Results: target/loadtest/{summary.md,steps.log,profile.txt,gateway-fanout.jfr}.
set -euo pipefail
cd "$(dirname "$0")/../.."

build=1
before=""
sched=0
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=0 ;;
    --before) before="$2"; shift ;;
    --sched-trace) sched=1 ;;
    *) args+=("$1") ;;
  esac
  shift
done

missing=0
for tool in java jcmd jstat taskset; do
  if ! command -v "$tool" >/dev/null 2>&1; then echo "run.sh: '$tool' not found (needs a JDK 17 and util-linux)" >&2; missing=1; fi
done
if ! command -v mosquitto >/dev/null 2>&1 && [ ! -x /usr/sbin/mosquitto ]; then
  echo "run.sh: mosquitto not found: apt-get install mosquitto   (or pass --targets gateway,raw-bridge)" >&2
  case " ${args[*]:-} " in *" --targets "*|*" --cluster "*) ;; *) missing=1 ;; esac
fi
[ "$missing" = 0 ] || exit 2
export PATH="$PATH:/usr/sbin"

cpus=$(nproc)
if [ "$cpus" -lt 2 ]; then
  echo "run.sh: needs 2 CPUs (server on CPU 0, harness on CPU 1); found $cpus" >&2
  exit 2
fi

# N pages = N sockets on each side (server and harness, which inherit this shell's limits): 10k pages need about
# 10,100 fds per process, 50k about 51,000. Raise the hard limit to 65,536 where allowed (root, or a higher
# system limit), then the soft one to the hard one. The harness spreads pages over the source addresses
# 127.0.0.1, 127.0.0.2, ... (20,000 each, --pages-per-source) for the ephemeral ports.
if [ "$(ulimit -Hn)" != unlimited ] && [ "$(ulimit -Hn)" -lt 65536 ]; then
  ulimit -Hn 65536 2>/dev/null || true
fi
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 52000 ]; then
  echo "run.sh: warning: $(ulimit -n) file descriptors per process (hard limit, not raised: needs root with" \
    "CAP_SYS_RESOURCE, or limits.conf): at most about $(( $(ulimit -n) - 200 )) pages; 50k pages need 51,000" >&2
fi
echo "file descriptors per process: $(ulimit -n); ephemeral ports per source address:" \
  "$(tr '\t' - < /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo '?')"

if [ "$build" = 1 ]; then
  echo "building: mvn -q -B -Ploadtest -DskipTests package"
  mvn -q -B -Ploadtest -DskipTests package
fi
[ -f target/loadtest.jar ] && [ -f target/siteconnect-gateway.jar ] || { echo "run.sh: jars missing; run without --no-build" >&2; exit 2; }
# Results go to $LT_OUT (default target/loadtest); the jars are copied there so that a rebuild during the run
# does not change the servers under test.
out="${LT_OUT:-target/loadtest}"
mkdir -p "$out/jars"
cp target/loadtest.jar target/siteconnect-gateway.jar "$out/jars/"
# Target "floor" (issue 22): the one-thread epoll C server, built here with Debian's gcc.
if command -v gcc >/dev/null 2>&1 && { [ "$build" = 1 ] || [ src/loadtest/floor/floor.c -nt target/floor-server ]; }; then
  gcc -O2 -Wall -o target/floor-server src/loadtest/floor/floor.c
fi
if [ -x target/floor-server ]; then
  cp target/floor-server "$out/jars/"
  args+=(--floor-bin "$out/jars/floor-server")
else
  case " ${args[*]:-} " in *floor*) echo "run.sh: target floor needs gcc: apt-get install -y gcc" >&2; exit 2 ;; esac
fi
if [ -n "$before" ]; then
  rev=$(git rev-parse --short "$before")
  src="$out/before-$rev"
  if [ ! -f "$src/target/siteconnect-gateway.jar" ]; then
    echo "building the gateway as of $rev in $src"
    rm -rf "$src" && mkdir -p "$src"
    git archive "$rev" | tar -x -C "$src"
    [ -d node_modules ] && [ ! -e "$src/node_modules" ] && ln -s "$PWD/node_modules" "$src/node_modules"
    (cd "$src" && mvn -q -B -DskipTests package)
  fi
  cp "$src/target/siteconnect-gateway.jar" "$out/jars/gateway-before.jar"
  args+=(--before-jar "$out/jars/gateway-before.jar")
  echo "gateway-before = $rev ($(git log -1 --format=%s "$rev" | cut -c1-80))"
fi

if [ -f src/test/browser/size.mjs ] && command -v node >/dev/null 2>&1; then
  echo "== script size: node src/test/browser/size.mjs =="
  node src/test/browser/size.mjs || echo "(size.mjs exited $?: over budget, or its npm dependencies are not installed)"
fi

cluster=0
case " ${args[*]:-} " in *" --cluster "*|*gateway-cluster*) cluster=1 ;; esac
if [ "$cluster" = 1 ] && [ -z "${SC_TEST_PG_HOST:-}" ]; then
  # a PostgreSQL of our own (not the test suite's: SC_PG_STATE gives it its own directory and port)
  export SC_PG_STATE="${TMPDIR:-/tmp}/siteconnect-loadtest-pg-$$"
  export SC_PG_TEST_PORT=56432
  trap 'bash src/test/pg.sh stop || true' EXIT
  eval "$(bash src/test/pg.sh start)"
  echo "PostgreSQL for gateway-cluster on $SC_TEST_PG_HOST:$SC_TEST_PG_PORT (stopped when run.sh exits)"
fi

echo "== load scenarios (servers on CPU 0, harness on CPU 1) =="
# G1 for the harness as for the servers: a Serial young pause of the harness (10k client sockets) would show up
# as latency of whatever it was receiving.
echo "results in $out"
harness_heap="${LT_HARNESS_HEAP:-2g}" # e.g. LT_HARNESS_HEAP=1g on a shared machine
harness() {
  taskset -c 1 java -Xms"$harness_heap" -Xmx"$harness_heap" -XX:+UseG1GC -XX:+AlwaysPreTouch -jar "$out/jars/loadtest.jar" \
    --server-cpu 0 --harness-cpu 1 --work-dir "$out" \
    --gateway-jar "$out/jars/siteconnect-gateway.jar" --loadtest-jar "$out/jars/loadtest.jar" "${args[@]}"
}
if [ "$sched" = 1 ]; then
  command -v perf >/dev/null 2>&1 || { echo "run.sh: --sched-trace needs perf: apt-get install linux-perf" >&2; exit 2; }
  export LT_TRACE="${LT_TRACE:-$out/trace}"
  perf record -q -e sched:sched_switch,sched:sched_wakeup -a -k CLOCK_MONOTONIC -o "$out/sched.data" &
  perf_pid=$!
  rc=0
  harness || rc=$?
  kill -INT "$perf_pid" && wait "$perf_pid" || true
  perf script -i "$out/sched.data" -F comm,pid,tid,cpu,time,event,trace --ns > "$out/sched.txt" 2>/dev/null
  shopt -s nullglob
  traces=("$LT_TRACE"/*chat-*.csv)
  [ ${#traces[@]} -gt 0 ] && python3 src/loadtest/sched-tails.py "$out/sched.txt" "${traces[@]}" > "$out/sched-tails.txt"
  rm -f "$out/sched.data"
  gzip -f "$out/sched.txt"
  echo "scheduler trace: $out/sched.txt.gz; slow chat messages against it: $out/sched-tails.txt"
  exit $rc
fi
# not exec: with a cluster target, the EXIT trap stops the PostgreSQL afterwards
harness
