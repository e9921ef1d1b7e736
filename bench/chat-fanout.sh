#!/usr/bin/env bash
# Tether's chat fan-out against a Go broadcast server on gorilla/websocket (bench/go-chat), side by side in one run
# on one machine, loopback only, driven by the same Node `ws` load generator (bench/loadgen, several processes).
# Cases: 1,000 clients × 200 msg/s, 100 × 200 msg/s, 5,000 × 20 msg/s, 1,000 joins (with presence check on Tether),
# then 15,000 idle Tether connections (heap and RSS per connection). Rounds alternate the servers; medians and
# ratios are printed and written to bench/results/chat-fanout.json with a chart bench/results/chat-fanout.png.
#   bench/chat-fanout.sh                     # ROUNDS=3 DURATION=10 (s per fan-out run) WARMUP=60 (s, at least)
#   IDLE=0 bench/chat-fanout.sh              # without the 15,000-connection case
#   WARMUP_ROUNDS=32 bench/chat-fanout.sh    # warm-up rounds allowed before giving up on a quiet JIT (16; 12 with
#                                            # CASES=instances, where a round runs every peer for 15 s)
#   CASES=instances bench/chat-fanout.sh     # only across instances: one Tether against two (half the clients on
#                                            # each, senders on both, one Redis), same room and load, alternating
#                                            # rounds; BEFORE_WAR=/path/old.war adds that build as a third peer
#                                            # (the single-instance path before and after). Results chat-instances.*
#                                            # PROCS=2: load generator processes for 1,000 clients;
#                                            # FAN100=0: without the 100-client case
# Needs: golang-go golang-github-gorilla-websocket-dev nodejs npm redis-server python3-matplotlib, Java 17 + Maven.
# Run it alone on the machine: flock -x /tmp/tether-bench.lock setsid bench/chat-fanout.sh
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${ROUNDS:-3}"; duration="${DURATION:-10}"; warmup="${WARMUP:-60}"; idle="${IDLE:-15000}"
server="${SERVER:-payara}"   # or wildfly: the same WAR on WildFly 39 (results chat-fanout-wildfly.*)
cases="${CASES:-all}"
name=chat-fanout; [ "$server" = payara ] || name=chat-fanout-$server
[ "$cases" = instances ] && name=chat-instances && idle=0
[ "$cases" = instances ] && [ "$server" != payara ] && { echo "CASES=instances runs on Payara Micro only" >&2; exit 1; }
for tool in go node npm redis-server python3 jcmd curl; do
  command -v "$tool" >/dev/null || { echo "missing $tool (see the header of $0)" >&2; exit 1; }
done
out=bench/results; mkdir -p "$out" target/bench
work=$(mktemp -d)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM -- "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

(cd bench/go-chat && GO111MODULE=off GOPATH=/usr/share/gocode GOCACHE="$work/gocache" go build -o ../../target/bench/go-chat .)
[ -d bench/loadgen/node_modules/ws ] || (cd bench/loadgen && npm ci --no-audit --no-fund >/dev/null)
[ -n "${SKIP_BUILD:-}" ] || mvn -B -q package -DskipTests

redis_port=$(free_port); tether_port=$(free_port); go_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --dir "$work" >"$work/redis.log" 2>&1 &
pids+=($!)
target/bench/go-chat -addr "127.0.0.1:$go_port" >"$work/go.log" 2>&1 &
go_pid=$!; pids+=($go_pid)
payara() { # port war log: started by the run script, as users start Tether, in a process group of its own
  TETHER_PORT="$1" TETHER_WAR="$2" TETHER_REDIS_URL="redis://127.0.0.1:$redis_port" \
    setsid server-config/payara-micro/run.sh >"$3" 2>&1 &
  pids+=(-$!)
}
jvm_of() { # the java process in the process group led by $1 (the run script's Payara Micro, once it answers)
  for _ in $(seq 1 240); do
    ps -eo pid=,pgid=,comm= | awk -v g="$1" '$2==g && $3=="java" {print $1; found=1; exit} END {exit !found}' && return
    sleep 0.5
  done
  return 1
}
if [ "$server" = payara ]; then
  payara "$tether_port" target/tether.war "$work/tether.log"
  group=$!; ctx=""; ready="http://127.0.0.1:$tether_port/health/ready"
