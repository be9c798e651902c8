#!/usr/bin/env bash
# Mines the synthetic log corpus (scripts/synthetic-logs.py: families of log messages in formats the
# Loghub files do not cover) with the default configuration and prints grouping accuracy per family
# and seed: a check that the miner's generic rules hold beyond the files they were developed on
# (see docs/log-mining.md, "Beyond Loghub"). Builds common (compile only, never installs).
# usage: scripts/synthetic-logs-results.sh [OUT=target/synthetic-logs]   env: SEEDS (default 1 2 3)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${1:-target/synthetic-logs}"
SEEDS="${SEEDS:-1 2 3}"
SCORER="${SCORER:-/work/shared/bench/loghub/score_grouping.py}"

mvn -q -o -pl common compile
mvn -q -o -pl common dependency:build-classpath -Dmdep.includeScope=runtime \
  -Dmdep.outputFile="$PWD/common/target/runtime.classpath"
CP="common/target/classes:$(cat common/target/runtime.classpath)"

printf '%-6s %-8s %7s %7s %14s\n' seed family GA FGA "groups (true)"
for seed in $SEEDS; do
  dir="$OUT/seed-$seed"
  rm -rf "$dir"
  python3 scripts/synthetic-logs.py "$dir" "$seed"
  for log in "$dir"/*.log; do
    family=$(basename "$log" .log)
    java -cp "$CP" io.vigil.common.logs.MineLogsCommand --format '<Content>' --input "$log" \
      --out "$dir/$family.pred.csv" 2>/dev/null
    python3 "$SCORER" "$dir/${family}_structured.csv" "$dir/$family.pred.csv" --gt-key EventId --json \
      | python3 -c "
import csv, json, sys
d = json.load(sys.stdin)
pred = len({r['EventId'] for r in csv.DictReader(open('$dir/$family.pred.csv'))})
true = len({r['EventId'] for r in csv.DictReader(open('$dir/${family}_structured.csv'))})
print('%-6s %-8s %7.4f %7.4f %14s' % ('$seed', '$family', d['GA'], d['FGA'], '%d (%d)' % (pred, true)))"
  done
done
