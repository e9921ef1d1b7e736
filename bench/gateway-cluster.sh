# Sourced by bench/gateway.sh when CASES=cluster (issue 15): Tether on a Redis Cluster of three masters (and three
# replicas) against Tether on one Redis, both on Payara Micro on this machine, the same wrk cases alternating:
# one command per request (GET, INCR on keys spread over the slots) and a pipeline of 100 GETs over 100 keys in
# every slot range. Uses gateway.sh's helpers (free_port, run_case, warm_up, jvm_pid) and its private Redis.
#   CASES=cluster flock -x /tmp/tether-bench.lock bench/gateway.sh
cluster_ports=()
while [ "${#cluster_ports[@]}" -lt 6 ]; do # a cluster node needs port + 10000 free for its bus
  p=$(free_port)
  if [ "$p" -le 55535 ] && python3 -c "import socket,sys; s=socket.socket(); s.bind(('127.0.0.1',$p+10000))" 2>/dev/null; then
    cluster_ports+=("$p")
  fi
done
nodes=""
for p in "${cluster_ports[@]}"; do
  mkdir -p "$work/node-$p"
  setsid redis-server --port "$p" --bind 127.0.0.1 --save "" --appendonly no --dir "$work/node-$p" \
    --cluster-enabled yes --cluster-config-file nodes.conf >"$work/node-$p/redis.log" 2>&1 &
  pids+=($!)
  nodes="$nodes 127.0.0.1:$p"
done
sleep 1
redis-cli --cluster create $nodes --cluster-replicas 1 --cluster-yes >"$work/cluster-create.log" 2>&1
for _ in $(seq 1 100); do redis-cli -p "${cluster_ports[0]}" CLUSTER INFO | grep -q cluster_state:ok && break; sleep 0.2; done
seeds=$(printf 'redis://127.0.0.1:%s,' "${cluster_ports[@]}"); seeds=${seeds%,}
echo "cluster: 3 masters + 3 replicas on ${cluster_ports[*]}"

python3 - "$work" <<'PY'
import sys
work = sys.argv[1]
def lua(name, body):
    open(f"{work}/{name}.lua", "w").write('wrk.method = "POST"\nwrk.body = \'%s\'\nwrk.headers["Content-Type"] = "application/json"\n' % body)
lua("spread_pipeline", "[" + ",".join('["GET","bench:k%d"]' % i for i in range(100)) + "]")
lua("spread_set", "[" + ",".join('["SET","bench:k%d","v%d"]' % (i, i) for i in range(100)) + "]")
# one request = one command on one of 100 keys (slots all over the cluster), chosen per request
open(f"{work}/spread_get.lua", "w").write('''wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local n = 0
request = function()
  n = n + 1
  return wrk.format(nil, nil, nil, '["GET","bench:k' .. (n % 100) .. '"]')
end
''')
PY

declare -A bases=()
for topology in single cluster; do
  port=$(free_port)
  if [ "$topology" = cluster ]; then
    TETHER_PORT="$port" TETHER_REDIS_URL="redis://127.0.0.1:${cluster_ports[0]}" TETHER_REDIS_MODE=cluster \
      TETHER_REDIS_NODES="$seeds" setsid server-config/payara-micro/run.sh >"$work/payara-$topology.log" 2>&1 &
  else
    TETHER_PORT="$port" TETHER_REDIS_URL="redis://127.0.0.1:$redis_port" \
      setsid server-config/payara-micro/run.sh >"$work/payara-$topology.log" 2>&1 &
  fi
  group=$!; pids+=("$group"); base="http://127.0.0.1:$port"
  for _ in $(seq 1 360); do curl -sf -o /dev/null "$base/health/ready" && curl -sf -o /dev/null "$base/redis/ping" && break; sleep 0.5; done
  curl -sf -o /dev/null "$base/redis/ping" || { echo "[$topology] Tether did not start"; tail -40 "$work/payara-$topology.log"; exit 1; }
  curl -sf -o /dev/null -d @<(sed -n "s/^wrk.body = '\(.*\)'$/\1/p" "$work/spread_set.lua") "$base/redis/pipeline"
  curl -sf -o /dev/null -d '["SET","bench:key","hello"]' "$base/redis"
  bases[$topology]=$base
  pid=$(jvm_pid "$group")
  echo "[$topology] Tether up at $base (JVM pid $pid)"
  warm_up "payara-$topology" "$pid" "$base"
done

for round in $(seq 1 "$rounds"); do
  for topology in single cluster; do # alternating, same cases
    base=${bases[$topology]}
    echo "[$topology] round $round"
    run_case "$topology" tether get_spread 32 "$base/redis" spread_get 1 "$round"
    run_case "$topology" tether incr_post 32 "$base/redis" incr_post 1 "$round"
    run_case "$topology" tether pipeline_spread 32 "$base/redis/pipeline" spread_pipeline 100 "$round"
  done
done

mkdir -p bench/results
stamp=$(date -u +%Y%m%dT%H%M%SZ)
py=python3
/usr/bin/python3 -c 'import matplotlib' 2>/dev/null && py=/usr/bin/python3
"$py" - "$results" "bench/results/gateway-cluster-$stamp.json" "bench/results/gateway-cluster-$stamp.png" \
  "$(nproc) cores, $(uname -sr), load before $load_before" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
cases = ["get_spread", "incr_post", "pipeline_spread"]
med = {}
for t in ["single", "cluster"]:
    for c in cases:
        sel = [r for r in rows if r["server"] == t and r["case"] == c]
        med[(t, c)] = dict(cps=statistics.median(r["cps"] for r in sel), rps=statistics.median(r["rps"] for r in sel),
                           p99_ms=statistics.median(r["p99_ms"] for r in sel), errors=sum(r["errors"] for r in sel))
out = dict(machine=sys.argv[4], rows=rows,
           medians={f"{t}/{c}": v for (t, c), v in med.items()},
           ratios_cluster_to_single={c: med[("cluster", c)]["cps"] / med[("single", c)]["cps"] for c in cases})
json.dump(out, open(sys.argv[2], "w"), indent=1)
for c in cases:
    s, k = med[("single", c)], med[("cluster", c)]
    print(f"{c:16} single {s['cps']:10.0f} cmd/s p99 {s['p99_ms']:6.2f} ms | cluster {k['cps']:10.0f} cmd/s p99 "
          f"{k['p99_ms']:6.2f} ms | ratio {k['cps'] / s['cps']:.2f} | errors {s['errors']}/{k['errors']}")
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
fig, axes = plt.subplots(1, 3, figsize=(11, 4))
for ax, c in zip(axes, cases):
    vals = [med[("single", c)]["cps"], med[("cluster", c)]["cps"]]
    ax.bar(["one Redis", "cluster (3 masters)"], vals, color=["#888", "#2a7"])
    ax.set_title(c + (" (commands/s)" if c.startswith("pipeline") else " (requests/s)"), fontsize=9)
    for i, v in enumerate(vals):
        ax.text(i, v, f"{v:,.0f}", ha="center", va="bottom", fontsize=8)
fig.suptitle("Tether on Payara Micro: Redis Cluster vs one Redis, 32 connections, medians (" + sys.argv[4] + ")", fontsize=9)
fig.tight_layout()
fig.savefig(sys.argv[3], dpi=110)
print("wrote", sys.argv[2], sys.argv[3])
PY
