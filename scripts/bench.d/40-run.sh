# Sourced by scripts/bench with SIZE, CACHE, STRAT, bench_line and bench_time set.
# The whole nightly job: `strat run` over $CACHE/parquet and $CACHE/csv (made by 10-generate.sh),
# with a throwaway pseudonymisation key so scores/ (the HMAC UDF) is timed too. Prints one bench
# line per stage (rows in, seconds, from the run's `stage ...` progress lines), one for the run
# (input rows read, wall seconds, input rows/s) and its peak RSS. Output: $CACHE/run-<fmt>/.
key="$CACHE/bench-pseudo.key"
[ -f "$key" ] || { head -c 48 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$key"; chmod 600 "$key"; }
for fmt in ${BENCH_FORMATS:-parquet csv}; do
  in="$CACHE/$fmt"
  if [ ! -f "$in/extract.properties" ]; then
    echo "bench size=$SIZE run-$fmt skipped: $in missing (scripts/bench.d/10-generate.sh makes it)"
    continue
  fi
  out="$CACHE/run-$fmt"
  log="$CACHE/run-$fmt.err"
  rm -rf "$out"
  if ! bench_time env STRAT_PSEUDO_KEY_FILE="$key" "$STRAT" run --input "$in" --output "$out" \
      > "$CACHE/run-$fmt.out" 2> "$log"; then
    echo "bench size=$SIZE run-$fmt FAILED: $(grep '^strat:' "$log" | tail -n 1)"
    continue
  fi
  bench_stages "$log" "run-$fmt"
  rows=$(sed -n 's/^stage validate rows_in=\([0-9]*\).*/\1/p' "$log" | tail -n 1)
  bench_line "$SIZE" "run-$fmt" "${rows:-0}" "$BENCH_SECONDS"
  echo "$BENCH_SECONDS" > "$CACHE/run-$fmt.seconds"
  echo "bench size=$SIZE run-$fmt peak_rss_kb=${BENCH_PEAK_KB:-} $(head -n 1 "$CACHE/run-$fmt.out")"
done
