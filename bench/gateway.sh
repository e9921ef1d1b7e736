#!/usr/bin/env bash
# Tether's Upstash API against Webdis (its peer for Redis over HTTP): the same Redis, the same machine,
# the same wrk load, loopback only. Prints requests/s, commands/s and latency: GET, INCR, and Tether's pipeline.
#   bench/gateway.sh                      # 10 s per case, 32 connections
#   DURATION=30s CONNS=64 bench/gateway.sh
# Needs: apt-get install -y wrk webdis redis-server (and Java 17 + Maven for Tether).
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in wrk webdis redis-server curl; do
  command -v "$tool" >/dev/null || { echo "missing $tool: apt-get install -y wrk webdis redis-server curl" >&2; exit 1; }
done
duration="${DURATION:-10s}"
conns="${CONNS:-32}"
work=$(mktemp -d)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
redis_port=$(free_port); webdis_port=$(free_port); tether_port=$(free_port)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

setsid redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --dir "$work" >"$work/redis.log" 2>&1 &
pids+=($!)

cat >"$work/webdis.json" <<JSON
{ "redis_host": "127.0.0.1", "redis_port": $redis_port, "http_host": "127.0.0.1", "http_port": $webdis_port,
  "threads": 2, "pool_size": 16, "daemonize": false, "database": 0,
  "acl": [ { "disabled": ["DEBUG"] } ], "verbosity": 1, "logfile": "$work/webdis.log" }
JSON
setsid webdis "$work/webdis.json" >"$work/webdis.out" 2>&1 &
pids+=($!)

mvn -B -q package -DskipTests
TETHER_PORT="$tether_port" TETHER_REDIS_URL="redis://127.0.0.1:$redis_port" TETHER_REDIS_POOL_SIZE=16 \
  setsid server-config/payara-micro/run.sh >"$work/tether.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 240); do
  curl -sf -o /dev/null "http://127.0.0.1:$tether_port/health/ready" && break
  sleep 0.5
done
curl -sf -o /dev/null "http://127.0.0.1:$tether_port/health/ready" || { echo "Tether did not start; see $work/tether.log" >&2; exit 1; }

curl -s -o /dev/null -d '["SET","bench:key","hello"]' "http://127.0.0.1:$tether_port/redis"
cat >"$work/get.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '["GET","bench:key"]'
wrk.headers["Content-Type"] = "application/json"
LUA
python3 - "$work/pipeline.lua" <<'PY'
import sys
body = "[" + ",".join('["GET","bench:key"]' for _ in range(100)) + "]"
open(sys.argv[1], "w").write('wrk.method = "POST"\nwrk.body = \'%s\'\nwrk.headers["Content-Type"] = "application/json"\n' % body)
PY
cat >"$work/incr.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '["INCR","bench:counter"]'
wrk.headers["Content-Type"] = "application/json"
LUA

run() { # name url [script] [commands per request]
  local name=$1 url=$2 script=${3:-} per=${4:-1}
  wrk -t2 -c"$conns" -d"${WARMUP:-15s}" ${script:+-s "$script"} "$url" >/dev/null   # warm-up (the JVM compiles hot code)
  local out
  out=$(wrk -t2 -c"$conns" -d"$duration" --latency ${script:+-s "$script"} "$url")
  local rps p50 p99 errors
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  errors=$(awk '/Non-2xx|Socket errors/ {print}' <<<"$out" | tr '\n' ' ')
  printf '%-24s %10s req/s %10s commands/s   p50 %-9s p99 %-9s %s\n' "$name" "$rps" \
    "$(awk -v r="$rps" -v n="$per" 'BEGIN {printf "%.0f", r * n}')" "$p50" "$p99" "${errors:-no errors}"
}

echo "wrk: 2 threads, $conns connections, $duration per case after ${WARMUP:-15s} of warm-up; Redis $(redis-server --version | awk '{print $3}')"
run "tether GET"  "http://127.0.0.1:$tether_port/redis" "$work/get.lua"
run "webdis GET"  "http://127.0.0.1:$webdis_port/GET/bench:key"
run "tether INCR" "http://127.0.0.1:$tether_port/redis" "$work/incr.lua"
run "webdis INCR" "http://127.0.0.1:$webdis_port/INCR/bench:counter2"
# Webdis has no pipeline over HTTP: one command per request is all it offers
run "tether pipeline 100 GET" "http://127.0.0.1:$tether_port/redis/pipeline" "$work/pipeline.lua" 100
