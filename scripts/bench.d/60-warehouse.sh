# Sourced by scripts/bench with SIZE, CACHE, STRAT, bench_line and bench_time set.
# The same nightly job read from a SQL warehouse: $CACHE/parquet loaded into a throwaway
# PostgreSQL (scripts/pg-test.sh, data under $CACHE/pg or /tmp) by the test class
# org.openstrat.testing.WarehouseLoad (Spark writes CSV, COPY loads it), then
# `strat run --sources` over it. Prints the load and the run (per stage and whole), and whether
# cohort/ and cohort_csv/ are byte-identical to run-parquet's (40-run.sh, same key).
# BENCH_PG_KEEP=1 leaves the server running; BENCH_PG_PARTITIONS (default 4) JDBC read tasks.
if [ ! -f "$CACHE/parquet/extract.properties" ]; then
  echo "bench size=$SIZE warehouse skipped: $CACHE/parquet missing (10-generate.sh makes it)"
else
  root="$(cd "$(dirname "$STRAT")/.." && pwd)"
  pgdir="$CACHE/pg"
  "$root/scripts/pg-test.sh" stop "$pgdir" >/dev/null 2>&1 || true
  pg_line="$("$root/scripts/pg-test.sh" start "$pgdir")"
  port=$(sed -n 's/.*port=\([0-9]*\).*/\1/p' <<< "$pg_line")
  [ "${BENCH_PG_KEEP:-0}" = 1 ] || trap '"$root/scripts/pg-test.sh" stop "$pgdir" >/dev/null 2>&1 || true' EXIT
  url="jdbc:postgresql://127.0.0.1:$port/postgres"
  (cd "$root" && mvn -q -B -o -Dstyle.color=never -pl pipeline test-compile >/dev/null 2>&1 \
    || mvn -q -B -Dstyle.color=never -pl pipeline test-compile >/dev/null)
  cp="$root/pipeline/target/strat.jar:$root/pipeline/target/lib/*:$root/pipeline/target/test-classes"
  # shellcheck disable=SC2207
  opens=($(sed -n '/^opens=(/,/^)/s/^  \(-.*\)$/\1/p' "$root/scripts/strat"))
  key="$CACHE/bench-pseudo.key"
  [ -f "$key" ] || { head -c 48 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$key"; chmod 600 "$key"; }
  scratch="$CACHE/warehouse-scratch"
  rm -rf "$scratch"
  bench_time java -Xmx"${STRAT_HEAP:-8g}" "${opens[@]}" -Dspark.ui.enabled=false -cp "$cp" \
    org.openstrat.testing.WarehouseLoad "$CACHE/parquet" "$url" strat "$pgdir/password" bench \
    "$scratch" "$CACHE/warehouse.properties" "${BENCH_PG_PARTITIONS:-4}" \
    > "$CACHE/warehouse-load.out" 2> "$CACHE/warehouse-load.err" \
    || echo "bench size=$SIZE warehouse-load FAILED: $(tail -n 1 "$CACHE/warehouse-load.err")"
  rm -rf "$scratch"
  { grep '^load ' "$CACHE/warehouse-load.err" || true; } | while read -r _ name rest; do
    r=$(sed -n 's/.*rows=\([0-9]*\).*/\1/p' <<< "$rest")
    s=$(sed -n 's/.*seconds=\([0-9.]*\).*/\1/p' <<< "$rest")
    bench_line "$SIZE" "warehouse-load:$name" "$r" "$s"
  done
  loaded=$(sed -n 's/^load .*rows=\([0-9]*\).*/\1/p' "$CACHE/warehouse-load.err" | paste -sd+ | bc)
  bench_line "$SIZE" "warehouse-load" "${loaded:-0}" "$BENCH_SECONDS"
  db_size=$(PGPASSWORD="$(cat "$pgdir/password")" psql -h 127.0.0.1 -p "$port" -U strat -d postgres -tAc \
    "select pg_size_pretty(pg_database_size('postgres'))" 2>/dev/null || true)
  echo "bench size=$SIZE warehouse database_size=${db_size:-unknown}"

  out="$CACHE/run-warehouse"
  log="$CACHE/run-warehouse.err"
  rm -rf "$out"
  if bench_time env STRAT_PSEUDO_KEY_FILE="$key" "$STRAT" run --sources "$CACHE/warehouse.properties" \
      --output "$out" > "$CACHE/run-warehouse.out" 2> "$log"; then
    bench_stages "$log" "run-warehouse"
    rows=$(sed -n 's/^stage validate rows_in=\([0-9]*\).*/\1/p' "$log" | tail -n 1)
    bench_line "$SIZE" "run-warehouse" "${rows:-0}" "$BENCH_SECONDS"
    echo "$BENCH_SECONDS" > "$CACHE/run-warehouse.seconds"
    echo "bench size=$SIZE run-warehouse peak_rss_kb=${BENCH_PEAK_KB:-} $(head -n 1 "$CACHE/run-warehouse.out")"
    if [ -d "$CACHE/run-parquet" ]; then
      for d in cohort cohort_csv summary; do
        a=$(cd "$CACHE"/run-parquet/*/"$d" 2>/dev/null && find . -type f ! -name '.*' | sort | xargs sha256sum | sha256sum)
        b=$(cd "$CACHE"/run-warehouse/*/"$d" 2>/dev/null && find . -type f ! -name '.*' | sort | xargs sha256sum | sha256sum)
        [ "$a" = "$b" ] && same=identical || same=DIFFERENT
        echo "bench size=$SIZE run-warehouse $d vs run-parquet: $same"
      done
    fi
  else
    echo "bench size=$SIZE run-warehouse FAILED: $(grep '^strat:' "$log" | tail -n 1)"
  fi
  if [ "${BENCH_PG_KEEP:-0}" != 1 ]; then "$root/scripts/pg-test.sh" stop "$pgdir"; trap - EXIT; fi
fi
