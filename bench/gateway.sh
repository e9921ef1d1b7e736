#!/usr/bin/env bash
# Tether's Upstash API and its Webdis dialect (/webdis, the same URLs) against Webdis 0.1.9 (its peer for Redis over HTTP), on the same private Redis, the same
# machine, the same wrk load, loopback only. Per server (Payara Micro, then WildFly 39 if unpacked under target/):
#   1. warm-up: >= WARMUP_SECONDS of mixed load, then until the JIT is quiet (compile queue empty, C2 idle)
#   2. ROUNDS rounds; in each, every case runs on Tether and then on Webdis (alternating), DURATION each
#   3. medians, ratios to Webdis and to the same server's static file, JSON under bench/results/, a PNG chart
# Run it alone on the machine:  flock -x /tmp/tether-bench.lock bench/gateway.sh
#   CASES=cluster: the Redis Cluster case instead (bench/gateway-cluster.sh)
#   DURATION=8s ROUNDS=3 CONNS="32 256 1000" WARMUP_SECONDS=60 SERVERS="payara wildfly" bench/gateway.sh
# Needs: apt-get install -y wrk webdis redis-server python3-matplotlib (and Java 17 + Maven for Tether).
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in wrk webdis redis-server curl python3 jcmd; do
  command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 1; }
done
duration="${DURATION:-8s}"
rounds="${ROUNDS:-3}"
conns_list="${CONNS:-32 256 1000}"
warmup_seconds="${WARMUP_SECONDS:-60}"
servers="${SERVERS:-payara wildfly}"
work=$(mktemp -d)
results="$work/results.jsonl"
: >"$results"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

redis_port=$(free_port); webdis_port=$(free_port)
setsid redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --dir "$work" >"$work/redis.log" 2>&1 &
pids+=($!)
cat >"$work/webdis.json" <<JSON
{ "redis_host": "127.0.0.1", "redis_port": $redis_port, "http_host": "127.0.0.1", "http_port": $webdis_port,
  "threads": 2, "pool_size": 16, "daemonize": false, "database": 0,
  "acl": [ { "disabled": ["DEBUG"] } ], "verbosity": 1, "logfile": "$work/webdis.log" }
JSON
setsid webdis "$work/webdis.json" >"$work/webdis.out" 2>&1 &
pids+=($!)
sleep 1
redis-cli -p "$redis_port" SET bench:key hello >/dev/null

# wrk scripts: one per request shape
lua() { # file method body
  printf 'wrk.method = "%s"\nwrk.body = %s\nwrk.headers["Content-Type"] = "application/json"\n' "$2" "$3" >"$work/$1.lua"
}
lua get_post POST "'[\"GET\",\"bench:key\"]'"
lua set_post POST "'[\"SET\",\"bench:set\",\"value\"]'"
lua incr_post POST "'[\"INCR\",\"bench:counter\"]'"
lua set_body POST "'value'"
lua webdis_set PUT "'value'"
python3 - "$work/pipeline.lua" <<'PY'
import sys
body = "[" + ",".join('["GET","bench:key"]' for _ in range(100)) + "]"
open(sys.argv[1], "w").write('wrk.method = "POST"\nwrk.body = \'%s\'\nwrk.headers["Content-Type"] = "application/json"\n' % body)
PY

# run_case server impl case conns url [script] [commands per request] [round]
run_case() {
  local server=$1 impl=$2 name=$3 conns=$4 url=$5 script=${6:-} per=${7:-1} round=${8:-0}
  local out
  out=$(wrk -t2 -c"$conns" -d"$duration" --timeout 10s --latency ${script:+-s "$work/$script.lua"} "$url")
  WRK_OUT="$out" python3 - "$server" "$impl" "$name" "$conns" "$per" "$round" "$results" <<'PY'
import json, os, re, sys
server, impl, name, conns, per, rnd, path = sys.argv[1:]
out = os.environ["WRK_OUT"]
def ms(s):
    m = re.match(r"([\d.]+)(us|ms|s)", s); v = float(m.group(1))
    return v / 1000 if m.group(2) == "us" else v * 1000 if m.group(2) == "s" else v
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
p50 = ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
p99 = ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
non2xx = int((re.search(r"Non-2xx or 3xx responses: (\d+)", out) or [0, 0])[1])
sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
errors = non2xx + (sum(int(x) for x in sock.groups()) if sock else 0)
row = dict(server=server, impl=impl, case=name, conns=int(conns), round=int(rnd), rps=rps, cps=rps * int(per),
           p50_ms=p50, p99_ms=p99, errors=errors)
open(path, "a").write(json.dumps(row) + "\n")
print(f"  {server:7} {impl:7} {name:14} c={conns:<5} {rps:10.0f} req/s {rps*int(per):10.0f} cmd/s  p50 {p50:7.2f} ms  p99 {p99:7.2f} ms  errors {errors}")
PY
}

