#!/usr/bin/env bash
# Prints how GET /session?user_id= (the user's latest session) scales with the user's sessions: its
# median latency and throughput for a user with 10 sessions and for one with 10,000, and their ratio,
# per store, all in one run. The goal: within 2x of each other (one indexed read, not a scan).
#
#   bash bench/latest-session.sh                                # memory and Redis
#   STORES="memory redis mongodb couchbase" bash bench/latest-session.sh
#   MANY=20000 DURATION=10 ROUNDS=5 bash bench/latest-session.sh
#
# One real Tomcat 10.1 (target/tomcat-distribution) serves one copy of the WAR per store, each with its
# own config (maxSessionsPerUser raised above MANY). Sessions are created through POST /create (curl
# --parallel). redis: Redis at 127.0.0.1:6379 (keys under a prefix of this run, removed at the end);
# mongodb and couchbase: mongo-java-server and CouchbaseMock, the tests' in-JVM stand-ins
# (bench/StoreServers.java), so their figures show the service's work, not a real server's.
# Needs wrk (installed with apt-get if missing). Compare the figures of one run with each other.
set -euo pipefail
cd "$(dirname "$0")/.."

STORES=${STORES:-memory redis}
FEW=${FEW:-10}
MANY=${MANY:-10000}
DURATION=${DURATION:-5}
ROUNDS=${ROUNDS:-3}
WARMUP=${WARMUP:-5}
CONNECTIONS=${CONNECTIONS:-4}
KEY=bench-key-0123456789abcdef
PORT=${PORT:-18081}

BENCH_NAME=latest
SERVICE_SETTINGS="\"maxSessionsPerUser\":$((MANY * 2)),"
# shellcheck source=bench/tomcat-per-store.sh
source bench/tomcat-per-store.sh

count() { # store user -> how many sessions GET /sessions sees (pages of 1000)
  local n=0 cursor="" page
  while :; do
    page=$(curl -sf "http://127.0.0.1:$PORT/$1/sessions?user_id=$2&limit=1000${cursor:+&cursor=$cursor}" -H "x-key: $KEY")
    n=$((n + $(jq '.message | length' <<< "$page")))
    cursor=$(jq -r '.cursor // empty' <<< "$page")
    [ -n "$cursor" ] || break
  done
  echo "$n"
}

create() { # store user count: POST /create count times, 8 at once; how many did not answer 200
  local config="$BASE/create-$1-$2.curl" i
  for i in $(seq 1 "$3"); do
    [ "$i" = 1 ] || echo next
    printf 'url = "http://127.0.0.1:%s/%s/create"\nheader = "x-key: %s"\nheader = "content-type: application/json"\ndata = "{\\"user_id\\":\\"%s\\",\\"ttl\\":\\"2h\\"}"\noutput = "/dev/null"\nwrite-out = "%%{http_code}\\n"\n' \
      "$PORT" "$1" "$KEY" "$2"
  done > "$config"
  curl -s --no-progress-meter --parallel --parallel-max 8 -K "$config" 2>>"$BASE/curl.err" | grep -vc '^200$' || true
}

populate() { # store user count: until GET /sessions shows count sessions (a loaded store may answer a create 503)
  local have missing
  for _ in 1 2 3 4 5; do
    have=$(count "$1" "$2")
    missing=$(( $3 - have ))
    [ "$missing" -le 0 ] && return 0
    refused=$(create "$1" "$2" "$missing")
    [ "$refused" = 0 ] || echo "  $1: $refused of $missing creates refused (store busy); creating them again" >&2
  done
  echo "$1: could not create $3 sessions for $2" >&2; exit 1
}

measure() { # store user seconds connections -> "req/s median-latency-ms"
  wrk -t1 -c"$4" -d"${3}s" --latency -H "x-key: $KEY" "http://127.0.0.1:$PORT/$1/session?user_id=$2" \
    | awk '/Requests\/sec/ {rps = $2}
           /^ +50%/ {l = $2; if (l ~ /us$/) {sub(/us/, "", l); l /= 1000} else if (l ~ /ms$/) {sub(/ms/, "", l)}
                     else if (l ~ /s$/) {sub(/s/, "", l); l *= 1000}}
           /Non-2xx/ {print "non-2xx answers: " $4 > "/dev/stderr"}
           END {printf "%s %.3f\n", rps, l}'
}

declare -A RESULT
for store in $STORES; do
  few="bench-few-$$"
  many="bench-many-$$"
  echo "$store: creating $FEW sessions of $few and $MANY of $many"
  populate "$store" "$few" "$FEW"
  populate "$store" "$many" "$MANY"
  for u in "$few:$FEW" "$many:$MANY"; do
    seen=$(count "$store" "${u%%:*}")
    [ "$seen" = "${u##*:}" ] || { echo "$store: GET /sessions shows $seen sessions of ${u%%:*}, not ${u##*:}" >&2; exit 1; }
  done
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/$store/session?user_id=$many" -H "x-key: $KEY")" = 200 ]
  measure "$store" "$few" "$WARMUP" "$CONNECTIONS" >/dev/null
  measure "$store" "$many" "$WARMUP" "$CONNECTIONS" >/dev/null
  fr=0; mr=0; fl=0; ml=0
  for _ in $(seq 1 "$ROUNDS"); do     # interleaved, so drift hits both alike
    read -r r l < <(measure "$store" "$few" "$DURATION" 1); fl=$(awk -v a="$fl" -v b="$l" 'BEGIN {print a + b}')
    read -r r l < <(measure "$store" "$many" "$DURATION" 1); ml=$(awk -v a="$ml" -v b="$l" 'BEGIN {print a + b}')
    read -r r l < <(measure "$store" "$few" "$DURATION" "$CONNECTIONS"); fr=$(awk -v a="$fr" -v b="$r" 'BEGIN {print a + b}')
    read -r r l < <(measure "$store" "$many" "$DURATION" "$CONNECTIONS"); mr=$(awk -v a="$mr" -v b="$r" 'BEGIN {print a + b}')
  done
  RESULT[$store]="$fl $ml $fr $mr"
done

printf '\n%-10s %16s %16s %8s %14s %14s %8s\n' store "median $FEW (ms)" "median $MANY (ms)" ratio "req/s $FEW" "req/s $MANY" ratio
for store in $STORES; do
  read -r fl ml fr mr <<< "${RESULT[$store]}"
  awk -v s="$store" -v fl="$fl" -v ml="$ml" -v fr="$fr" -v mr="$mr" -v n="$ROUNDS" 'BEGIN {
    printf "%-10s %16.3f %16.3f %7.2fx %14.0f %14.0f %7.2fx\n", s, fl / n, ml / n, ml / fl, fr / n, mr / n, fr / mr }'
done
echo
echo "(GET /session?user_id= with x-key; median latency at one connection, req/s at $CONNECTIONS connections;"
echo " $ROUNDS interleaved rounds of ${DURATION} s after ${WARMUP} s of warm-up; ratio = $MANY sessions vs $FEW, 1.00x = no cost)"
