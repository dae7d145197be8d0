# shellcheck shell=bash
# strat validate on the cached generated system, Parquet then CSV: one line for the whole command
# and one per extract (rows read, seconds of that extract's counting pass, rows/s).
# Reads the system 10-generate.sh cached in $CACHE/parquet and $CACHE/csv; skips a missing one
# (generating it here with other settings would leave a different system in the shared cache,
# which 10-generate.sh would then reuse as its seed-42 system).
for fmt in parquet csv; do
  if [ ! -f "$CACHE/$fmt/extract.properties" ]; then
    echo "bench size=$SIZE validate-$fmt skipped: $CACHE/$fmt missing (scripts/bench.d/10-generate.sh makes it)"
    continue
  fi
  out="$(mktemp -d)"
  # exit 5 (a threshold breached) still measures the stage; anything else is a failure
  bench_time "$STRAT" validate --input "$CACHE/$fmt" --output "$out" \
    > "$out/validate.out" 2> "$out/validate.err" || true
  if [ ! -f "$out/quality/report.csv" ]; then
    echo "bench: validate $fmt failed: $(grep '^strat:' "$out/validate.err" | head -1)" >&2
    rm -rf "$out"; continue
  fi
  total=$(awk -F, '$1=="rows" && $3=="read" {s+=$4} END {print s+0}' "$out/quality/report.csv")
  bench_line "$SIZE" "validate-$fmt" "$total" "$BENCH_SECONDS"
  [ -n "${BENCH_PEAK_KB:-}" ] && echo "bench size=$SIZE stage=validate-$fmt peak_rss_mb=$((BENCH_PEAK_KB / 1024))"
  # the CSV extracts staged as Parquet (one parse), then each extract's counting pass
  grep -E '^stage (stage_csv|validate\.)' "$out/validate.err" | sed 's/ extracts=[0-9]*//' |
      while read -r _ name rin _ secs; do
    bench_line "$SIZE" "  ${name#validate.}-$fmt" "${rin#rows_in=}" "${secs#seconds=}"
  done
  rm -rf "$out"
done
