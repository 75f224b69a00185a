#!/usr/bin/env bash
# The jdbc store's hot operations on a small and a large table, in one run: for each store (PostgreSQL
# and MariaDB on this machine) and each size in ROWS, req/s, p50 and p99 of GET /validate, POST / ,
# POST /create and GET /session?user_id=, and the ratio large/small of each; EXPLAIN ANALYZE of the
# validate and latest-session lookups at each size; then, on the largest table, how long the
# ExpiredSessionSweeper takes to delete SWEEP_ROWS expired rows and the p99 of GET /validate while it
# sweeps against the same without it.
#
#   bash bench/jdbc-scale.sh                               # 10000 and 1000000 rows, both databases
#   ROWS="10000 100000" STORES=postgresql SWEEP_ROWS=20000 bash bench/jdbc-scale.sh
#
# The table is the run's own (bench_jdbc_scale_<pid> in database test on 127.0.0.1:5432 and :3306),
# created by the service itself at start from its DDL file, so the indexes are the real ones, then
# filled by SQL (generate_series / MariaDB's seq_1_to_N) with rows shaped as the store writes them:
# 80% user sessions of POST /create (user_id, its SHA-256, data {"AccountId":…}, not sliding) of
# ~ROWS*0.8/3 users (a few sessions each, by a hash of the row number), 20% state sessions of POST /
# (no owner, sliding, 7-day cap), tokens 43 characters of base64url as issued, ages up to 2 h, and
# EXPIRED_PCT% expired in the last minute but not swept yet. The webapps measured run with the sweeper
# idle (sweepIntervalSec 86400) so those rows stay; the sweep phase deploys a second copy of the WAR on
# the same table with sweepIntervalSec=SWEEP_INTERVAL and sweepBatch=SWEEP_BATCH (100 deletes a round).
#
# Knobs: STORES, ROWS (ascending), OPERATIONS, DURATION, WARMUP, FIRST_WARMUP, THREADS, CONNECTIONS,
# SAMPLE (tokens and users drawn from the table for wrk), EXPIRED_PCT, SWEEP_ROWS (expired rows to
# sweep, default 200000 or a fifth of the largest size), SWEEP_INTERVAL, SWEEP_BATCH, SLICE (s per wrk
# run during the sweep), PORT, SKIP_BUILD=1. Everything it creates (tables, Tomcat, temp directory) goes
# on exit, Ctrl-C included. Compare the figures of one run with each other, not across runs or machines.
set -euo pipefail
cd "$(dirname "$0")/.."

