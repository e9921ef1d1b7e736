#!/usr/bin/env bash
# Builds Tether (when the sources changed) and serves it on http://localhost:8080 with Payara Micro until Ctrl-C or
# SIGTERM. If nothing answers at the configured Redis address, a private redis-server is started (data under
# target/) and stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/../.."

port="${TETHER_PORT:-8080}"
bind="${TETHER_BIND:-127.0.0.1}"
redis_url="${TETHER_REDIS_URL:-redis://127.0.0.1:6379}"
war="${TETHER_WAR:-target/tether.war}" # another build of Tether (the benchmarks compare one with the one before)

loopback=yes
case "$bind" in
  127.*|localhost|::1) ;;
  *)
    loopback=""
    if [ -z "${TETHER_TOKEN:-}" ]; then
      cat >&2 <<MSG
Refusing to start: TETHER_BIND=$bind makes Tether reachable from other machines, but no TETHER_TOKEN is set.
Without a token Tether serves loopback callers only, so every other caller would get 401.
Set one, e.g.:  TETHER_TOKEN=\$(openssl rand -hex 24) TETHER_BIND=$bind $0
MSG
      exit 2
    fi ;;
esac

# The WAR is rebuilt only when something it is built from is newer than it (never when TETHER_WAR names one).
if [ ! -f target/payara-micro.jar ] || { [ -z "${TETHER_WAR:-}" ] && { [ ! -f target/tether.war ] \
   || [ -n "$(find pom.xml src/main webapp -newer target/tether.war -print -quit)" ]; }; }; then
  # Maven 3.8 prints colour resets even in batch mode with colour off: strip them (pipefail keeps its status)
  mvn -B -q -Dstyle.color=never package -DskipTests 2>&1 | sed 's/\x1b\[[0-9;]*m//g'
fi

hostport="${redis_url#*://}"; hostport="${hostport#*@}"; hostport="${hostport%%/*}"
redis_host="${hostport%%:*}"; redis_port="${hostport##*:}"
[ "$redis_port" = "$hostport" ] && redis_port=6379

redis_pid=""
payara_pid=""
stopping=""
stop() {
  stopping=yes
  [ -n "$payara_pid" ] && kill -TERM "$payara_pid" 2>/dev/null || true
}
cleanup() {
  stop
  [ -n "$payara_pid" ] && wait "$payara_pid" 2>/dev/null || true
  if [ -n "$redis_pid" ]; then
    kill "$redis_pid" 2>/dev/null || true
    wait "$redis_pid" 2>/dev/null || true
  fi
}
trap cleanup EXIT
trap 'stop' INT TERM
# waits for the Java process in payara_pid (a trapped signal interrupts `wait`, so it loops) and returns its status
wait_payara() {
  local status=0
  while kill -0 "$payara_pid" 2>/dev/null; do
    wait "$payara_pid" && status=0 || status=$?
  done
  payara_pid=""
  return "$status"
}

# only for one Redis at a URL: a cluster, Sentinel or Redisson file names its own servers
mode="${TETHER_REDIS_MODE:-single}"
single=yes
{ [ "${mode,,}" != single ] || [ -n "${TETHER_REDIS_CONFIG_FILE:-}" ]; } && single=""
if [ -n "$single" ] && ! (exec 3<>"/dev/tcp/$redis_host/$redis_port") 2>/dev/null; then
  if ! command -v redis-server >/dev/null; then
    echo "Nothing answers at $redis_host:$redis_port and redis-server is not installed." >&2
    echo "Install it (Debian/Ubuntu: sudo apt-get install -y redis-server) or set TETHER_REDIS_URL." >&2
    exit 1
  fi
  mkdir -p target/redis
  echo "Starting a private redis-server on $redis_host:$redis_port (data in target/redis)"
  redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$PWD/target/redis" --save "" --appendonly no \
    --logfile "$PWD/target/redis/redis.log" &
  redis_pid=$!
  for _ in $(seq 1 50); do
    (exec 3<>"/dev/tcp/127.0.0.1/$redis_port") 2>/dev/null && break
    sleep 0.1
  done
fi

# Payara's /metrics (Redis address, pool, traffic) answers whoever reaches the port, so by default it is served
# only while Tether listens on loopback: TETHER_METRICS=on|off overrides that.
metrics="${TETHER_METRICS:-auto}"
[ "$metrics" = auto ] && { [ -n "$loopback" ] && metrics=on || metrics=off; }
mkdir -p target/payara
preboot=target/payara/pre-boot-commands-$port.asadmin # one per instance: several may start at once
sed "s/address=127.0.0.1/address=$bind/" server-config/payara-micro/pre-boot-commands.asadmin > "$preboot"
echo "set configs.config.server-config.microprofile-metrics-configuration.enabled=$([ "$metrics" = on ] && echo true || echo false)" >> "$preboot"
# HTTP workers: /redis waits for Redis on its worker, so workers bound the requests in flight, not the connections;
# Payara's default of 200 is sized for another machine (TETHER_HTTP_THREADS; default 32 per core)
echo "set configs.config.server-config.thread-pools.thread-pool.http-thread-pool.max-thread-pool-size=${TETHER_HTTP_THREADS:-$(( $(nproc) * 32 ))}" >> "$preboot"
logging=server-config/payara-micro/logging.properties
if [ -t 1 ]; then # colours for a terminal only
  logging=target/payara/logging.properties
  sed "s/ansiColor=false/ansiColor=true/" server-config/payara-micro/logging.properties > "$logging"
