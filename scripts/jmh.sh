#!/usr/bin/env bash
# Runs the detector JMH benchmarks (per-point update cost) on one thread.
# usage: scripts/jmh.sh [extra JMH args, e.g. -p algorithm=ensemble -wi 1 -i 2]
#   BENCH=MetricDecodeBenchmark scripts/jmh.sh   runs another benchmark (regular expression of class names)
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -pl common test-compile
mvn -q -pl common dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$PWD/common/target/jmh.classpath"
CP="common/target/test-classes:common/target/classes:$(cat common/target/jmh.classpath)"
exec java -cp "$CP" org.openjdk.jmh.Main "${BENCH:-io.vigil.common.detect.bench.*}" "$@"
