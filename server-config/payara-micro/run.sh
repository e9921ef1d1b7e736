#!/usr/bin/env bash
# Builds Tether and serves it on http://localhost:8080 with Payara Micro until Ctrl-C.
# If nothing answers at the configured Redis address, a private redis-server is started (data under target/)
# and stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/../.."

port="${TETHER_PORT:-8080}"
bind="${TETHER_BIND:-127.0.0.1}"
redis_url="${TETHER_REDIS_URL:-redis://127.0.0.1:6379}"

mvn -B -q package -DskipTests

hostport="${redis_url#*://}"; hostport="${hostport#*@}"; hostport="${hostport%%/*}"
redis_host="${hostport%%:*}"; redis_port="${hostport##*:}"
[ "$redis_port" = "$hostport" ] && redis_port=6379

redis_pid=""
cleanup() {
  if [ -n "$redis_pid" ]; then
    kill "$redis_pid" 2>/dev/null || true
    wait "$redis_pid" 2>/dev/null || true
  fi
}
trap cleanup EXIT INT TERM

if ! (exec 3<>"/dev/tcp/$redis_host/$redis_port") 2>/dev/null; then
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

postboot=server-config/payara-micro/post-boot-commands.asadmin
if [ "$bind" != "127.0.0.1" ]; then
  postboot=target/post-boot-commands.asadmin
  sed "s/address=127.0.0.1/address=$bind/" server-config/payara-micro/post-boot-commands.asadmin > "$postboot"
fi

cat <<MSG
Tether on http://localhost:$port
  Upstash-compatible API: POST http://localhost:$port/redis   (e.g. curl -d '["PING"]' localhost:$port/redis)
  Health:                 http://localhost:$port/health/ready
  Metrics:                http://localhost:$port/metrics?scope=application
  Chat page:              http://localhost:$port/
Ctrl-C stops it.
MSG

java ${TETHER_JAVA_OPTS:-} -jar target/payara-micro.jar --nocluster --port "$port" --contextroot / \
  --prebootcommandfile "$postboot" --deploy target/tether.war &
payara_pid=$!
trap 'kill "$payara_pid" 2>/dev/null; wait "$payara_pid" 2>/dev/null; cleanup' EXIT INT TERM
wait "$payara_pid"
