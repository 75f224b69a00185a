#!/usr/bin/env bash
# Measures revocation through the Redis store's local cache (issue 11): the delay from a DELETE / answered
# by one service instance to a second instance refusing the token (GET /validate 401), over TRIALS trials,
# as p50/p99/max, next to the time of one cached GET /validate on the second instance (the polling step).
#
#   bash bench/revocation-delay.sh              # 500 trials
#   TRIALS=2000 SKIP_BUILD=1 bash bench/revocation-delay.sh
#
# One real Tomcat 10.1 (target/tomcat-distribution) serves the WAR twice (/one and /two: two instances,
# each with its own store and local cache) on Redis at 127.0.0.1:6379, keys under a prefix of this run,
# removed at the end. The client is bench/RevocationDelay.java (java.net.http, launched as a source file).
set -euo pipefail
cd "$(dirname "$0")/.."

TRIALS=${TRIALS:-500}
KEY=bench-key-0123456789abcdef
PORT=${PORT:-18082}

redis-cli -h 127.0.0.1 -p 6379 ping | grep -q PONG || { echo "Redis is not answering on 127.0.0.1:6379" >&2; exit 1; }
if [ -z "${SKIP_BUILD:-}" ]; then
  echo "building the WAR and the Tomcat distribution (mvn verify, tests skipped)"
  mvn -B -q verify -DskipTests -DskipITs >/dev/null
fi
HOME_DIR=$(ls -d "$PWD"/target/tomcat-distribution/apache-tomcat-*)
BASE=$(mktemp -d /tmp/session-bench-revoke-XXXXXX)
PREFIX="bench-revoke-$$:"
cleanup() {
  kill "${TOMCAT_PID:-}" 2>/dev/null || true; wait "${TOMCAT_PID:-}" 2>/dev/null || true
  redis-cli -p 6379 --scan --pattern "${PREFIX}*" | xargs -r -n 500 redis-cli -p 6379 del >/dev/null
  rm -rf "$BASE"
}
trap cleanup EXIT

cp -r "$HOME_DIR/conf" "$BASE/conf"
mkdir -p "$BASE"/{logs,temp,work,webapps,conf/Catalina/localhost}
sed -i -e 's/<Server port="8005"/<Server port="-1"/' \
       -e "s/<Connector port=\"8080\"/<Connector address=\"127.0.0.1\" port=\"$PORT\"/" "$BASE/conf/server.xml"
cat > "$BASE/service.json" <<JSON
{"sessionExpirySec":3600,"credentials":{"key":"$KEY"},
 "repository":{"type":"redis","timeoutMs":2000,"redis":{"url":"redis://127.0.0.1:6379","keyPrefix":"$PREFIX"}}}
JSON
for app in one two; do
  cat > "$BASE/conf/Catalina/localhost/$app.xml" <<XML
<Context docBase="$PWD/target/session-service.war">
  <Parameter name="session.config" value="$BASE/service.json" override="false"/>
</Context>
XML
done

echo "starting Tomcat on 127.0.0.1:$PORT with /one and /two on one Redis"
CATALINA_HOME="$HOME_DIR" CATALINA_BASE="$BASE" bash "$HOME_DIR/bin/catalina.sh" run > "$BASE/logs/console.log" 2>&1 &
TOMCAT_PID=$!
for app in one two; do
  for _ in $(seq 1 240); do
    curl -sf "http://127.0.0.1:$PORT/$app/health" >/dev/null 2>&1 && break
    sleep 0.5
  done
  curl -sf "http://127.0.0.1:$PORT/$app/health" >/dev/null || { cat "$BASE/logs/console.log"; exit 1; }
done

java bench/RevocationDelay.java "http://127.0.0.1:$PORT/one" "http://127.0.0.1:$PORT/two" "$KEY" "$TRIALS"
echo "(the delay includes one GET /validate round trip: the second instance is asked back to back)"