STORES=${STORES:-postgresql mariadb}
ROWS=${ROWS:-10000 1000000}
OPERATIONS=${OPERATIONS:-validate latest post create}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-5}
FIRST_WARMUP=${FIRST_WARMUP:-10}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-16}
SAMPLE=${SAMPLE:-10000}
EXPIRED_PCT=${EXPIRED_PCT:-5}
LARGEST=${ROWS##* }
SWEEP_ROWS=${SWEEP_ROWS:-$(( LARGEST / 5 < 200000 ? LARGEST / 5 : 200000 ))}
SWEEP_INTERVAL=${SWEEP_INTERVAL:-5}
SWEEP_BATCH=${SWEEP_BATCH:-1000}
SLICE=${SLICE:-2}
KEY=bench-key-0123456789abcdef
PORT=${PORT:-18083}

BENCH_NAME=jdbc-scale
JDBC_SETTINGS='"sweepIntervalSec":86400,'   # the measured webapps never sweep: the expired rows stay
# shellcheck source=bench/tomcat-per-store.sh
source bench/tomcat-per-store.sh
POLLER_PID=
stop_all() { [ -z "$POLLER_PID" ] || kill "$POLLER_PID" 2>/dev/null || true; cleanup; }
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

sql() { # store statement... -> rows, tab-separated
  case "$1" in
    postgresql) psql -h 127.0.0.1 -p 5432 -U postgres -d test -w -qtAX -F $'\t' -v ON_ERROR_STOP=1 -f - <<< "$2";;
    mariadb) mysql -h 127.0.0.1 -P 3306 -u root test -N -B -e "$2";;
  esac
}
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# store rows now-ms: empties the table and fills it in chunks of 100,000 rows (one transaction each).
# Row i: state session when i % 5 = 0, else a session of user-(hash(i) % users); expired when
# i % 100 < EXPIRED_PCT (1 to 60 s ago, after its 2 h), else created 60 s to ~2 h ago.
fill() {
  local store=$1 rows=$2 now=$3 users=$(( $2 * 4 / 15 + 1 )) from to seed="$$-$2"
  local age="CASE WHEN i % 100 < $EXPIRED_PCT THEN 7201 + i % 60 ELSE 60 + i * 7919 % 7080 END"
  sql "$store" "TRUNCATE TABLE $TABLE"
  for (( from = 1; from <= rows; from += 100000 )); do
    to=$(( from + 99999 < rows ? from + 99999 : rows ))
    case "$store" in
      postgresql) sql "$store" "
        INSERT INTO $TABLE ($COLUMNS)
        SELECT token, CASE WHEN user_id IS NOT NULL THEN encode(sha256(convert_to(user_id, 'UTF8')), 'hex') END,
               user_id, data, octet_length(data), created, 7200, user_id IS NULL,
               CASE WHEN user_id IS NULL THEN created + 604800000 END, FALSE, created + 7200000
        FROM (SELECT rtrim(translate(encode(sha256(convert_to('$seed-' || i, 'UTF8')), 'base64'), '+/', '-_'), '=') AS token,
                     user_id, CASE WHEN user_id IS NULL THEN '{\"theme\":\"dark\",\"n\":' || i || '}'
                                   ELSE '{\"AccountId\":\"' || user_id || '\"}' END AS data,
                     $now - 1000 * $age AS created
              FROM (SELECT i, CASE WHEN i % 5 = 0 THEN NULL ELSE 'user-' || abs(hashint4(i::int)) % $users END AS user_id
                    FROM generate_series($from::bigint, $to::bigint) i) numbered) shaped";;
      mariadb) sql "$store" "
        INSERT INTO $TABLE ($COLUMNS)
        SELECT token, SHA2(user_id, 256), user_id, data, OCTET_LENGTH(data), created, 7200, user_id IS NULL,
               IF(user_id IS NULL, created + 604800000, NULL), FALSE, created + 7200000
        FROM (SELECT REPLACE(REPLACE(TRIM(TRAILING '=' FROM TO_BASE64(UNHEX(SHA2(CONCAT('$seed-', i), 256)))), '+', '-'), '/', '_') AS token,
                     user_id, IF(user_id IS NULL, CONCAT('{\"theme\":\"dark\",\"n\":', i, '}'),
                                 CONCAT('{\"AccountId\":\"', user_id, '\"}')) AS data,
                     $now - 1000 * $age AS created
              FROM (SELECT seq AS i, IF(seq % 5 = 0, NULL, CONCAT('user-', CRC32(seq) % $users)) AS user_id
                    FROM seq_${from}_to_${to}) numbered) shaped";;
    esac
  done
  analyze "$store"
}
COLUMNS="token, user_hash, user_id, data, data_bytes, created_at, ttl_sec, sliding, lifetime_end, rotated, expires_at"
analyze() { # store: fresh statistics (and on PostgreSQL the visibility map), as autovacuum would leave them
  case "$1" in
    postgresql) sql "$1" "VACUUM ANALYZE $TABLE";;
    mariadb) sql "$1" "ANALYZE TABLE $TABLE" >/dev/null;;
  esac
}

table_size() { # store -> the table's and its indexes' size on disk
  case "$1" in
    postgresql) sql "$1" "SELECT 'table ' || pg_size_pretty(pg_table_size('$TABLE')) || ', indexes ' ||
                          pg_size_pretty(pg_indexes_size('$TABLE'))";;
    mariadb) sql "$1" "SELECT CONCAT('table ', ROUND(data_length / 1048576), ' MB, indexes ', ROUND(index_length / 1048576), ' MB')
                       FROM information_schema.tables WHERE table_schema = 'test' AND table_name = '$TABLE'";;
  esac
}