else
  # WildFly 39 as the smoke suite configures it (mvn -B verify unpacks it under target/), on a free port offset
  home=$(ls -d target/wildfly-*.Final 2>/dev/null | tail -1)
  [ -n "$home" ] && [ -f "$home/standalone/configuration/standalone-tether.xml" ] || { echo "run mvn -B verify first (WildFly under target/)" >&2; exit 1; }
  offset=$((tether_port - 8080)); [ $offset -gt 0 ] && [ $((9990 + offset)) -lt 65535 ] || { echo "no usable port offset" >&2; exit 1; }
  base="$work/wildfly"; cp -r "$home/standalone" "$base"; cp target/tether.war "$base/deployments/"
  TETHER_REDIS_URL="redis://127.0.0.1:$redis_port" setsid "$home/bin/standalone.sh" -c standalone-tether.xml -b 127.0.0.1 \
    -bmanagement 127.0.0.1 -Djboss.server.base.dir="$base" -Djboss.socket.binding.port-offset=$offset >"$work/tether.log" 2>&1 &
  launcher=$!; pids+=(-$launcher)
  for _ in $(seq 1 60); do tether_pid=$(pgrep -P "$launcher" java || true); [ -n "$tether_pid" ] && break; sleep 0.5; done
  ctx="tether/"; ready="http://127.0.0.1:$((9990 + offset))/health/ready"
fi
for _ in $(seq 1 480); do curl -sf -o /dev/null "$ready" && curl -sf -o /dev/null "http://127.0.0.1:$tether_port/${ctx}" && break; sleep 0.5; done
curl -sf -o /dev/null "$ready" || { tail -50 "$work/tether.log"; echo "Tether did not start" >&2; exit 1; }
[ "$server" = payara ] && tether_pid=$(jvm_of "$group")
loadavg_before=$(cut -d' ' -f1-3 /proc/loadavg)
echo "Tether (pid $tether_pid) on $tether_port, Go peer on $go_port, Redis on $redis_port; load average before: $loadavg_before"

if [ "$cases" = instances ]; then
  tether2_port=$(free_port); payara "$tether2_port" target/tether.war "$work/tether2.log"; group2=$!
  peers="one two"
  if [ -n "${BEFORE_WAR:-}" ]; then
    before_port=$(free_port); payara "$before_port" "$BEFORE_WAR" "$work/before.log"; group3=$!; peers="one two before"
  fi
  for port in "$tether2_port" ${before_port:-}; do
    for _ in $(seq 1 480); do curl -sf -o /dev/null "http://127.0.0.1:$port/health/ready" && break; sleep 0.5; done
    curl -sf -o /dev/null "http://127.0.0.1:$port/health/ready" || { echo "an instance on $port did not start" >&2; exit 1; }
  done
  jvms="$tether_pid $(jvm_of "$group2")${group3:+ $(jvm_of "$group3")}" # every Tether JVM: their CPU per run
  ports="$tether_port $tether2_port ${before_port:-}"
  echo "second instance on $tether2_port${before_port:+, the build before on $before_port}"
fi
jvm_ticks() { # CPU ticks used so far by the Tether JVMs: utime + stime ($1 = sys: stime only, the kernel's part)
  local total=0 pid
  for pid in $jvms; do
    total=$((total + $(sed 's/^.*) //' "/proc/$pid/stat" | awk -v s="${1:-}" '{print (s == "sys" ? 0 : $12) + $13}')))
  done
  echo "$total"
}
queued() { # chat frames the instances have queued to clients so far (one per member per broadcast)
  local total=0 port
  for port in $ports; do
    total=$((total + $(curl -sf "http://127.0.0.1:$port/metrics?scope=application" | awk '/^tether_chat_messages_out_total/ {printf "%d", $NF}')))
  done
  echo "$total"
}

