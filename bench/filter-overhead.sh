#!/usr/bin/env bash
# Prints SessionAuthFilter's overhead next to Spring Session's: one trivial resource (a static file)
# served by one real Tomcat 10.1, unprotected and behind each way of checking a session, all in one run:
#
#   unprotected      no filter
#   store            SessionAuthFilter mode=store (reads Redis itself)
#   store-touch      the same with touch=true (slides the session's expiry on every request)
#   remote           SessionAuthFilter mode=remote (asks the Session Service deployed in the same Tomcat)
#   remote-cache     the same with cacheMillis=$CACHE_MILLIS; only when the built filter knows that init-param
#   spring           Spring Session Data Redis, default RedisSessionRepository (bench/spring-session)
#   spring-indexed   the same WAR with @EnableRedisIndexedHttpSession (RedisIndexedSessionRepository)
#
# For each: requests/s with wrk -t$THREADS -c$CONNECTIONS (rounds interleaved), % of unprotected, median
# latency at one connection, and Redis commands per request (MONITOR while curl sends $MONITOR_REQUESTS
# requests over one keep-alive connection; "sent" are the commands from this Tomcat's connections, "in Lua"
# the commands Redis ran inside the scripts those sent). MONITOR_LOGS=dir keeps the MONITOR output.
#
#   bash bench/filter-overhead.sh            # 20 s warm-up, then 3 rounds of 10 s per variant
#   DURATION=20 ROUNDS=5 bash bench/filter-overhead.sh
#   VARIANTS="unprotected remote" bash bench/filter-overhead.sh   # only these (unprotected is always measured)
#
# Needs Redis at 127.0.0.1:6379 (as .ci/run starts it), wrk (installed with apt-get if missing), curl, ss.
# Never changes Redis's configuration; every key it writes is under its own prefix and deleted at the end.
# Figures depend on the machine: compare the variants of one run with each other, not across runs.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10}
ROUNDS=${ROUNDS:-3}
WARMUP=${WARMUP:-20}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-16}
MONITOR_REQUESTS=${MONITOR_REQUESTS:-1000}
CACHE_MILLIS=${CACHE_MILLIS:-1000}
ONLY=" unprotected ${VARIANTS:-} "   # empty VARIANTS: all of them
KEY=bench-key-0123456789abcdef
PORT=${PORT:-18080}

command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
redis-cli -h 127.0.0.1 -p 6379 ping | grep -q PONG || { echo "Redis is not answering on 127.0.0.1:6379" >&2; exit 1; }

echo "building the WAR, the filter jars and the Tomcat distribution (mvn verify, tests skipped)"
mvn -B -q verify -DskipTests -DskipITs >/dev/null   # failsafe ignores -DskipTests alone
echo "building the Spring Session peer webapp (bench/spring-session)"
mvn -B -q -f bench/spring-session/pom.xml package >/dev/null
HOME_DIR=$(ls -d "$PWD"/target/tomcat-distribution/apache-tomcat-*)
BASE=$(mktemp -d /tmp/session-bench-XXXXXX)
PREFIX="bench-$$:"                 # the service's and the filter's keys
SPRING_NS="bench-$$-spring"        # Spring Session's keys: $SPRING_NS:default:…, $SPRING_NS:indexed:…
cleanup() {
  kill "${MONITOR_PID:-}" 2>/dev/null || true
  kill "${TOMCAT_PID:-}" 2>/dev/null || true
  wait "${TOMCAT_PID:-}" 2>/dev/null || true
  for pattern in "${PREFIX}*" "${SPRING_NS}:*"; do
    redis-cli -p 6379 --scan --pattern "$pattern" | xargs -r redis-cli -p 6379 del >/dev/null
  done
  [ -z "${MONITOR_LOGS:-}" ] || { mkdir -p "$MONITOR_LOGS"; cp "$BASE"/monitor-*.log "$MONITOR_LOGS"/ 2>/dev/null || true; }
  rm -rf "$BASE"
}
trap cleanup EXIT

