# Sourced by scripts/bench with SIZE, CACHE, STRAT, bench_line and bench_time set.
# `strat backtest --fit` over $CACHE/parquet (made by 10-generate.sh): two validations and scorings
# (the training and the validation year), the metrics of both models and the MLlib fit. Prints one
# bench line per stage, one for the whole backtest with its peak RSS, and its ratio to the Parquet
# `strat run` of 40-run.sh when that ran (target: at most 2). Output: $CACHE/backtest-parquet/.
in="$CACHE/parquet"
if [ ! -f "$in/extract.properties" ]; then
  echo "bench size=$SIZE backtest skipped: $in missing (scripts/bench.d/10-generate.sh makes it)"
else
  out="$CACHE/backtest-parquet"
  log="$CACHE/backtest-parquet.err"
  rm -rf "$out"
  if ! bench_time "$STRAT" backtest --input "$in" --output "$out" --fit \
      > "$CACHE/backtest-parquet.out" 2> "$log"; then
    echo "bench size=$SIZE backtest FAILED: $(grep '^strat:' "$log" | tail -n 1)"
  else
    bench_stages "$log" "backtest"
    rows=$(sed -n 's/^stage validate rows_in=\([0-9]*\).*/\1/p' "$log" | head -n 1)
    bench_line "$SIZE" "backtest-fit" "${rows:-0}" "$BENCH_SECONDS"
    echo "bench size=$SIZE backtest-fit peak_rss_kb=${BENCH_PEAK_KB:-} $(head -n 1 "$CACHE/backtest-parquet.out")"
    if [ -f "$CACHE/run-parquet.seconds" ]; then
      awk -v b="$BENCH_SECONDS" -v r="$(cat "$CACHE/run-parquet.seconds")" -v s="$SIZE" \
        'BEGIN { printf "bench size=%s backtest-fit/run-parquet ratio=%.2f (target <= 2)\n", s, b / r }'
    fi
  fi
fi
