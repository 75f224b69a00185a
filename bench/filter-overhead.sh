#!/usr/bin/env bash
# Prints SessionAuthFilter's overhead: requests per second of one trivial resource (a static file)
# served by a real Tomcat 10.1 unprotected, protected in mode=store (Redis) and protected in
# mode=remote (asking the Session Service deployed in the same Tomcat), all in one run, with wrk.
#
#   bash bench/filter-overhead.sh            # 20 s warm-up, then 3 rounds of 10 s per variant
#   DURATION=20 ROUNDS=5 bash bench/filter-overhead.sh
#
# Needs Redis at 127.0.0.1:6379 (as .ci/run starts it) and wrk (installed with apt-get if missing).
# Figures depend on the machine: compare the variants of one run with each other, not across runs.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10}
ROUNDS=${ROUNDS:-3}
WARMUP=${WARMUP:-20}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-16}
KEY=bench-key-0123456789abcdef
PORT=${PORT:-18080}

command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
redis-cli -h 127.0.0.1 -p 6379 ping | grep -q PONG || { echo "Redis is not answering on 127.0.0.1:6379" >&2; exit 1; }

echo "building the WAR, the filter jars and the Tomcat distribution (mvn verify, tests skipped)"
mvn -B -q verify -DskipTests -DskipITs >/dev/null   # failsafe ignores -DskipTests alone
HOME_DIR=$(ls -d "$PWD"/target/tomcat-distribution/apache-tomcat-*)
BASE=$(mktemp -d /tmp/session-bench-XXXXXX)
trap 'kill "${TOMCAT_PID:-}" 2>/dev/null || true; wait "${TOMCAT_PID:-}" 2>/dev/null || true; rm -rf "$BASE"' EXIT

cp -r "$HOME_DIR/conf" "$BASE/conf"
mkdir -p "$BASE"/{logs,temp,work,webapps}
sed -i -e 's/<Server port="8005"/<Server port="-1"/' \
       -e "s/<Connector port=\"8080\"/<Connector address=\"127.0.0.1\" port=\"$PORT\"/" "$BASE/conf/server.xml"
PREFIX="bench-$$:"
cat > "$BASE/config.json" <<JSON
{"sessionExpirySec":3600,"credentials":{"key":"$KEY"},
 "repository":{"type":"redis","timeoutMs":2000,"redis":{"url":"redis://127.0.0.1:6379","keyPrefix":"$PREFIX"}}}
JSON
cp target/session-service.war "$BASE/webapps/sessions.war"

# One webapp per variant, each serving the same static file.
webapp() { # name, filter init-params as XML (empty: no filter)
  local dir="$BASE/webapps/$1"
  mkdir -p "$dir/WEB-INF/lib"
  printf 'hello\n' > "$dir/hello.txt"
  if [ -n "$2" ]; then
    cp target/filter-lib/common/*.jar target/filter-lib/redis/*.jar "$dir/WEB-INF/lib/"
    cat > "$dir/WEB-INF/web.xml" <<XML
<web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0" metadata-complete="true">
  <filter><filter-name>auth</filter-name><filter-class>io.sessionservice.filter.SessionAuthFilter</filter-class>$2</filter>
  <filter-mapping><filter-name>auth</filter-name><url-pattern>/*</url-pattern></filter-mapping>
</web-app>
XML
  else
    echo '<web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0" metadata-complete="true"/>' > "$dir/WEB-INF/web.xml"
  fi
}
param() { printf '<init-param><param-name>%s</param-name><param-value>%s</param-value></init-param>' "$1" "$2"; }
webapp unprotected ""
webapp store "$(param mode store)$(param config "$BASE/config.json")"
webapp remote "$(param mode remote)$(param serviceUrl "http://127.0.0.1:$PORT/sessions")"

echo "starting Tomcat on 127.0.0.1:$PORT"
CATALINA_HOME="$HOME_DIR" CATALINA_BASE="$BASE" SESSION_CONFIG="$BASE/config.json" \
  bash "$HOME_DIR/bin/catalina.sh" run > "$BASE/logs/console.log" 2>&1 &
TOMCAT_PID=$!
for _ in $(seq 1 240); do
  curl -sf "http://127.0.0.1:$PORT/sessions/health" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -sf "http://127.0.0.1:$PORT/sessions/health" >/dev/null || { cat "$BASE/logs/console.log"; exit 1; }

TOKEN=$(curl -sf -X POST "http://127.0.0.1:$PORT/sessions/" -H "x-key: $KEY" -H 'content-type: application/json' \
        -d '{"AccountId":"bench-user"}' | sed -E 's/.*"xSessionToken":"([^"]+)".*/\1/')
for v in unprotected store remote; do
  status=$(curl -s -o /dev/null -w '%{http_code}' -H "x-session-token: $TOKEN" "http://127.0.0.1:$PORT/$v/hello.txt")
  [ "$status" = 200 ] || { echo "$v answered $status"; exit 1; }
done
status=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/store/hello.txt")
[ "$status" = 401 ] || { echo "store mode admitted a request without a token ($status)"; exit 1; }

rps() { # variant seconds
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${2}s" -H "x-session-token: $TOKEN" "http://127.0.0.1:$PORT/$1/hello.txt" \
    | awk '/Requests\/sec/ {print $2} /Non-2xx/ {print "non2xx " $4 > "/dev/stderr"}'
}

echo "warming up (${WARMUP} s per variant)"
for v in unprotected store remote; do rps "$v" "$WARMUP" >/dev/null; done

declare -A total
for v in unprotected store remote; do total[$v]=0; done
printf '\n%-6s %14s %14s %14s\n' round unprotected store remote
for r in $(seq 1 "$ROUNDS"); do
  line=$(printf '%-6s' "$r")
  for v in unprotected store remote; do    # interleaved, so drift hits every variant alike
    x=$(rps "$v" "$DURATION")
    total[$v]=$(awk -v a="${total[$v]}" -v b="$x" 'BEGIN {print a + b}')
    line+=$(printf ' %14.0f' "$x")
  done
  echo "$line"
done
# Latency of one request at a time: what the filter adds to each request, without CPU contention.
declare -A latency
for v in unprotected store remote; do
  latency[$v]=$(wrk -t1 -c1 -d"${DURATION}s" --latency -H "x-session-token: $TOKEN" "http://127.0.0.1:$PORT/$v/hello.txt" \
    | awk '/^ +50%/ {print $2}')
done
base=$(awk -v t="${total[unprotected]}" -v n="$ROUNDS" 'BEGIN {print t / n}')
printf '\n%-12s %12s %10s %16s\n' variant "req/s (c$CONNECTIONS)" 'vs none' 'median latency (c1)'
for v in unprotected store remote; do
  mean=$(awk -v t="${total[$v]}" -v n="$ROUNDS" 'BEGIN {print t / n}')
  awk -v v="$v" -v m="$mean" -v b="$base" -v l="${latency[$v]}" 'BEGIN {
    printf "%-12s %12.0f %9.1f%% %16s\n", v, m, 100 * m / b, l }'
done
echo
echo "($ROUNDS interleaved rounds of ${DURATION} s with wrk -t$THREADS -c$CONNECTIONS, then ${DURATION} s at one connection per variant;"
echo " one static file; store mode reads Redis at 127.0.0.1:6379; remote mode asks the service in the same Tomcat)"
redis-cli -p 6379 --scan --pattern "${PREFIX}*" | xargs -r redis-cli -p 6379 del >/dev/null
