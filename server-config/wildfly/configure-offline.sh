#!/usr/bin/env bash
# Applies tether.cli to a stopped WildFly's configuration files through the embedded server (no ports opened).
#   configure-offline.sh JBOSS_HOME [CONFIG]
# CONFIG (default standalone-tether.xml) is created as a fresh copy of standalone-microprofile.xml, then configured;
# start WildFly with -c CONFIG. The build uses it for the smoke suite.
set -euo pipefail
home=${1:?usage: configure-offline.sh JBOSS_HOME [CONFIG]}
config=${2:-standalone-tether.xml}
here=$(cd "$(dirname "$0")" && pwd)
dir="$home/standalone/configuration"
cp "$dir/standalone-microprofile.xml" "$dir/$config"
script=$(mktemp)
trap 'rm -f "$script"' EXIT
{
  echo "embed-server --server-config=$config --std-out=discard"
  cat "$here/tether.cli"
  echo "stop-embedded-server"
} > "$script"
JAVA_OPTS="${JAVA_OPTS:-} -Djboss.bind.address=127.0.0.1 -Djboss.bind.address.management=127.0.0.1" \
  "$home/bin/jboss-cli.sh" --file="$script"
echo "configured $dir/$config"
