#!/usr/bin/env bash
# Checks the image Jib built, without a Docker engine: its config (a non-root user, the entrypoint, port 8080, the
# data directory), then unpacks its layers and starts the gateway from that root filesystem the way a container
# runtime would (own mount and PID namespaces, /proc, the image's user, env and working directory, the host's
# network), probes /health/ready from outside and with the image's own health check inside, and stops it with
# SIGTERM. Needs root (namespaces, chroot, another uid), python3, curl.
#
#   bash src/deploy/verify-image.sh [--cluster] [IMAGE.tar]          (default target/jib-image.tar)
#
# --cluster then runs compose.yaml's two nodes from the same root filesystem: PostgreSQL from src/test/pg.sh (a
# scratch database), src/deploy/cluster-config.json where compose mounts it, compose's environment, but both
# nodes on 127.0.0.1 (Hazelcast ports 5701 and 5702, event-bus ports picked freely: one host, not a compose
# network; Hazelcast binds only to addresses an interface has); checks both are ready,
# node 1 leads and node 2 does not (one cluster), and an admin logs in through node 2 (its REST call crosses the
# clustered event bus to the services on node 1, which read PostgreSQL).
set -euo pipefail
cd "$(dirname "$0")/../.."
cluster=
if [ "${1:-}" = --cluster ]; then cluster=yes; shift; fi
image=$(readlink -f "${1:-target/jib-image.tar}")
tool=$PWD/src/deploy/image-tar.py
work=$(mktemp -d)
pid=
nodes=()
descendants() { local c; for c in $(pgrep -P "$1"); do echo "$c"; descendants "$c"; done; }
cleanup() { # on any exit: the started processes and everything below them (the JVMs are grandchildren)
  local p q
  for p in $pid "${nodes[@]}"; do
    for q in $(descendants "$p") "$p"; do kill -KILL "$q" 2>/dev/null || true; done
  done
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; [ -f "$work/log" ] && tail -20 "$work/log" >&2; exit 1; }

# 1. the config
python3 "$tool" config "$image" >"$work/config.json"
eval "$(python3 - "$work/config.json" <<'EOF'
import json, shlex, sys
c = json.load(open(sys.argv[1]))["config"]
user = c.get("User", "")
uid, _, gid = user.partition(":")
problems = []
if uid in ("", "0", "root"):
    problems.append("runs as root (User=%r)" % user)
if "8080/tcp" not in c.get("ExposedPorts", {}):
    problems.append("does not expose 8080/tcp")
entry = c.get("Entrypoint") or []
if not entry or entry[-1] != "org.siteconnect.gateway.Main":
    problems.append("entrypoint does not start org.siteconnect.gateway.Main: %r" % entry)
env = dict(e.split("=", 1) for e in c.get("Env", []))
if not env.get("SC_DATA_DIR", "").startswith("/"):
    problems.append("SC_DATA_DIR is not an absolute path: %r" % env.get("SC_DATA_DIR"))
print("problems=%s" % shlex.quote("; ".join(problems)))
print("uid=%s gid=%s" % (shlex.quote(uid), shlex.quote(gid or "0")))
print("workdir=%s" % shlex.quote(c.get("WorkingDir", "/")))
print("entry=(%s)" % " ".join(shlex.quote(a) for a in entry))
print("envs=(%s)" % " ".join(shlex.quote(e) for e in c.get("Env", [])))
print("datadir=%s" % shlex.quote(env.get("SC_DATA_DIR", "")))
EOF
)"
[ -z "$problems" ] || fail "$problems"
echo "config: user $uid:$gid, entrypoint ${entry[0]} … ${entry[-1]}, workdir $workdir, SC_DATA_DIR $datadir"

# 2. the root filesystem, with what a runtime provides (/proc, /etc/hosts, /etc/resolv.conf)
root=$work/root
python3 "$tool" unpack "$image" "$root"
mkdir -p "$root/proc" "$root/etc"
cp /etc/hosts "$root/etc/hosts"
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

