#!/usr/bin/env bash
# Prints the service's own cost per operation, per store, in one run: requests/s, p50 and p99 of
# GET /validate, GET /, PATCH /, POST /, POST /create and POST /verify next to GET /health (the same
# webapp, container and pipeline without a store read), with the ratio of each to /health, and the
# ratio of GET /validate on Redis to GET /validate on memory (issue 11's goal: >= 0.8) and of the same on
# PostgreSQL (the jdbc store, issue 12) to memory.
#
#   bash bench/api.sh                                  # memory redis postgresql h2 mongodb couchbase
#   STORES="memory redis" DURATION=20 WARMUP=20 bash bench/api.sh
#   PROFILE="validate get patch" STORES="memory redis" bash bench/api.sh   # + JFR of those operations
#
# One real Tomcat 10.1 (target/tomcat-distribution, as the other scripts) serves one copy of the WAR per
# store at /<store>/, each with its own config. Tomcat rather than `mvn jetty:run`: it is the container
# the service ships for, the JVM holds only the service (no Maven, no plugin class loaders), and its
# pid is the java process, so jcmd can profile it. redis: 127.0.0.1:6379, keys under a prefix of this
# run, removed at the end. postgresql: the jdbc store on the PostgreSQL at 127.0.0.1:5432 (user postgres,
# database test), in a table of this run's own, dropped at the end; h2: the jdbc store on an H2 file in
# the run's temporary directory (in the service's JVM: no network round trip). mongodb and couchbase: mongo-java-server and CouchbaseMock in a JVM of
# their own (bench/StoreServers.java), so their rows show the service's work and a local round trip,
# not a real server's speed. Each operation cycles through TOKENS pre-created sessions (bench/api.lua).
#
# Adding a store: one branch in repository() (bench/tomcat-per-store.sh) printing the config's
# "repository" section, plus a server in bench/StoreServers.java if it needs a stand-in.
#
# Knobs: STORES, OPERATIONS, DURATION (s per measured run), WARMUP (s per operation before measuring,
# plus FIRST_WARMUP once for the JIT), THREADS, CONNECTIONS, TOKENS, PORT, SKIP_BUILD=1,
# PROFILE (operations to record with JFR; recordings and summaries under PROFILE_DIR).
# Needs wrk (installed with apt-get if missing), curl, jq. Compare the figures of one run with each
# other, not across runs or machines.
set -euo pipefail
cd "$(dirname "$0")/.."

STORES=${STORES:-memory redis postgresql h2 mongodb couchbase}
OPERATIONS=${OPERATIONS:-validate get patch post create verify}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-5}
FIRST_WARMUP=${FIRST_WARMUP:-20}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-16}
TOKENS=${TOKENS:-1000}
PROFILE=${PROFILE:-}
PROFILE_DIR=${PROFILE_DIR:-/tmp/session-bench-api-jfr}
KEY=bench-key-0123456789abcdef
PORT=${PORT:-18082}

BENCH_NAME=api
# shellcheck source=bench/tomcat-per-store.sh
source bench/tomcat-per-store.sh

# store kind -> $BASE/<store>-<kind>.tokens, TOKENS lines "user_id token". kind state: POST / sessions
# (for validate, get, patch); kind user: POST /create sessions, one user each (for create, verify).
sessions() {
  local store=$1 kind=$2 dir="$BASE/$1-$2" i
  mkdir -p "$dir"
  for i in $(seq 1 "$TOKENS"); do
    [ "$i" = 1 ] || echo next
    if [ "$kind" = state ]; then
      printf 'url = "http://127.0.0.1:%s/%s/"\ndata = "{\\"theme\\":\\"dark\\",\\"n\\":%s}"\n' "$PORT" "$store" "$i"
    else
      printf 'url = "http://127.0.0.1:%s/%s/create"\ndata = "{\\"user_id\\":\\"bench-%s-%s\\",\\"ttl\\":\\"2h\\"}"\n' \
        "$PORT" "$store" "$$" "$i"
    fi
    printf 'header = "x-key: %s"\nheader = "content-type: application/json"\noutput = "%s/%s.json"\n' "$KEY" "$dir" "$i"
  done > "$dir.curl"
  curl -sf --no-progress-meter --parallel --parallel-max 8 -K "$dir.curl" || { echo "$store: creating sessions failed" >&2; exit 1; }
  if [ "$kind" = state ]; then
    jq -r '"- " + .xSessionToken' "$dir"/*.json > "$BASE/$store-$kind.tokens"
  else
    jq -r '.message.user_id + " " + .message.token' "$dir"/*.json > "$BASE/$store-$kind.tokens"
  fi
  local made; made=$(grep -c ' [^ ]' "$BASE/$store-$kind.tokens" || true)
  [ "$made" = "$TOKENS" ] || { echo "$store: $made of $TOKENS $kind sessions created" >&2; exit 1; }
}

tokens_for() { case "$1" in create|verify) echo user;; *) echo state;; esac; }

# store operation seconds -> "req/s p50-ms p99-ms non-2xx"
measure() {
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${3}s" --latency -s bench/api.lua "http://127.0.0.1:$PORT/$1/" \
      -- "$2" "$BASE/$1-$(tokens_for "$2").tokens" "$KEY" | wrk_figures
}

# JFR of one more run of an operation: the recording, and over Tomcat's request threads the methods most
# often on top of the stack (self time) and anywhere in its first 64 frames (JFR's default stack depth).
profiled() { case " $PROFILE " in *" $1 "*) return 0;; esac; return 1; }
hot_methods() { # recording.jfr -> summary on stdout
  jfr print --events jdk.ExecutionSample "$1" | awk '
    /sampledThread = / {request = ($0 ~ /http-nio/)}
    /stackTrace = \[/ {if (!request) {top = 0; skip = 1; next} skip = 0; top = 1; n++; delete seen; next}
    skip {next}
    /^[ \t]+[a-zA-Z_$][^ ]*\(.*line:/ {
      sub(/^[ \t]+/, ""); sub(/[ \t]+line:.*/, "")
      if (top) { self[$0]++; top = 0 }
      if (!seen[$0]++) total[$0]++
    }
    END {
      printf "samples: %d\n-- self (top frame) --\n", n
      for (m in self) printf "%6.2f%% %s\n", 100 * self[m] / n, m | "sort -rn | head -40"
      close("sort -rn | head -40")
      printf "-- total (anywhere on the stack) --\n"
      for (m in total) printf "%6.2f%% %s\n", 100 * total[m] / n, m | "sort -rn | head -120"
    }'
}