# store -> token files: $BASE/<store>-state.tokens ("- token", sessions live for 30 min more) for
# validate and post, $BASE/<store>-user.tokens ("user-N -") for latest and create; SAMPLE lines each.
sample() {
  local store=$1 soon=$(( $(now_ms) + 1800000 )) random
  [ "$store" = postgresql ] && random="random()" || random="RAND()"
  sql "$store" "SELECT '-', token FROM $TABLE WHERE expires_at > $soon ORDER BY $random LIMIT $SAMPLE" |
    tr '\t' ' ' > "$BASE/$store-state.tokens"
  sql "$store" "SELECT user_id, '-' FROM $TABLE WHERE user_hash IS NOT NULL AND expires_at > $soon ORDER BY $random LIMIT $SAMPLE" |
    tr '\t' ' ' > "$BASE/$store-user.tokens"
}
tokens_for() { case "$1" in latest|create) echo user;; *) echo state;; esac; }

# store -> EXPLAIN ANALYZE of the store's own validate lookup (JdbcSessionStore's selectLive) and of
# the latest session of a user (findByUser, limit 1), for sampled values, with parameters typed as the
# drivers send them: pgjdbc binds strings as varchar (a text parameter would compare user_hash as text
# and miss the index), MariaDB Connector/J substitutes literals into the statement.
explain() {
  local store=$1 now token user hash select="SELECT token, user_id, data, created_at, expires_at, ttl_sec, sliding, lifetime_end"
  now=$(now_ms)
  read -r _ token < "$BASE/$store-state.tokens"
  read -r user _ < "$BASE/$store-user.tokens"
  hash=$(printf '%s' "$user" | sha256sum | cut -c1-64)
  local validate="$select FROM $TABLE WHERE token = \$1 AND expires_at > \$2"
  local latest="$select FROM $TABLE WHERE user_hash = \$1 AND user_id = \$2 AND expires_at > \$3 AND created_at <= \$4
    ORDER BY created_at DESC, token DESC LIMIT 1"
  case "$store" in
    postgresql) sql "$store" "PREPARE validate(varchar, bigint) AS $validate; PREPARE latest(varchar, varchar, bigint, bigint) AS $latest;
      EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) EXECUTE validate('$token', $now);
      EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) EXECUTE latest('$hash', '$user', $now, $now)" |
        awk '/^(Limit|Index Scan|Bitmap Heap Scan|Seq Scan)/ && !seen++ {print "-- validate lookup:"} /^Limit/ {print "-- latest session of a user:"} {print}';;
    mariadb) validate=${validate/\$1/\'$token\'}; validate=${validate/\$2/$now}
             latest=${latest/\$1/\'$hash\'}; latest=${latest/\$2/\'$user\'}; latest=${latest/\$3/$now}; latest=${latest/\$4/$now}
             echo "-- validate lookup:"; mysql -h 127.0.0.1 -P 3306 -u root test -t -e "ANALYZE $validate"
             echo "-- latest session of a user:"; mysql -h 127.0.0.1 -P 3306 -u root test -t -e "ANALYZE $latest";;
  esac | sed 's/^/   /'
}

# store operation seconds -> "req/s p50-ms p99-ms non-2xx"; WRK_HISTOGRAM, when set, collects latencies
measure() {
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${3}s" --latency -s bench/api.lua "http://127.0.0.1:$PORT/$1/" \
      -- "$2" "$BASE/$1-$(tokens_for "$2").tokens" "$KEY" | wrk_figures
}
percentiles() { # histogram files ("micros count" lines) -> "requests p50-ms p99-ms"
  cat "$@" | sort -n | awk '{v[NR] = $1; c[NR] = $2; n += $2}
    END {for (i = 1; i <= NR; i++) {s += c[i]; if (!p50 && s >= n * 0.5) p50 = v[i]; if (!p99 && s >= n * 0.99) p99 = v[i]}
         printf "%d %.3f %.3f\n", n, p50 / 1000, p99 / 1000}'
}

# store: marks live rows expired until SWEEP_ROWS are, deploys a sweeping copy of the WAR on the same
# table and runs GET /validate in SLICE-second wrk runs until the sweeper has deleted them all, while a
# poller counts the expired rows every 0.2 s. Slices during which the count fell are "while sweeping";
# the same number of slices before the deploy are "without".
sweep() {
  local store=$1 now expired dir="$BASE/$store-sweep"
  mkdir -p "$dir"
  now=$(now_ms)   # the rows expired by now are the ones timed (live rows go on expiring meanwhile)
  expired=$(sql "$store" "SELECT count(*) FROM $TABLE WHERE expires_at <= $now")
  if [ "$expired" -lt "$SWEEP_ROWS" ]; then
    local mark=$(( SWEEP_ROWS - expired ))
    case "$store" in
      postgresql) sql "$store" "UPDATE $TABLE SET expires_at = $now - 5000 WHERE token IN
                                (SELECT token FROM $TABLE WHERE expires_at > $now LIMIT $mark)";;
      mariadb) sql "$store" "UPDATE $TABLE SET expires_at = $now - 5000 WHERE expires_at > $now LIMIT $mark";;
    esac
  fi
  analyze "$store"
  sample "$store"   # validate tokens that stayed live
  local total; total=$(sql "$store" "SELECT count(*) FROM $TABLE WHERE expires_at <= $now")
  local slices=$(( DURATION / SLICE > 1 ? DURATION / SLICE : 2 )) k
  measure "$store" validate "$WARMUP" >/dev/null
  for (( k = 1; k <= slices; k++ )); do
    WRK_HISTOGRAM="$dir/without-$k.hist" measure "$store" validate "$SLICE" >/dev/null
  done

  ( while :; do   # the poller: "epoch-seconds expired-rows"
      c=$(sql "$store" "SELECT count(*) FROM $TABLE WHERE expires_at <= $now")
      echo "$(date +%s.%N) $c"
      [ "$c" -gt 0 ] || break
      sleep 0.2
    done > "$dir/poll.log" ) &
  POLLER_PID=$!
  JDBC_SETTINGS="\"sweepIntervalSec\":$SWEEP_INTERVAL,\"sweepBatch\":$SWEEP_BATCH,"
  webapp "$store-sweeper" "$store"
  local deadline=$(( $(date +%s) + 60 + 3 * SWEEP_INTERVAL * (total / (SWEEP_BATCH * 100) + 1) + total / 2000 ))
  local started
  k=0
  while kill -0 "$POLLER_PID" 2>/dev/null && [ "$(date +%s)" -lt "$deadline" ]; do   # Tomcat deploys it within ~10 s
    k=$(( k + 1 ))
    started=$(date +%s.%N)
    WRK_HISTOGRAM="$dir/during-$k.hist" measure "$store" validate "$SLICE" >/dev/null
    echo "$k $started $(date +%s.%N)" >> "$dir/slices"
  done
  kill "$POLLER_PID" 2>/dev/null || true; wait "$POLLER_PID" 2>/dev/null || true; POLLER_PID=
  # the deleting polls: a fall from the previous count; slices overlapping one are "while sweeping"
  awk 'NR > 1 && $2 < c {print t, $1} {t = $1; c = $2}' "$dir/poll.log" > "$dir/falls"
  local during; during=$(awk -v d="$dir" -v falls="$dir/falls" \
    'BEGIN {while ((getline l < falls) > 0) {split(l, x, " "); a[++n] = x[1]; b[n] = x[2]}}
     {for (i = 1; i <= n; i++) if (a[i] < $3 && b[i] > $2) {printf "%s/during-%s.hist ", d, $1; break}}' "$dir/slices")
  # from the last poll that saw every row to the first that saw none (over by at most one poll, ~0.25 s)
  SWEEP[$store]="$total $(awk 'NR == 1 {c0 = $2} $2 == c0 {f = $1} {l = $1; c = $2} END {printf "%d %.1f", c, l - f}' "$dir/poll.log") \
$(awk '{s += $2 - $1} END {printf "%.1f", s}' "$dir/falls")"
  SWEEP_WITHOUT[$store]=$(percentiles "$dir"/without-*.hist)
  # shellcheck disable=SC2086
  SWEEP_DURING[$store]=$([ -n "$during" ] && percentiles $during || echo "0 0 0")
  rm -f "$BASE/conf/Catalina/localhost/$store-sweeper.xml"   # Tomcat undeploys it
}