# 3. start it: the image's user, env, working directory and entrypoint, nothing from this machine's JDK
# start VAR=VALUE… COMMAND…
start() {
  local vars=()
  while [[ $# -gt 0 && $1 == *=* ]]; do vars+=("$1"); shift; done
  env -i "${envs[@]}" "${vars[@]}" unshare --pid --fork --kill-child --mount-proc=/proc --root="$root" \
    --wd="$workdir" --setuid "$uid" --setgid "$gid" "$@"
}
start SC_HTTP_PORT="$port" SC_ADMIN_PASSWORD=verify-image-password "${entry[@]}" >"$work/log" 2>&1 &
pid=$!
ready=
for _ in $(seq 1 240); do
  if curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null; then ready=yes; break; fi
  kill -0 "$pid" 2>/dev/null || fail "the gateway exited before it was ready"
  sleep 0.5
done
[ -n "$ready" ] || fail "/health/ready did not answer 200 within 120 s"
echo "started: /health/ready answers 200 on port $port ($(grep -o 'network transport: [a-z]*' "$work/log" || true))"
for path in /site_connect.js "/frame/?site=demo" /agent/ /demo/; do
  size=$(curl -sf -o /dev/null -w '%{size_download}' "http://127.0.0.1:$port$path") || fail "GET $path failed"
  [ "$size" -gt 0 ] || fail "GET $path is empty"
done
echo "served from the image: /site_connect.js, /frame/?site=demo, /agent/, /demo/"

# 4. the image's own health check (the command compose.yaml declares), run inside the image
probe=$(start SC_HTTP_PORT="$port" java -XX:-UsePerfData -Xmx32m -cp /app/classes \
  org.siteconnect.gateway.ops.HealthProbe) ||
  fail "the image's health check failed: $probe"
echo "health check inside the image: $probe"

# 5. written as the image's user, where the image says
owner=$(stat -c %u "$root$datadir") || fail "no data directory at $datadir"
[ "$owner" = "$uid" ] || fail "$datadir belongs to uid $owner, not $uid"
echo "data directory $datadir created by uid $owner"

# 6. SIGTERM to the JVM (as a runtime sends it to the container's first process): it drains and stops
jvm=
for p in $(descendants "$pid"); do
  if [ "$(readlink "/proc/$p/exe" 2>/dev/null)" = "$root/opt/java/openjdk/bin/java" ] ||
     tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -q 'org.siteconnect.gateway.Main$\|org.siteconnect.gateway.Main '; then
    jvm=$p
  fi
done
[ -n "$jvm" ] || fail "no JVM process found below $pid"
kill -TERM "$jvm"
for _ in $(seq 1 60); do kill -0 "$jvm" 2>/dev/null || break; sleep 0.5; done
kill -0 "$jvm" 2>/dev/null && fail "the gateway did not stop within 30 s of SIGTERM"
wait "$pid" || true
grep -q 'draining' "$work/log" || fail "no drain in the log after SIGTERM"
pid=
echo "SIGTERM: drained and stopped"

if [ -n "$cluster" ]; then
  # 7. compose.yaml's cluster from the same image
  eval "$(bash src/test/pg.sh start)"
  scratch=sc_image_$$
  PGPASSWORD=$SC_TEST_PG_PASSWORD "$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)/psql" -q \
    -h "$SC_TEST_PG_HOST" -p "$SC_TEST_PG_PORT" -U "$SC_TEST_PG_USER" -d "$SC_TEST_PG_DB" \
    -c "CREATE DATABASE $scratch" >/dev/null
  mkdir -p "$root/etc/siteconnect"
  # one host, so unlike compose both nodes share 127.0.0.1 and need their own event-bus and router ports (0: any)
  sed -e "s/\"database\": \"siteconnect\"/\"database\": \"$scratch\"/" -e 's/"eventBusPort": 5801/"eventBusPort": 0/' \
    -e 's/"routerPort": 5901/"routerPort": 0/' \
    src/deploy/cluster-config.json >"$root/etc/siteconnect/config.json"
  grep -q "$scratch" "$root/etc/siteconnect/config.json" && grep -q '"eventBusPort": 0' "$root/etc/siteconnect/config.json" &&
    grep -q '"routerPort": 0' "$root/etc/siteconnect/config.json" ||
    fail "could not adapt cluster-config.json"
  token=verify-image-metrics-token
  h1=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  h2=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  common=(SC_PG_HOST=127.0.0.1 SC_PG_PORT="$SC_TEST_PG_PORT" SC_PG_PASSWORD="$SC_TEST_PG_PASSWORD"
    SC_ADMIN_PASSWORD=verify-image-password SC_METRICS_TOKEN=$token
    SC_CLUSTER_MEMBERS=127.0.0.1:5701,127.0.0.1:5702)
  node() { # node N HTTP_PORT HAZELCAST_PORT
    start "${common[@]}" SC_CLUSTER_HOST=127.0.0.1 SC_HTTP_PORT="$2" SC_CLUSTER_PORT="$3" \
      SC_PUBLIC_ORIGIN=http://localhost:808$1 "${entry[@]}" -conf /etc/siteconnect/config.json \
      >"$work/node$1.log" 2>&1 &
    nodes+=($!)
  }
  until_ready() { # HTTP_PORT N
    for _ in $(seq 1 240); do
      curl -sf "http://127.0.0.1:$1/health/ready" >/dev/null && return 0
      kill -0 "${nodes[$2 - 1]}" 2>/dev/null || { cat "$work/node$2.log" >&2; fail "node $2 exited"; }
      sleep 0.5
    done
    cat "$work/node$2.log" >&2
    fail "node $2 not ready within 120 s"
  }
  leader() {
    curl -sf -H "Authorization: Bearer $token" "http://127.0.0.1:$1/metrics" | awk '/^sc_cluster_leader /{print $2}'
  }
  node 1 "$h1" 5701
  until_ready "$h1" 1
  node 2 "$h2" 5702
  until_ready "$h2" 2
  l1=$(leader "$h1")
  l2=$(leader "$h2")
  [ "$l1" = 1.0 ] && [ "$l2" = 0.0 ] || fail "sc_cluster_leader: node 1 $l1, node 2 $l2 (want 1.0 and 0.0)"
  login=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$h2/api/v1/login" \
    -H 'Content-Type: application/json' -d '{"login":"admin","password":"verify-image-password"}')
  [ "$login" = 200 ] || fail "admin login through node 2 answered $login"
  echo "cluster: both nodes ready, node 1 leads (sc_cluster_leader 1/0), admin login through node 2: $login"
  for p in "${nodes[@]}"; do kill -TERM "$(descendants "$p" | tail -1)" 2>/dev/null || true; done
  for p in "${nodes[@]}"; do wait "$p" || true; done
  nodes=()
  PGPASSWORD=$SC_TEST_PG_PASSWORD "$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)/psql" -q \
    -h "$SC_TEST_PG_HOST" -p "$SC_TEST_PG_PORT" -U "$SC_TEST_PG_USER" -d "$SC_TEST_PG_DB" \
    -c "DROP DATABASE $scratch" >/dev/null || true
fi
echo "PASS $image"
