# Sourced by scripts/bench with SIZE, CACHE, STRAT, bench_line and bench_time set.
# Generates the synthetic system for $SIZE patients (seed 42, extract date 2026-03-31) as
# $CACHE/parquet and $CACHE/csv unless already cached, then prints one bench line per extract
# (rows, no time) and one per format with the total rows and the generation time.
# A cached system is reused: delete $CACHE/<format> to time the generator again.
for fmt in ${BENCH_FORMATS:-parquet csv}; do
  out="$CACHE/$fmt"
  log="$CACHE/generate-$fmt.out"
  if [ ! -f "$out/extract.properties" ] || [ ! -f "$log" ]; then
    rm -rf "$out"
    bench_time "$STRAT" generate --patients "$SIZE" --seed 42 --extract-date 2026-03-31 \
      --format "$fmt" --out "$out" > "$log.tmp"
    { cat "$log.tmp"; echo "seconds_wall=$BENCH_SECONDS peak_rss_kb=${BENCH_PEAK_KB:-}"; } > "$log"
    rm -f "$log.tmp"
    cached=""
  else
    cached=" (cached)"
  fi
  total=0
  while read -r _ name rows _; do
    r="${rows#rows=}"
    total=$((total + r))
    bench_line "$SIZE" "gen-$fmt:$name" "$r" 0
  done < <(grep '^extract ' "$log")
  secs=$(sed -n 's/^seconds_wall=\([0-9.]*\).*/\1/p' "$log")
  bench_line "$SIZE" "generate-$fmt" "$total" "${secs:-0}"
  echo "bench size=$SIZE generate-$fmt$cached bytes=$(du -sb "$out" | cut -f1) $(grep -o 'peak_rss_kb=[0-9]*' "$log")"
done