declare -A RESULT SWEEP SWEEP_WITHOUT SWEEP_DURING
first_store=1
for store in $STORES; do
  for rows in $ROWS; do
    echo "$store, $rows rows: filling"
    started=$SECONDS
    fill "$store" "$rows" "$(now_ms)"
    sample "$store"
    echo "$store, $rows rows: filled in $(( SECONDS - started )) s, $(
      sql "$store" "SELECT count(*) FROM $TABLE WHERE expires_at <= $(now_ms)") expired, $(
      sql "$store" "SELECT count(DISTINCT user_hash) FROM $TABLE") users, $(table_size "$store")"
    explain "$store"
    if [ -n "$first_store" ]; then   # the JIT, before the first figures
      for op in $OPERATIONS; do measure "$store" "$op" "$FIRST_WARMUP" >/dev/null; done
      first_store=
    fi
    for op in $OPERATIONS; do
      measure "$store" "$op" "$WARMUP" >/dev/null
      RESULT[$store:$rows:$op]=$(measure "$store" "$op" "$DURATION")
    done
  done
  echo "$store: sweeping $SWEEP_ROWS expired rows of $LARGEST"
  sweep "$store"
  sql "$store" "TRUNCATE TABLE $TABLE"   # frees the server for the next store
done

label() { case "$1" in validate) echo "GET /validate";; latest) echo "GET /session";; post) echo "POST /";;
  create) echo "POST /create";; *) echo "$1";; esac; }
