#!/usr/bin/env bash
# Pub/sub fan-out: Tether's Upstash SSE route (/redis/subscribe) against Webdis 0.1.9's chunked /SUBSCRIBE, on the
# same private Redis, loopback only, Payara Micro. SUBSCRIBERS streams on one channel; a closed-loop publisher sends
# BATCH PUBLISHes at once and waits until every subscriber has the last one (bench/pubsub-load.mjs).
#   1. warm-up: >= WARMUP_SECONDS of fan-out load on Tether, then until the JIT is quiet (compile queue empty, C2 idle)
#   2. ROUNDS rounds, Tether then Webdis in each, DURATION seconds each: messages/s through the channel, deliveries/s
#   3. memory: heap after a full GC and RSS, before and with IDLE idle subscribers (per subscriber); Webdis's RSS
#   4. medians, ratios to Webdis, JSON under bench/results/, a PNG chart
# Run it alone on the machine:  flock -x /tmp/tether-bench.lock bench/pubsub.sh
#   SUBSCRIBERS=200 BATCH=100 PAYLOAD=64 DURATION=10 ROUNDS=3 IDLE=2000 WARMUP_SECONDS=60 bench/pubsub.sh
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in webdis redis-server curl python3 jcmd node; do
  command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 1; }
done
subscribers="${SUBSCRIBERS:-200}"; batch="${BATCH:-100}"; payload="${PAYLOAD:-64}"
duration="${DURATION:-10}"; rounds="${ROUNDS:-3}"; idle="${IDLE:-2000}"; warmup_seconds="${WARMUP_SECONDS:-60}"
work=$(mktemp -d)
results="$work/results.jsonl"; : >"$results"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

redis_port=$(free_port); webdis_port=$(free_port); port=$(free_port)
setsid redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --dir "$work" >"$work/redis.log" 2>&1 &
pids+=($!)
cat >"$work/webdis.json" <<JSON
{ "redis_host": "127.0.0.1", "redis_port": $redis_port, "http_host": "127.0.0.1", "http_port": $webdis_port,
  "threads": 2, "pool_size": 16, "daemonize": false, "database": 0, "verbosity": 1, "logfile": "$work/webdis.log" }
JSON
setsid webdis "$work/webdis.json" >"$work/webdis.out" 2>&1 &
webdis_group=$!; pids+=($webdis_group)

mvn -B -q package -DskipTests
TETHER_PORT="$port" TETHER_REDIS_URL="redis://127.0.0.1:$redis_port" setsid server-config/payara-micro/run.sh \
  >"$work/payara.log" 2>&1 &
group=$!; pids+=($group)
base="http://127.0.0.1:$port"
for _ in $(seq 1 360); do curl -sf -o /dev/null "$base/health/ready" && break; sleep 0.5; done
curl -sf -o /dev/null "$base/health/ready" || { echo "Tether did not start"; tail -40 "$work/payara.log"; exit 1; }
pid=$(ps -eo pid=,pgid=,comm= | awk -v g="$group" '$2==g && $3=="java" {print $1; exit}')
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo); Tether JVM $pid at $base; Webdis :$webdis_port; Redis :$redis_port"
echo "$subscribers subscribers on one channel, batches of $batch PUBLISHes of $payload bytes, ${duration}s per case, $rounds rounds"

load() { # kind http-port seconds [round]
  node bench/pubsub-load.mjs fanout "$1" "$2" "$redis_port" "$subscribers" "$3" "$batch" "$payload"
}
c2_cpu() {
  local total=0
  for task in /proc/"$1"/task/*; do
    if grep -q '^C2 CompilerThre' "$task/comm" 2>/dev/null; then
      total=$((total + $(awk '{print $14 + $15}' "$task/stat")))
    fi
  done
  echo "$total"
}

start=$(date +%s)
echo "warm-up: ${warmup_seconds}s of fan-out load on Tether, then until the JIT is quiet"
load tether "$port" "$warmup_seconds" >/dev/null
for _ in $(seq 1 40); do
  before=$(c2_cpu "$pid"); load tether "$port" 5 >/dev/null; after=$(c2_cpu "$pid")
  queue=$(jcmd "$pid" Compiler.queue 2>/dev/null | grep -c '::' || true)
  echo "  C2 ticks in 5 s of load: $((after - before)), compile queue: $queue"
  if [ $((after - before)) -le 5 ] && [ "$queue" -eq 0 ]; then break; fi
done
warmup=$(( $(date +%s) - start )); echo "JIT quiet after ${warmup} s"

for round in $(seq 1 "$rounds"); do
  for kind in tether webdis; do
    p=$port; [ "$kind" = webdis ] && p=$webdis_port
    row=$(load "$kind" "$p" "$duration")
    echo "$row" | python3 -c "import json,sys; r=json.load(sys.stdin); r['round']=$round; open('$results','a').write(json.dumps(r)+'\n'); print(f\"  round $round {r['kind']:6} {r['messages_per_s']:9.0f} msg/s  {r['deliveries_per_s']:10.0f} deliveries/s  batch p50 {r['batch_p50_ms']:.1f} ms p99 {r['batch_p99_ms']:.1f} ms\")"
  done
done

heap_used() { # KB used after a full GC
  jcmd "$1" GC.run >/dev/null; sleep 1; jcmd "$1" GC.run >/dev/null
  jcmd "$1" GC.heap_info | awk '/garbage-first heap|def new generation|PSYoungGen|ParOldGen|tenured/ {for(i=1;i<=NF;i++) if($i=="used") {v=$(i+1); sub("K","",v); s+=v}} END {print s}'
}
rss() { awk '/^VmRSS:/ {print $2}' /proc/"$1"/status; }
webdis_pid=$(ps -eo pid=,pgid=,comm= | awk -v g="$webdis_group" '$2==g && $3=="webdis" {print $1; exit}')
memory() { # kind http-port jvm-pid-or-empty process-pid
  local h0 r0 h1 r1
  h0=$([ -n "$3" ] && heap_used "$3" || echo 0); r0=$(rss "$4")
  coproc IDLE { node bench/pubsub-load.mjs idle "$1" "$2" "$idle"; }
  read -r ready <&"${IDLE[0]}"
  sleep 2
  h1=$([ -n "$3" ] && heap_used "$3" || echo 0); r1=$(rss "$4")
  eval "exec ${IDLE[1]}>&-"; wait "$IDLE_PID" 2>/dev/null || true
  python3 -c "import json; r=dict(kind='$1', idle=$idle, heap_kb_per_sub=($h1-$h0)/$idle, rss_kb_per_sub=($r1-$r0)/$idle, heap_kb=[$h0,$h1], rss_kb=[$r0,$r1]); open('$work/memory.jsonl','a').write(json.dumps(r)+'\n'); print(f\"  {r['kind']:6} {$idle} idle subscribers: heap {r['heap_kb_per_sub']:.1f} KB and RSS {r['rss_kb_per_sub']:.1f} KB each\")"
}
echo "memory with $idle idle subscribers"
memory tether "$port" "$pid" "$pid"
memory webdis "$webdis_port" "" "$webdis_pid"

mkdir -p bench/results
stamp=$(date -u +%Y%m%dT%H%M%SZ)
# the system python3 has python3-matplotlib; a pyenv or venv python3 first on the PATH may not
py=python3; [ -x /usr/bin/python3 ] && py=/usr/bin/python3
"$py" bench/pubsub_report.py "$results" "$work/memory.jsonl" "$warmup" "bench/results/pubsub-$stamp.json" \
  "bench/results/pubsub-$stamp.png"