fi

auth=""
[ -n "${TETHER_TOKEN:-}" ] && auth="-H \"Authorization: Bearer \$TETHER_TOKEN\" "
cat <<MSG
Tether on http://localhost:$port (listening on $bind)
  Upstash-compatible API: POST http://localhost:$port/redis   (e.g. curl ${auth}-d '["PING"]' localhost:$port/redis)
  Health:                 http://localhost:$port/health/ready
  Metrics:                $([ "$metrics" = on ] && echo "http://localhost:$port/metrics?scope=application" || echo "off (TETHER_METRICS=on serves them)")
  Chat page:              http://localhost:$port/
Ctrl-C stops it.
MSG

# --disablephonehome: Payara Micro otherwise sends usage data to www.payara.fish at every start (PhoneHomeTask)
common_args=(--nocluster --disablephonehome --contextroot / --prebootcommandfile "$preboot" --logproperties "$logging"
  --deploy "$war")
payara_args=(--port "$port" "${common_args[@]}")

# Payara Micro unpacks its 100 MB runtime on every start unless given a root directory, and loads some 30,000
# classes. So the runtime is unpacked once into a root directory (one per instance running at the same time: a free
# one is locked for this script's life) together with a class-data-sharing archive of the classes a start loads,
# made by one warm-up start; later starts map those classes instead of loading them (about a third faster).
root=""
for n in 0 1 2 3 4 5 6 7; do
  exec {root_lock}>"target/payara/root-$n.lock"
  if flock -n "$root_lock"; then root="target/payara/root-$n"; break; fi
  exec {root_lock}>&-
done
java_opts=()
if [ -n "$root" ]; then
  source_stamp="$(stat -c '%s %Y' target/payara-micro.jar)"
  if [ ! -f "$root/launch-micro.jar" ] || [ "$(cat "$root/.source" 2>/dev/null)" != "$source_stamp" ]; then
    echo "Preparing Payara Micro's runtime in $root (first start only, about half a minute; log in $root.log)"
    rm -rf "$root"
    if java -jar target/payara-micro.jar --rootdir "$root" --outputlauncher >"$root.log" 2>&1; then
      cp -a "$root/config" "$root/config.pristine"
      # the warm-up deploys Tether once, then exits and writes the archive. It listens on another port: on this
      # one a health check would take it for the server, which then stops (a test's wait for /health/live did)
      java ${TETHER_JAVA_OPTS:-} -XX:ArchiveClassesAtExit="$root/classes.jsa" -jar "$root/launch-micro.jar" \
        --port $((20000 + RANDOM % 20000)) --autobindhttp --autobindrange 200 "${common_args[@]}" --warmup \
        >>"$root.log" 2>&1 &
      payara_pid=$!
      wait_payara || rm -f "$root/classes.jsa"
      [ -n "$stopping" ] && { rm -rf "$root"; exit 0; } # stopped during the warm-up: prepare again next time
      echo "$source_stamp" > "$root/.source"
    fi
  fi
fi
if [ -n "$root" ] && [ -f "$root/.source" ]; then
  # a root directory redeploys what it deployed before: every start begins from its pristine configuration
  rm -rf "$root/config" "$root/applications" "$root/generated" "$root/autodeploy" "$root/logs"
  cp -a "$root/config.pristine" "$root/config"
  [ -f "$root/classes.jsa" ] && java_opts=(-XX:SharedArchiveFile="$root/classes.jsa" -Xlog:cds=off -Xlog:cds+dynamic=off)
  payara_jar="$root/launch-micro.jar"
else
  payara_jar=target/payara-micro.jar # eight instances already run from here: unpack to a temporary directory
fi

# In the background so that this script can pass INT and TERM on (a foreground child would only be signalled by a
# terminal's Ctrl-C); the EXIT trap then waits for Payara Micro and stops the private Redis.
java ${TETHER_JAVA_OPTS:-} "${java_opts[@]}" -jar "$payara_jar" "${payara_args[@]}" &
payara_pid=$!
status=0
wait_payara || status=$?
[ -n "$stopping" ] && exit 0 # stopped as asked
exit "$status"