echo "JIT warm-up: ${FIRST_WARMUP} s of GET /validate on the first store"
first=${STORES%% *}
sessions "$first" state
measure "$first" validate "$FIRST_WARMUP" >/dev/null

declare -A RESULT
for store in $STORES; do
  echo "$store: creating $TOKENS state sessions and $TOKENS user sessions, warming up"
  [ -f "$BASE/$store-state.tokens" ] || sessions "$store" state
  sessions "$store" user
  for op in health $OPERATIONS; do measure "$store" "$op" "$WARMUP" >/dev/null; done
  for op in health $OPERATIONS; do
    RESULT[$store:$op]=$(measure "$store" "$op" "$DURATION")
    if profiled "$op"; then   # a run of its own: starting JFR stalls the JVM for a while, the table must not show it
      mkdir -p "$PROFILE_DIR"
      jcmd "$TOMCAT_PID" JFR.start name="$store-$op" settings=profile >/dev/null
      sleep 2
      measure "$store" "$op" "$DURATION" >/dev/null
      jcmd "$TOMCAT_PID" JFR.stop name="$store-$op" filename="$PROFILE_DIR/$store-$op.jfr" >/dev/null
      hot_methods "$PROFILE_DIR/$store-$op.jfr" > "$PROFILE_DIR/$store-$op.txt"
    fi
  done
done

label() { case "$1" in health) echo "GET /health";; validate) echo "GET /validate";; get) echo "GET /";;
  patch) echo "PATCH /";; post) echo "POST /";; create) echo "POST /create";; verify) echo "POST /verify";; esac; }
printf '\n%-10s %-14s %10s %9s %9s %9s %8s\n' store operation "req/s" "p50 ms" "p99 ms" "vs health" "non-2xx"
for store in $STORES; do
  read -r hr _ <<< "${RESULT[$store:health]}"
  for op in health $OPERATIONS; do
    read -r r p50 p99 bad <<< "${RESULT[$store:$op]}"
    awk -v s="$store" -v o="$(label "$op")" -v r="$r" -v h="$hr" -v p50="$p50" -v p99="$p99" -v bad="$bad" \
      'BEGIN {printf "%-10s %-14s %10.0f %9.2f %9.2f %8.2fx %8d\n", s, o, r, p50, p99, r / h, bad}'
  done
done
has() { case " $2 " in *" $1 "*) return 0;; esac; return 1; }   # word list
versus_memory() { # store label goal-text: GET /validate on that store over the same on memory
  has memory "$STORES" && has "$1" "$STORES" && has validate "$OPERATIONS" || return 0
  read -r m _ _ _ <<< "${RESULT[memory:validate]}"
  read -r r _ _ _ <<< "${RESULT[$1:validate]}"
  awk -v m="$m" -v r="$r" -v l="$2" -v g="$3" 'BEGIN {printf "GET /validate, %s vs memory: %.2fx%s\n", l, r / m, g}'
}
echo
versus_memory redis Redis " (goal >= 0.8)"
versus_memory postgresql PostgreSQL ""
versus_memory h2 "H2 file" ""
echo
echo "(wrk -t$THREADS -c$CONNECTIONS, ${DURATION} s per operation after ${WARMUP} s of warm-up; each operation cycles"
echo " through $TOKENS sessions; vs health = req/s over GET /health of the same store; non-2xx should be 0)"
[ -z "$PROFILE" ] || echo "JFR recordings and hot-method summaries: $PROFILE_DIR"