n=0
load() { # who(tether|go) label args... -> appends one JSON line to $work/runs.jsonl
  local who=$1 label=$2; shift 2
  local port=$tether_port path="${ctx}ws/chat/" line
  [ "$who" = go ] && port=$go_port path=ws/chat/
  n=$((n + 1))
  line=$(node bench/loadgen/loadgen.mjs --url "ws://127.0.0.1:$port/$path$label-$who-$n" --timeout 300 "$@" | tail -1)
  echo "{\"server\":\"$who\",\"case\":\"$label\",\"result\":$line}" >>"$work/runs.jsonl"
  cp "$work/runs.jsonl" "target/bench/$name-runs.jsonl"   # kept: the report can be made again from it
  echo "  $who $label: $line"
}
c2_ticks() { # CPU ticks used so far by the C2 compiler threads of a Tether JVM (default: instance A's)
  local total=0
  for task in /proc/"${1:-$tether_pid}"/task/*; do
    if grep -q '^C2 CompilerThre' "$task/comm" 2>/dev/null; then
      total=$((total + $(sed 's/^.*) //' "$task/stat" | awk '{print $12 + $13}')))  # utime + stime, after "(comm) "
    fi
  done
  echo "$total"
}

# FANOUT=0 RUNS_FROM=target/bench/chat-fanout-runs.jsonl: only the idle case, reported with earlier fan-out runs
[ -n "${RUNS_FROM:-}" ] && cp "$RUNS_FROM" "$work/runs.jsonl"
quiet_after=""
peer() { # who label loadgen-args...: one (A), two (A and B, half the clients on each), before (BEFORE_WAR)
  local who=$1 label=$2 line u2=(); shift 2
  local a="ws://127.0.0.1:$tether_port/ws/chat/$label-$who-$n" b="ws://127.0.0.1:${tether2_port:-0}/ws/chat/$label-$who-$n"
  n=$((n + 1))
  [ "$who" = two ] && u2=(--url2 "$b")
  [ "$who" = before ] && a="ws://127.0.0.1:$before_port/ws/chat/$label-$who-$n"
  local ticks=$(jvm_ticks) sys=$(jvm_ticks sys) frames=$(queued) hz=$(getconf CLK_TCK)
  line=$(node bench/loadgen/loadgen.mjs --url "$a" "${u2[@]}" --timeout 300 "$@" | tail -1)
  ticks=$(( $(jvm_ticks) - ticks )) # all the Tether JVMs, whichever served: what the run cost the machine
  sys=$(( $(jvm_ticks sys) - sys )); frames=$(( $(queued) - frames ))
  echo "{\"server\":\"$who\",\"case\":\"$label\",\"jvmCpuMs\":$((ticks * 1000 / hz)),\"jvmSysMs\":$((sys * 1000 / hz)),\"framesQueued\":$frames,\"result\":$line}" >>"$work/runs.jsonl"
  cp "$work/runs.jsonl" "target/bench/$name-runs.jsonl"
  echo "  $who $label: JVM CPU $((ticks * 1000 / hz)) ms, $line"
}
if [ "$cases" = instances ]; then
  echo "Warm-up: 1,000 clients × 200 msg/s, every peer in turn, for at least ${warmup} s and until the C2 compiler"
  echo "of every Tether JVM is quiet (under 2 % of a core over the round)"
  start=$(date +%s)
  for i in $(seq 1 "${WARMUP_ROUNDS:-12}"); do
    c2before=(); for pid in $jvms; do c2before+=("$(c2_ticks "$pid")"); done
    round=$(date +%s)
    for p in $peers; do peer "$p" warm --clients 1000 --procs 2 --rate 200 --senders 20 --duration 15 --drain 2 >/dev/null; done
    now=$(date +%s); elapsed=$((now - start)); limit=$(( (now - round) * 2 )) # ticks of 10 ms: 2 % of the round
    quiet=yes; report=""; k=0
    for pid in $jvms; do
      c2=$(( $(c2_ticks "$pid") - c2before[k] )); k=$((k + 1))
      report="$report $((c2 * 10))"; [ "$c2" -le "$limit" ] || quiet=""
    done
    echo "  warm-up $i: ${elapsed} s, C2 CPU per JVM in the round (ms):$report"
    if [ "$elapsed" -ge "$warmup" ] && [ -n "$quiet" ]; then quiet_after=$elapsed; break; fi
  done
  echo "JIT quiet after ${quiet_after:-never (gave up)} s of load"
  for r in $(seq 1 "$rounds"); do
    order=$peers; [ $((r % 2)) -eq 0 ] && order=$(echo "$peers" | tr ' ' '\n' | tac | tr '\n' ' ')
    echo "Round $r ($order)"
    for p in $order; do peer "$p" fan1000 --clients 1000 --procs "${PROCS:-2}" --rate 200 --senders 20 --duration "$duration" --drain 5; done
    [ "${FAN100:-1}" = 0 ] || for p in $order; do peer "$p" fan100 --clients 100 --procs 1 --rate 200 --senders 20 --duration "$duration" --drain 5; done
  done
  /usr/bin/python3 bench/chat-instances-report.py "$work/runs.jsonl" "$out/$name.json" "$out/$name.png" \
    "{\"rounds\":$rounds,\"durationS\":$duration,\"jitQuietAfterS\":\"${quiet_after:-never}\",\"loadavgBefore\":\"$loadavg_before\",\"loadavgAfter\":\"$(cut -d' ' -f1-3 /proc/loadavg)\",\"cores\":$(nproc),\"before\":\"${BEFORE_WAR:-}\",\"date\":\"$(date -u +%FT%TZ)\"}"
  exit 0
fi
if [ "${FANOUT:-1}" != 0 ]; then
echo "Warm-up: 1,000 clients × 200 msg/s, until at least ${warmup} s of load and the C2 compiler is quiet"
start=$(date +%s)
for i in $(seq 1 "${WARMUP_ROUNDS:-16}"); do   # rounds of 15 s at most; the bench says when the JIT never went quiet
  before=$(c2_ticks)
  node bench/loadgen/loadgen.mjs --url "ws://127.0.0.1:$tether_port/${ctx}ws/chat/warm-$i" --clients 1000 --procs 2 --rate 200 \
    --senders 20 --duration 15 --drain 2 --timeout 300 >/dev/null
  c2=$(( $(c2_ticks) - before )); elapsed=$(( $(date +%s) - start ))
  queue=$(( 2 - $(jcmd "$tether_pid" Compiler.queue | grep -c '^Empty' || true) ))   # C1 and C2 queues
  echo "  warm-up $i: ${elapsed} s, C2 CPU in the last round $((c2 * 10)) ms, compile queue $queue"
  # quiet: C2 busy under 2 % of one core during the round (15 s of load), both compile queues empty
  if [ "$elapsed" -ge "$warmup" ] && [ "$c2" -le 30 ] && [ "$queue" -eq 0 ]; then quiet_after=$elapsed; break; fi
done
echo "JIT quiet after ${quiet_after:-never (gave up)} s of load"
load go warm --clients 1000 --procs 2 --rate 200 --senders 20 --duration 10 --drain 2 >/dev/null

for r in $(seq 1 "$rounds"); do
  order="tether go"; [ $((r % 2)) -eq 0 ] && order="go tether"
  echo "Round $r ($order)"
  for s in $order; do load "$s" fan1000 --clients 1000 --procs 2 --rate 200 --senders 20 --duration "$duration" --drain 5; done
  for s in $order; do load "$s" fan100 --clients 100 --procs 1 --rate 200 --senders 20 --duration "$duration" --drain 5; done
  for s in $order; do load "$s" fan5000 --clients 5000 --procs 3 --spread --rate 20 --senders 20 --duration "$duration" --drain 5; done
  for s in $order; do
    presence=""; [ "$s" = tether ] && presence=--presence
    load "$s" join1000 --clients 1000 --procs 2 --rate 0 $presence
  done
done

fi

heap_used() { # heap in use after a full GC, KB
  jcmd "$tether_pid" GC.run >/dev/null
  jcmd "$tether_pid" GC.heap_info | awk '/garbage-first heap/ && !done {for (i=1;i<=NF;i++) if ($i=="used") {v=$(i+1); sub(/K,?/,"",v); print v; done=1}}'
}
rss() { awk '/^VmRSS/ {print $2}' /proc/"$tether_pid"/status; }
if [ "$idle" -gt 0 ]; then
  echo "Idle: $idle Tether connections in rooms of 100, source addresses 127.0.0.1-4"
  heap0=$(heap_used); rss0=$(rss)
  node bench/loadgen/loadgen.mjs --url "ws://127.0.0.1:$tether_port/${ctx}ws/chat/idle" --clients "$idle" --rooms $((idle / 100)) \
    --procs 2 --spread --hold 600 --connect-parallel 32 --timeout 900 >"$work/idle.out" 2>&1 &
  idle_pid=$!; pids+=($idle_pid)
  for _ in $(seq 1 600); do grep -q '"ready"' "$work/idle.out" && break; sleep 1; done
  sleep 5
  heap1=$(heap_used); rss1=$(rss)
  jcmd "$tether_pid" GC.class_histogram >"$work/histogram.txt"
  head -25 "$work/histogram.txt" >"$out/$name-idle-histogram.txt"
  kill -TERM "$idle_pid" 2>/dev/null || true; wait "$idle_pid" 2>/dev/null || true
  open=$(grep -o '"open":[0-9]*' "$work/idle.out" | tail -1 | cut -d: -f2 || true)
  echo "{\"server\":\"tether\",\"case\":\"idle\",\"result\":{\"clients\":$idle,\"open\":${open:-0},\"heapBeforeKB\":$heap0,\"heapAfterKB\":$heap1,\"rssBeforeKB\":$rss0,\"rssAfterKB\":$rss1,\"joined\":$(grep '"ready"' "$work/idle.out" | tail -1 | python3 -c 'import json,sys; d=json.loads(sys.stdin.read() or "{}"); print(json.dumps({"joinMs": d.get("joinMs"), "failed": d.get("joinFailed")}))')}}" >>"$work/runs.jsonl"
  cp "$work/runs.jsonl" "target/bench/$name-runs.jsonl"
  tail -1 "$work/runs.jsonl"
fi

/usr/bin/python3 bench/chat-fanout-report.py \
 "$work/runs.jsonl" "$out/$name.json" "$out/$name.png" \
  "{\"server\":\"$server\",\"rounds\":$rounds,\"durationS\":$duration,\"jitQuietAfterS\":\"${quiet_after:-never}\",\"loadavgBefore\":\"$loadavg_before\",\"loadavgAfter\":\"$(cut -d' ' -f1-3 /proc/loadavg)\",\"cores\":$(nproc),\"date\":\"$(date -u +%FT%TZ)\"}"
