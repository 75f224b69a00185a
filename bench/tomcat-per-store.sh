# Sourced by bench/api.sh, bench/latest-session.sh and bench/jdbc-scale.sh: builds the WAR (unless
# SKIP_BUILD), starts the MongoDB/Couchbase stand-ins the STORES need, and one real Tomcat 10.1 on
# 127.0.0.1:$PORT with one copy of the WAR per store at /<store>/ (postgresql and h2 are the jdbc store: on the shared PostgreSQL at
# 127.0.0.1:5432 in a table of the run's own, dropped at the end; on an H2 file in the run's directory;
# mariadb is the jdbc store on the shared MariaDB at 127.0.0.1:3306, user root, database test, in a table
# of the run's own, dropped at the end), then waits until each answers /health. Expects STORES, PORT, KEY
# and BENCH_NAME (names the temp directory and the Redis key prefix); SERVICE_SETTINGS adds config fields
# (e.g. '"maxSessionsPerUser":20000,'), JDBC_SETTINGS fields of the jdbc section (e.g.
# '"sweepIntervalSec":86400,'), read when repository() prints it. Leaves BASE, PREFIX, TABLE, TOMCAT_PID
# and SERVER[...] set, and wrk_figures (wrk's output to figures); its EXIT trap (cleanup) stops
# everything and deletes the run's Redis keys and tables.
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
case " $STORES " in *" redis "*)
  redis-cli -h 127.0.0.1 -p 6379 ping | grep -q PONG || { echo "Redis is not answering on 127.0.0.1:6379" >&2; exit 1; };;
esac
case " $STORES " in *" postgresql "*)
  psql -h 127.0.0.1 -p 5432 -U postgres -d test -w -tAc 'select 1' >/dev/null ||
    { echo "PostgreSQL is not answering on 127.0.0.1:5432 (user postgres, database test)" >&2; exit 1; };;
esac
case " $STORES " in *" mariadb "*)
  mysql -h 127.0.0.1 -P 3306 -u root test -Ne 'select 1' >/dev/null ||
    { echo "MariaDB is not answering on 127.0.0.1:3306 (user root, database test)" >&2; exit 1; };;
esac

if [ -z "${SKIP_BUILD:-}" ]; then
  echo "building the WAR and the Tomcat distribution (mvn verify, tests skipped)"
  mvn -B -q verify -DskipTests -DskipITs >/dev/null   # failsafe ignores -DskipTests alone
fi
HOME_DIR=$(ls -d "$PWD"/target/tomcat-distribution/apache-tomcat-*)
BASE=$(mktemp -d /tmp/session-bench-$BENCH_NAME-XXXXXX)
PREFIX="bench-$BENCH_NAME-$$:"
TABLE="bench_${BENCH_NAME//-/_}_$$"   # the jdbc store's table on the shared PostgreSQL / MariaDB, dropped at the end
cleanup() {
  kill "${TOMCAT_PID:-}" 2>/dev/null || true; wait "${TOMCAT_PID:-}" 2>/dev/null || true
  [ -n "${SERVERS_PID:-}" ] && { exec 3>&-; wait "$SERVERS_PID" 2>/dev/null || true; }
  case " $STORES " in *" redis "*)
    redis-cli -p 6379 --scan --pattern "${PREFIX}*" | xargs -r -n 500 redis-cli -p 6379 del >/dev/null;;
  esac
  case " $STORES " in *" postgresql "*)
    psql -h 127.0.0.1 -p 5432 -U postgres -d test -w -qc "DROP TABLE IF EXISTS $TABLE" >/dev/null 2>&1 || true;;
  esac
  case " $STORES " in *" mariadb "*)
    mysql -h 127.0.0.1 -P 3306 -u root test -e "DROP TABLE IF EXISTS $TABLE" >/dev/null 2>&1 || true;;
  esac
  rm -rf "$BASE"
}
trap cleanup EXIT

# mongo-java-server and CouchbaseMock in a JVM of their own, alive while fd 3 is open.
declare -A SERVER
wanted=$(for s in mongodb couchbase; do case " $STORES " in *" $s "*) echo -n "$s ";; esac; done)
if [ -n "$wanted" ]; then
  mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$BASE/cp.txt" >/dev/null
  mkfifo "$BASE/servers.in"
  # shellcheck disable=SC2086
  java -cp "target/test-classes:$(cat "$BASE/cp.txt")" bench/StoreServers.java $wanted \
    < "$BASE/servers.in" > "$BASE/servers.out" 2> "$BASE/servers.log" &
  SERVERS_PID=$!
  exec 3> "$BASE/servers.in"
  for _ in $(seq 1 120); do
    [ "$(wc -l < "$BASE/servers.out")" -ge "$(wc -w <<< "$wanted")" ] && break
    kill -0 "$SERVERS_PID" 2>/dev/null || { cat "$BASE/servers.log" >&2; exit 1; }
    sleep 0.5
  done
  while read -r name address; do SERVER[$name]=$address; done < "$BASE/servers.out"