cp -r "$HOME_DIR/conf" "$BASE/conf"
mkdir -p "$BASE"/{logs,temp,work,webapps} "$BASE/conf/Catalina/localhost"
sed -i -e 's/<Server port="8005"/<Server port="-1"/' \
       -e "s/<Connector port=\"8080\"/<Connector address=\"127.0.0.1\" port=\"$PORT\"/" "$BASE/conf/server.xml"
cat > "$BASE/config.json" <<JSON
{"sessionExpirySec":3600,"credentials":{"key":"$KEY"},
 "repository":{"type":"redis","timeoutMs":2000,"redis":{"url":"redis://127.0.0.1:6379","keyPrefix":"$PREFIX"}}}
JSON
cp target/session-service.war "$BASE/webapps/sessions.war"

# One webapp per filter variant, each serving the same static file.
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
# Unknown init-params are ignored by the filter, so look for the name in its classes before claiming a variant.
# (grep -c reads to the end: with pipefail, grep -q would fail the pipe by closing it under unzip.)
filter_knows() {
  local hits
  hits=$(for j in target/filter-lib/common/*.jar; do unzip -p "$j" 'io/sessionservice/filter/*' 2>/dev/null || true; done | grep -ac "$1" || true)
  [ "${hits:-0}" -gt 0 ]
}
VARIANTS=(unprotected store store-touch remote)
webapp unprotected ""
webapp store "$(param mode store)$(param config "$BASE/config.json")"
webapp store-touch "$(param mode store)$(param config "$BASE/config.json")$(param touch true)"
webapp remote "$(param mode remote)$(param serviceUrl "http://127.0.0.1:$PORT/sessions")"
if filter_knows cacheMillis; then
  webapp remote-cache "$(param mode remote)$(param serviceUrl "http://127.0.0.1:$PORT/sessions")$(param cacheMillis "$CACHE_MILLIS")"
  VARIANTS+=(remote-cache)
else
  echo "(no remote-cache variant: this build's SessionAuthFilter has no cacheMillis init-param)"
fi
# The Spring Session WAR, deployed twice; each context descriptor overrides the WAR's context parameters.
cp bench/spring-session/target/spring-session-bench.war "$BASE/spring-session-bench.war"
spring_webapp() { # name, config class, namespace
  cat > "$BASE/conf/Catalina/localhost/$1.xml" <<XML
<Context docBase="$BASE/spring-session-bench.war">
  <Parameter name="contextConfigLocation" value="io.sessionservice.bench.spring.$2" override="false"/>
  <Parameter name="redisNamespace" value="$3" override="false"/>
</Context>
XML
}
spring_webapp spring DefaultRepositoryConfig "$SPRING_NS:default"
spring_webapp spring-indexed IndexedRepositoryConfig "$SPRING_NS:indexed"
VARIANTS+=(spring spring-indexed)
if [ "$ONLY" != " unprotected  " ]; then
  kept=(); for v in "${VARIANTS[@]}"; do [[ "$ONLY" == *" $v "* ]] && kept+=("$v"); done; VARIANTS=("${kept[@]}")
fi

echo "starting Tomcat on 127.0.0.1:$PORT"
CATALINA_HOME="$HOME_DIR" CATALINA_BASE="$BASE" SESSION_CONFIG="$BASE/config.json" \
  bash "$HOME_DIR/bin/catalina.sh" run > "$BASE/logs/console.log" 2>&1 &
TOMCAT_PID=$!
for _ in $(seq 1 240); do
  curl -sf "http://127.0.0.1:$PORT/sessions/health" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -sf "http://127.0.0.1:$PORT/sessions/health" >/dev/null || { cat "$BASE/logs/console.log"; exit 1; }

# Every variant gets the header its check reads and a live session's token in it.
declare -A header
TOKEN=$(curl -sf -X POST "http://127.0.0.1:$PORT/sessions/" -H "x-key: $KEY" -H 'content-type: application/json' \
        -d '{"AccountId":"bench-user"}' | sed -E 's/.*"xSessionToken":"([^"]+)".*/\1/')
for v in unprotected store store-touch remote remote-cache; do
  header[$v]="x-session-token: $TOKEN"
done
for v in spring spring-indexed; do
  # POST /login creates a session; Spring sends its id back in X-Auth-Token (HeaderHttpSessionIdResolver).
  id=$(curl -sf -X POST -D - -o /dev/null "http://127.0.0.1:$PORT/$v/login" | tr -d '\r' | awk -F': ' 'tolower($1) == "x-auth-token" {print $2}')
  [ -n "$id" ] || { echo "$v did not create a session"; tail -50 "$BASE/logs/console.log"; exit 1; }
  header[$v]="X-Auth-Token: $id"
done
for v in "${VARIANTS[@]}"; do
  status=$(curl -s -o /dev/null -w '%{http_code}' -H "${header[$v]}" "http://127.0.0.1:$PORT/$v/hello.txt")
  [ "$status" = 200 ] || { echo "$v answered $status"; exit 1; }
  [ "$v" = unprotected ] && continue
  for bad in "" "x-session-token: not-a-session" "X-Auth-Token: not-a-session"; do
    status=$(curl -s -o /dev/null -w '%{http_code}' ${bad:+-H "$bad"} "http://127.0.0.1:$PORT/$v/hello.txt")
    [ "$status" = 401 ] || { echo "$v admitted a request with '${bad:-no header}' ($status)"; exit 1; }
  done
done

rps() { # variant seconds
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${2}s" -H "${header[$1]}" "http://127.0.0.1:$PORT/$1/hello.txt" \
    | awk '/Requests\/sec/ {print $2} /Non-2xx/ {print "non2xx " $4 > "/dev/stderr"}'
}

echo "warming up (${WARMUP} s per variant)"
for v in "${VARIANTS[@]}"; do rps "$v" "$WARMUP" >/dev/null; done

declare -A total
for v in "${VARIANTS[@]}"; do total[$v]=0; done
line=$(printf '%-6s' round); for v in "${VARIANTS[@]}"; do line+=$(printf ' %14s' "$v"); done
printf '\n%s\n' "$line"
for r in $(seq 1 "$ROUNDS"); do
  line=$(printf '%-6s' "$r")
  for v in "${VARIANTS[@]}"; do    # interleaved, so drift hits every variant alike
    x=$(rps "$v" "$DURATION")
    total[$v]=$(awk -v a="${total[$v]}" -v b="$x" 'BEGIN {print a + b}')
    line+=$(printf ' %14.0f' "$x")
  done
  echo "$line"
done
# Latency of one request at a time: what the check adds to each request, without CPU contention.
declare -A latency
for v in "${VARIANTS[@]}"; do
  latency[$v]=$(wrk -t1 -c1 -d"${DURATION}s" --latency -H "${header[$v]}" "http://127.0.0.1:$PORT/$v/hello.txt" \
    | awk '/^ +50%/ {print $2}')
done

# Redis commands per request. The shared Redis also serves other clients, so a MONITOR line counts when it
# comes from one of this Tomcat's connections (local ports of the JVM listening on $PORT), or when Redis
# ran it inside a script ("[0 lua]") that such a connection called. One variant at a time, nothing else sent.
JAVA_PID=$(ss -tlnpH "sport = :$PORT" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)
tomcat_redis_ports() { ss -tnpH state established '( dport = :6379 )' | awk -v p="pid=$JAVA_PID," 'index($0, p) {n = split($3, a, ":"); print a[n]}'; }
CURL_CONFIG="$BASE/monitor-requests.curl"
declare -A sent inlua
for v in "${VARIANTS[@]}"; do
  : > "$CURL_CONFIG"
  for _ in $(seq 1 "$MONITOR_REQUESTS"); do
    printf 'url = "http://127.0.0.1:%s/%s/hello.txt"\noutput = "/dev/null"\n' "$PORT" "$v" >> "$CURL_CONFIG"
  done
  ports_before=$(tomcat_redis_ports)
  redis-cli -p 6379 monitor > "$BASE/monitor-$v.log" &
  MONITOR_PID=$!
  for _ in $(seq 1 100); do grep -q '^OK' "$BASE/monitor-$v.log" 2>/dev/null && break; sleep 0.05; done
  ok=$(curl -s -K "$CURL_CONFIG" -H "${header[$v]}" -w '%{http_code}\n' | grep -c '^200$' || true)
  sleep 0.5                        # let the last commands reach the log
  kill "$MONITOR_PID"; wait "$MONITOR_PID" 2>/dev/null || true; MONITOR_PID=
  [ "$ok" = "$MONITOR_REQUESTS" ] || { echo "$v admitted $ok of $MONITOR_REQUESTS requests while monitored"; exit 1; }
  ports=$(printf '%s\n%s\n' "$ports_before" "$(tomcat_redis_ports)" | sort -u | grep . | paste -sd' ' || true)
  read -r s l < <(awk -v ports="$ports" '
      BEGIN { n = split(ports, p, " "); for (i = 1; i <= n; i++) mine["127.0.0.1:" p[i] "]"] = 1 }
      $3 != "lua]" { ours = ($3 in mine); if (ours) s++ }
      $3 == "lua]" && ours { l++ }     # a script'"'"'s commands follow the EVAL/EVALSHA that ran them
      END { print s + 0, l + 0 }' "$BASE/monitor-$v.log")
  sent[$v]=$(awk -v c="$s" -v n="$MONITOR_REQUESTS" 'BEGIN {printf "%.2f", c / n}')
  inlua[$v]=$(awk -v c="$l" -v n="$MONITOR_REQUESTS" 'BEGIN {printf "%.2f", c / n}')
done

base=$(awk -v t="${total[unprotected]}" -v n="$ROUNDS" 'BEGIN {print t / n}')
declare -A mean
printf '\n%-15s %12s %9s %14s %20s\n' variant "req/s (c$CONNECTIONS)" 'vs none' 'median (c1)' 'Redis cmds/req'
for v in "${VARIANTS[@]}"; do
  mean[$v]=$(awk -v t="${total[$v]}" -v n="$ROUNDS" 'BEGIN {print t / n}')
  awk -v v="$v" -v m="${mean[$v]}" -v b="$base" -v l="${latency[$v]}" -v s="${sent[$v]}" -v q="${inlua[$v]}" 'BEGIN {
    printf "%-15s %12.0f %8.1f%% %14s %20s%s\n", v, m, 100 * m / b, l, s, (q > 0 ? " (+" q " in Lua)" : "") }'
done
echo
[ -z "${mean[store-touch]:-}" ] || [ -z "${mean[spring]:-}" ] || [ -z "${mean[spring-indexed]:-}" ] || awk -v t="${mean[store-touch]}" -v s="${mean[spring]}" -v i="${mean[spring-indexed]}" 'BEGIN {
  printf "filter store+touch vs Spring Session: %.2fx (default repository), %.2fx (indexed)\n", t / s, t / i }'
echo
echo "($ROUNDS interleaved rounds of ${DURATION} s with wrk -t$THREADS -c$CONNECTIONS, then ${DURATION} s at one connection per variant,"
echo " then $MONITOR_REQUESTS requests per variant over one keep-alive connection under MONITOR; one static file;"
echo " store modes read Redis at 127.0.0.1:6379; remote modes ask the service in the same Tomcat; Spring Session"
echo " variants: SessionRepositoryFilter + HeaderHttpSessionIdResolver (X-Auth-Token) + a 401-without-session filter)"
