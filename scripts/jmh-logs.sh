#!/usr/bin/env bash
# Runs the log-mining JMH benchmark (common/src/test/java/io/vigil/common/logs/bench).
# Usage: scripts/jmh-logs.sh [JMH options...]   e.g. scripts/jmh-logs.sh -p dataset=HDFS -f 1
# The Loghub folder defaults to /work/shared/bench/loghub; override with -p loghub=/path.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -pl common test-compile
cp_file=$(mktemp)
trap 'rm -f "$cp_file"' EXIT
mvn -q -pl common dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file" >/dev/null
CP="common/target/test-classes:common/target/classes:$(cat "$cp_file")"
exec java -cp "$CP" org.openjdk.jmh.Main 'io.vigil.common.logs.bench.LogMiningBenchmark' "$@"