fi

# wrk --latency output on stdin -> "req/s p50-ms p99-ms non-2xx"
wrk_figures() {
  awk 'function ms(l) { if (l ~ /us$/) { sub(/us/, "", l); return l / 1000 }
                        if (l ~ /ms$/) { sub(/ms/, "", l); return l }
                        if (l ~ /s$/) { sub(/s/, "", l); return l * 1000 }
                        if (l ~ /m$/) { sub(/m/, "", l); return l * 60000 } return l }
       /Requests\/sec/ {rps = $2} /^ +50%/ {p50 = ms($2)} /^ +99%/ {p99 = ms($2)} /Non-2xx/ {bad = $5}
       END {printf "%s %.3f %.3f %d\n", rps, p50, p99, bad}'
}

repository() { # store -> the config's repository section
  case "$1" in
    memory) echo '{"type":"memory"}';;
    redis) echo "{\"type\":\"redis\",\"timeoutMs\":2000,\"redis\":{\"url\":\"redis://127.0.0.1:6379\",\"keyPrefix\":\"$PREFIX\"}}";;
    mongodb) echo "{\"type\":\"mongodb\",\"timeoutMs\":2000,\"mongodb\":{\"uri\":\"${SERVER[mongodb]}\",\"database\":\"bench\"}}";;
    couchbase) echo "{\"type\":\"couchbase\",\"timeoutMs\":2000,\"couchbase\":{\"connectionString\":\"${SERVER[couchbase]}\",\"username\":\"sessions\",\"password\":\"mock-bucket-password\",\"bucket\":\"sessions\"}}";;
    postgresql) echo "{\"type\":\"jdbc\",\"timeoutMs\":2000,\"jdbc\":{${JDBC_SETTINGS:-}\"url\":\"jdbc:postgresql://127.0.0.1:5432/test\",\"username\":\"postgres\",\"table\":\"$TABLE\"}}";;
    mariadb) echo "{\"type\":\"jdbc\",\"timeoutMs\":2000,\"jdbc\":{${JDBC_SETTINGS:-}\"url\":\"jdbc:mariadb://127.0.0.1:3306/test\",\"username\":\"root\",\"table\":\"$TABLE\"}}";;
    h2) echo "{\"type\":\"jdbc\",\"timeoutMs\":2000,\"jdbc\":{${JDBC_SETTINGS:-}\"url\":\"jdbc:h2:file:$BASE/h2/sessions\",\"table\":\"sessions\"}}";;
    *) echo "unknown store $1" >&2; exit 1;;
  esac
}

cp -r "$HOME_DIR/conf" "$BASE/conf"
mkdir -p "$BASE"/{logs,temp,work,webapps,conf/Catalina/localhost}
sed -i -e 's/<Server port="8005"/<Server port="-1"/' \
       -e "s/<Connector port=\"8080\"/<Connector address=\"127.0.0.1\" port=\"$PORT\"/" "$BASE/conf/server.xml"
webapp() { # context-name store: a copy of the WAR at /<context-name>/ on that store (Tomcat deploys a
           # context file added while it runs within its 10 s background check, and undeploys a removed one)
  cat > "$BASE/$1.json" <<JSON
{"sessionExpirySec":7200,${SERVICE_SETTINGS:-}"credentials":{"key":"$KEY"},"repository":$(repository "$2")}
JSON
  cat > "$BASE/conf/Catalina/localhost/$1.xml" <<XML
<Context docBase="$PWD/target/session-service.war">
  <Parameter name="session.config" value="$BASE/$1.json" override="false"/>
</Context>
XML
}
for store in $STORES; do webapp "$store" "$store"; done

echo "starting Tomcat on 127.0.0.1:$PORT with: $STORES"
CATALINA_HOME="$HOME_DIR" CATALINA_BASE="$BASE" bash "$HOME_DIR/bin/catalina.sh" run > "$BASE/logs/console.log" 2>&1 &
TOMCAT_PID=$!   # catalina.sh run execs java: this is the JVM jcmd profiles
for store in $STORES; do
  for _ in $(seq 1 240); do
    curl -sf "http://127.0.0.1:$PORT/$store/health" >/dev/null 2>&1 && break
    sleep 0.5
  done
  curl -sf "http://127.0.0.1:$PORT/$store/health" >/dev/null || { cat "$BASE/logs/console.log"; exit 1; }
done
