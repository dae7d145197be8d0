# Sourced by scripts/bench with SIZE, CACHE, STRAT, bench_line and bench_time set.
# Times `strat score` (ingest + validate + population + features/scores, then a count summary)
# on the cached Parquet system of 10-generate.sh, as of its extract date. Prints the command's
# total and the scores stage alone (its "stage scores" progress line: population rows in,
# score rows out, seconds). Generated data has no defects, so thresholds are the defaults.
in="$CACHE/parquet"
if [ ! -f "$in/extract.properties" ]; then
  echo "bench size=$SIZE stage=score skipped: no $in (10-generate.sh makes it)"
else
  out="$CACHE/score-out"
  rm -rf "$out"
  bench_time "$STRAT" score --input "$in" --output "$out" \
    > "$CACHE/score.out" 2> "$CACHE/score.err" || {
    echo "bench size=$SIZE stage=score FAILED: $(grep '^strat:' "$CACHE/score.err" | head -1)"
  }
  line=$(grep '^stage scores ' "$CACHE/score.err" | tail -1 || true)
  if [ -n "$line" ]; then
    rows=$(sed -n 's/.*rows_out=\([0-9]*\).*/\1/p' <<<"$line")
    secs=$(sed -n 's/.*seconds=\([0-9.]*\).*/\1/p' <<<"$line")
    bench_line "$SIZE" "scores" "$rows" "$secs"
    bench_line "$SIZE" "score-command-total" "$rows" "$BENCH_SECONDS"
    echo "bench size=$SIZE score peak_rss_kb=${BENCH_PEAK_KB:-}"
  fi
fi