jvm_pid() { # the java process in the process group led by $1
  ps -eo pid=,pgid=,comm= | awk -v g="$1" '$2==g && $3=="java" {print $1; exit}'
}

c2_cpu() { # CPU ticks of the JVM's C2 compiler threads
  local total=0
  for task in /proc/"$1"/task/*; do
    if grep -q '^C2 CompilerThre' "$task/comm" 2>/dev/null; then
      total=$((total + $(awk '{print $14 + $15}' "$task/stat")))
    fi
  done
  echo "$total"
}

warm_up() { # server pid base
  local server=$1 pid=$2 base=$3 start end
  start=$(date +%s)
  echo "[$server] warm-up: ${warmup_seconds}s of mixed load, then until the JIT is quiet"
  local each=$(( (warmup_seconds + 4) / 5 ))
  for s in get_post pipeline incr_post set_body; do
    local url="$base/redis"
    [ "$s" = pipeline ] && url="$base/redis/pipeline"
    [ "$s" = set_body ] && url="$base/redis/set/bench:set"
    wrk -t2 -c64 -d"${each}s" -s "$work/$s.lua" "$url" >/dev/null
  done
  wrk -t2 -c64 -d"${each}s" "$base/redis/get/bench:key" >/dev/null
  wrk -t2 -c64 -d"${each}s" "$base/webdis/GET/bench:key" >/dev/null
  for _ in $(seq 1 "${JIT_ROUNDS:-40}"); do # at most JIT_ROUNDS (40) more rounds of 5 s
    local before after queue
    before=$(c2_cpu "$pid")
    wrk -t2 -c32 -d5s -s "$work/get_post.lua" "$base/redis" >/dev/null
    after=$(c2_cpu "$pid")
    queue=$(jcmd "$pid" Compiler.queue 2>/dev/null | grep -c '::' || true)
    echo "  C2 ticks in 5 s of load: $((after - before)), compile queue: $queue"
    if [ $((after - before)) -le 5 ] && [ "$queue" -eq 0 ]; then break; fi
  done
  end=$(date +%s)
  echo "[$server] JIT quiet after $((end - start)) s"
  echo "{\"server\":\"$server\",\"warmup_seconds\":$((end - start))}" >>"$work/warmup.jsonl"
}

measure() { # server base tether_pid
  local server=$1 base=$2 pid=$3 static=$4
  for conns in $conns_list; do
    for round in $(seq 1 "$rounds"); do
      echo "[$server] c=$conns round $round"
      run_case "$server" tether get_post "$conns" "$base/redis" get_post 1 "$round"
      run_case "$server" webdis get "$conns" "http://127.0.0.1:$webdis_port/GET/bench:key" "" 1 "$round"
      run_case "$server" static static "$conns" "$base/$static" "" 1 "$round"
      # the Webdis dialect: Webdis's own URL under /webdis, paired with Webdis's case by the prefix before "_"
      run_case "$server" tether get_webdis "$conns" "$base/webdis/GET/bench:key" "" 1 "$round"
      if [ "$conns" = 32 ]; then
        run_case "$server" tether get_path "$conns" "$base/redis/get/bench:key" "" 1 "$round"
        run_case "$server" tether set_post "$conns" "$base/redis" set_post 1 "$round"
        run_case "$server" tether set_body "$conns" "$base/redis/set/bench:set" set_body 1 "$round"
        run_case "$server" webdis set "$conns" "http://127.0.0.1:$webdis_port/SET/bench:set" webdis_set 1 "$round"
        run_case "$server" tether incr_post "$conns" "$base/redis" incr_post 1 "$round"
        run_case "$server" tether incr_path "$conns" "$base/redis/incr/bench:counter" "" 1 "$round"
        run_case "$server" webdis incr "$conns" "http://127.0.0.1:$webdis_port/INCR/bench:counter" "" 1 "$round"
        run_case "$server" tether set_webdis "$conns" "$base/webdis/SET/bench:set" webdis_set 1 "$round"
        run_case "$server" tether incr_webdis "$conns" "$base/webdis/INCR/bench:counter" "" 1 "$round"
        run_case "$server" tether pipeline "$conns" "$base/redis/pipeline" pipeline 100 "$round"
      fi
    done
    echo "[$server] JVM threads after c=$conns: $(awk '/^Threads:/ {print $2}' /proc/"$pid"/status)"
    echo "{\"server\":\"$server\",\"conns\":$conns,\"threads\":$(awk '/^Threads:/ {print $2}' /proc/"$pid"/status)}" >>"$work/threads.jsonl"
  done
}

mvn -B -q package -DskipTests
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo), $(uname -sr); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "wrk -t2, $duration per case, $rounds rounds, connections: $conns_list; Redis $(redis-server --version | awk '{print $3}'); webdis $(dpkg-query -W -f='${Version}' webdis 2>/dev/null || echo '?')"

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
# CASES=cluster: Tether on a Redis Cluster against Tether on one Redis (bench/gateway-cluster.sh), nothing else
if [ "${CASES:-}" = cluster ]; then source bench/gateway-cluster.sh; exit 0; fi

for server in $servers; do
  port=$(free_port)
  if [ "$server" = payara ]; then
    TETHER_PORT="$port" TETHER_REDIS_URL="redis://127.0.0.1:$redis_port" \
      setsid server-config/payara-micro/run.sh >"$work/payara.log" 2>&1 &
    group=$!; base="http://127.0.0.1:$port"; health="$base/health/ready"; static="index.html"
  else
    wildfly=$(ls -d target/wildfly-*/ 2>/dev/null | head -1)
    if [ -z "$wildfly" ] || [ ! -f "$wildfly/standalone/configuration/standalone-tether.xml" ]; then
      echo "[wildfly] skipped: no configured WildFly under target/ (mvn -B verify unpacks and configures it)"; continue
    fi
    offset=$((port - 8080)); [ "$offset" -lt 0 ] && offset=$((port % 1000 + 2000))
    rm -rf "$work/wf" && cp -r "$wildfly/standalone" "$work/wf"
    cp target/tether.war "$work/wf/deployments/"
    TETHER_REDIS_URL="redis://127.0.0.1:$redis_port" setsid "$wildfly/bin/standalone.sh" -c standalone-tether.xml \
      -Djboss.server.base.dir="$work/wf" -b 127.0.0.1 -bmanagement 127.0.0.1 \
      -Djboss.socket.binding.port-offset="$offset" >"$work/wildfly.log" 2>&1 &
    group=$!; base="http://127.0.0.1:$((8080 + offset))/tether"; health="http://127.0.0.1:$((9990 + offset))/health/ready"
    static="index.html"
  fi
  pids+=("$group")
  for _ in $(seq 1 360); do curl -sf -o /dev/null "$health" && curl -sf -o /dev/null "$base/redis/ping" && break; sleep 0.5; done
  curl -sf -o /dev/null "$base/redis/ping" || { echo "[$server] Tether did not start"; tail -40 "$work/$server.log"; exit 1; }
  pid=$(jvm_pid "$group")
  echo "[$server] Tether up at $base (JVM pid $pid, $(awk '/^Threads:/ {print $2}' /proc/"$pid"/status) threads)"
  warm_up "$server" "$pid" "$base"
  measure "$server" "$base" "$pid" "$static"
  kill -TERM -- "-$group" 2>/dev/null || true
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
done

mkdir -p bench/results
stamp=$(date -u +%Y%m%dT%H%M%SZ)
py=python3 # Debian's python3-matplotlib belongs to /usr/bin/python3, which another python3 on the PATH may hide
/usr/bin/python3 -c 'import matplotlib' 2>/dev/null && py=/usr/bin/python3
"$py" bench/report.py "$results" "$work/warmup.jsonl" "$work/threads.jsonl" "bench/results/gateway-$stamp.json" \
  "bench/results/gateway-$stamp.png" "$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo), $(uname -sr)"
