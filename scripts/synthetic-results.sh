#!/usr/bin/env bash
# Backtests a detector over the labelled synthetic corpus (scripts/synthetic-corpus.py, seeds 1-5) and
# prints NAB scores per seed and their mean: a check on data nobody tuned for (see docs/detectors.md,
# "Synthetic corpus"). Builds common (compile only, never installs).
# usage: scripts/synthetic-results.sh [OUT=target/synthetic] [extra backtest args, e.g. --config FILE]
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${1:-target/synthetic}"
shift || true
SEEDS="${SEEDS:-1 2 3 4 5}"
SCORER="${SCORER:-/work/shared/bench/nab/nab_score.py}"

mvn -q -o -pl common compile
mvn -q -o -pl common dependency:build-classpath -Dmdep.includeScope=runtime \
  -Dmdep.outputFile="$PWD/common/target/runtime.classpath"
CP="common/target/classes:$(cat common/target/runtime.classpath)"

printf '%-6s %9s %9s %9s  %s\n' seed standard low-FP low-FN "windows found, false positives (standard threshold)"
sum() { awk -v a="$1" -v b="$2" 'BEGIN { print a + b }'; }
S=0; P=0; N=0; K=0
for seed in $SEEDS; do
  corpus="$OUT/corpus-$seed"
  rm -rf "$corpus" "$OUT/results-$seed"
  python3 scripts/synthetic-corpus.py "$corpus" "$seed" > /dev/null
  java -cp "$CP" io.vigil.common.backtest.BacktestCommand --data "$corpus/data" \
    --out "$OUT/results-$seed" --name vigil --labels "$corpus/labels/combined_windows.json" "$@" \
    > "$OUT/results-$seed.txt"
  read -r s p n < <(python3 "$SCORER" "$corpus" "$OUT/results-$seed" vigil | awk '{ printf "%s ", $2 } END { print "" }')
  printf '%-6s %9s %9s %9s  %s\n' "$seed" "$s" "$p" "$n" \
    "$(grep '^standard' "$OUT/results-$seed.txt" | grep -o '\[.*\]')"
  S=$(sum "$S" "$s"); P=$(sum "$P" "$p"); N=$(sum "$N" "$n"); K=$((K + 1))
done
awk -v s="$S" -v p="$P" -v n="$N" -v k="$K" 'BEGIN { printf "%-6s %9.2f %9.2f %9.2f\n", "mean", s / k, p / k, n / k }'
