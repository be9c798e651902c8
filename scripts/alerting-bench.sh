#!/usr/bin/env bash
# Alerting throughput with one rule over every series (see AlertingThroughput).
# usage: [BENCH_CONF='key=value;...'] scripts/alerting-bench.sh [SERIES] [MINUTES] [hashmap|rocksdb] [threshold|outage|absence|flapping]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -o -B -pl jobs test-compile
mvn -q -o -B -pl jobs dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$PWD/jobs/target/test.classpath" >/dev/null
java -Xmx2g ${BENCH_CONF:+"-Dconf=$BENCH_CONF"} -cp "jobs/target/test-classes:jobs/target/classes:$(cat jobs/target/test.classpath)" \
  io.vigil.jobs.alerts.AlertingThroughput "$@"