smallest=${ROWS%% *}
printf '\n%-10s %-14s %9s %10s %9s %9s %8s %13s %13s\n' store operation rows "req/s" "p50 ms" "p99 ms" non-2xx \
  "req/s ratio" "p99 ratio"
for store in $STORES; do
  for op in $OPERATIONS; do
    read -r r0 _ q0 _ <<< "${RESULT[$store:$smallest:$op]}"
    for rows in $ROWS; do
      read -r r p50 p99 bad <<< "${RESULT[$store:$rows:$op]}"
      awk -v s="$store" -v o="$(label "$op")" -v n="$rows" -v r="$r" -v p50="$p50" -v p99="$p99" -v bad="$bad" \
          -v r0="$r0" -v q0="$q0" -v first="$([ "$rows" = "$smallest" ] && echo 1)" \
        'BEGIN {printf "%-10s %-14s %9d %10.0f %9.2f %9.2f %8d", s, o, n, r, p50, p99, bad
                if (first) printf "\n"; else printf " %12.2fx %12.2fx\n", r / r0, p99 / q0}'
    done
  done
done
echo
echo "ExpiredSessionSweeper on $LARGEST rows (sweepBatch $SWEEP_BATCH, sweepIntervalSec $SWEEP_INTERVAL, 100 deletes a round):"
for store in $STORES; do
  read -r total left wall deleting <<< "${SWEEP[$store]}"
  read -r n0 a50 a99 <<< "${SWEEP_WITHOUT[$store]}"
  read -r n1 b50 b99 <<< "${SWEEP_DURING[$store]}"
  printf '%-10s %d expired rows, %d left: swept in %s s, %s s of it deleting (the rest: waits between rounds)\n' \
    "$store" "$total" "$left" "$wall" "$deleting"
  printf '%-10s GET /validate without sweeper: p50 %s ms, p99 %s ms (%d requests); while sweeping: p50 %s ms, p99 %s ms (%d requests)\n' \
    "" "$a50" "$a99" "$n0" "$b50" "$b99" "$n1"
done
echo
echo "(wrk -t$THREADS -c$CONNECTIONS, ${DURATION} s per operation after ${WARMUP} s of warm-up, cycling through $SAMPLE"
echo " sampled sessions/users; ratios: the largest table over the smallest; non-2xx should be 0)"
