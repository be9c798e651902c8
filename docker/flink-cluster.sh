#!/usr/bin/env bash
# Starts a standalone Flink 2.2.1 session cluster as local processes (one JobManager JVM, N TaskManager JVMs) from
# Flink's Maven artifacts, for Vigil's end-to-end tests and for trying the job jar the way a platform team runs it.
# See docker/README.md.
#
#   docker/flink-cluster.sh start [--taskmanagers N] [--slots S] [--ha] [--prometheus]
#                                                                 start (or reuse) the cluster, then print env lines;
#                                                                 --ha: JobManager high availability with ZooKeeper;
#                                                                 --prometheus: a Prometheus server scraping the
#                                                                 cluster, evaluating Vigil's health rules
#   docker/flink-cluster.sh stop                                  stop every TaskManager, the JobManager, ZooKeeper
#                                                                 and Prometheus
#   docker/flink-cluster.sh stop-prometheus                       stop only Prometheus (the next one starts empty)
#   docker/flink-cluster.sh status                                one line per process; exit 1 if one is not running
#   docker/flink-cluster.sh env                                   `export VAR=value` lines of a running cluster
#   docker/flink-cluster.sh kill-tm I                             SIGKILL TaskManager I (1-based): failure injection
#   docker/flink-cluster.sh start-tm I                            start TaskManager I again, wait until registered
#   docker/flink-cluster.sh kill-jm                               SIGKILL the JobManager (an --ha cluster recovers)
#   docker/flink-cluster.sh start-jm                              start the JobManager again, wait until REST answers
#   docker/flink-cluster.sh flink ARGS...                         Flink's CLI (bin/flink) against this cluster:
#                                                                 run, list, cancel, stop, savepoint...
#
# Progress goes to stderr, env lines to stdout: eval "$(docker/flink-cluster.sh start)".
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
STATE_DIR=${VIGIL_FLINK_DIR:-/tmp/vigil-flink}
[[ $STATE_DIR == /* ]] || STATE_DIR=$PWD/$STATE_DIR
CACHE_DIR=${VIGIL_CACHE_DIR:-${HOME:-/tmp}/.cache/vigil}
FLINK_LIB=$CACHE_DIR/flink-lib
READY_TIMEOUT=${VIGIL_FLINK_TIMEOUT:-120}
STOP_TIMEOUT=${VIGIL_FLINK_STOP_TIMEOUT:-30}

REST_PORT_DEFAULT=18081
PROM_PORTS=${VIGIL_FLINK_PROM_PORTS:-19250-19269}
# The Prometheus server of --prometheus: its port, and how often it scrapes and evaluates the rules.
PROMETHEUS_PORT_DEFAULT=19090
PROMETHEUS_INTERVAL=${VIGIL_PROMETHEUS_INTERVAL:-5s}
PROMETHEUS_RULES=$SCRIPT_DIR/prometheus/vigil-health.rules.yml
RPC_PORT_DEFAULT=16123
HOST=127.0.0.1

CONF_DIR=$STATE_DIR/conf
LOG_DIR=$STATE_DIR/log

# Flink's own Java 17 flags (`env.java.default-opts.all` of the distribution's config.yaml): without them jar runs
# fail inside Flink's class initialisation (Kryo, Pekko, the closure cleaner reflect into java.base).
JAVA_DEFAULT_OPTS=(
  --add-exports=java.base/sun.net.util=ALL-UNNAMED
  --add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED
  --add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED
  --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.text=ALL-UNNAMED
  --add-opens=java.base/java.time=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED
  -XX:+IgnoreUnrecognizedVMOptions
)

# ---------------------------------------------------------------------------------------------------------------
# Helpers (same conventions as services.sh)

LOG_TAG=flink
# shellcheck source=docker/lib.sh
source "$SCRIPT_DIR/lib.sh"

usage() { sed -n '2,23p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; }

port_open() { timeout 2 bash -c ": <>/dev/tcp/$HOST/$1" 2>/dev/null; }

# Prints the port remembered in file $1, or picks a free one starting at $2 (skipping $3) and remembers it.
choose_port() {
  local file=$1 port=$2 skip=${3:-} i
  if [[ -s $file ]]; then
    cat "$file"
    return
  fi
  for ((i = 0; i < 500; i++, port++)); do
    if [[ $port != "$skip" ]] && ! port_open "$port"; then
      printf '%s\n' "$port" >"$file"
      printf '%s\n' "$port"
      return
    fi
  done
  die "no free port found from $2 upwards"
}

launch() {
  local out=$1
  shift
  # Plugins: the Prometheus metrics reporter (ensure_lib).
  export FLINK_PLUGINS_DIR=$FLINK_LIB/plugins
  # setsid does not fork here (a background job is not a process group leader), so $! is the JVM's pid.
  setsid "$@" </dev/null >>"$out" 2>&1 9>&- &
  LAUNCHED_PID=$!
}

rest_port() { cat "$STATE_DIR/rest-port"; }

rest_get() { curl -sS --fail --max-time 5 "http://$HOST:$(rest_port)$1" 2>/dev/null; }

# Resource ids of the TaskManagers registered at the ResourceManager, one per line.
registered_tms() { rest_get /taskmanagers | grep -o '"id":"[^"]*"' | sed 's/"id":"\(.*\)"/\1/' || true; }

taskmanager_count() { cat "$STATE_DIR/taskmanagers"; }

# ---------------------------------------------------------------------------------------------------------------
# Jars and configuration

# Resolves Flink's runtime jars from docker/flink/pom.xml once into the cache; re-resolves when the pom changes.
ensure_lib() {
  local pom=$SCRIPT_DIR/flink/pom.xml stamp tmp t0 version
  stamp=$(cksum <"$pom")
  if [[ -f $FLINK_LIB/.complete && $(cat "$FLINK_LIB/.complete") == "$stamp" && -d $FLINK_LIB/plugins ]]; then
    return
  fi
  t0=$(now)
  log "resolving Flink's jars with Maven into $FLINK_LIB (first run only; log in $STATE_DIR/flink-mvn.log)"
  mkdir -p "$CACHE_DIR"
  tmp=$(mktemp -d "$CACHE_DIR/flink-lib.XXXXXX")
  if ! mvn -B -q -f "$pom" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$tmp" \
    >"$STATE_DIR/flink-mvn.log" 2>&1; then
    rm -rf "$tmp"
    fail_with_log "resolving Flink's jars with Maven failed" "$STATE_DIR/flink-mvn.log"
  fi
  # The Prometheus metrics reporter, as a plugin (its own class loader), as a distribution ships it in opt/.
  version=$(sed -n 's:.*<flink.version>\(.*\)</flink.version>.*:\1:p' "$pom")
  if ! mvn -B -q dependency:copy -Dartifact="org.apache.flink:flink-metrics-prometheus:$version" \
    -DoutputDirectory="$tmp/plugins/metrics-prometheus" >>"$STATE_DIR/flink-mvn.log" 2>&1; then
    rm -rf "$tmp"
    fail_with_log "resolving Flink's Prometheus reporter with Maven failed" "$STATE_DIR/flink-mvn.log"
  fi
  printf '%s\n' "$stamp" >"$tmp/.complete"
  rm -rf "$FLINK_LIB"
  mv "$tmp" "$FLINK_LIB"
  chmod 755 "$FLINK_LIB"
  log "Flink's jars ready after $(since "$t0")s"
}

write_config() {
  local rest=$1 rpc=$2 slots=$3 zk=${4:-}
  mkdir -p "$CONF_DIR" "$LOG_DIR" "$STATE_DIR/checkpoints" "$STATE_DIR/savepoints" "$STATE_DIR/tmp"
  cat >"$CONF_DIR/config.yaml" <<EOF
# Generated by docker/flink-cluster.sh; rewritten when the cluster starts.
jobmanager.rpc.address: $HOST
jobmanager.rpc.port: $rpc
jobmanager.bind-host: $HOST
jobmanager.memory.process.size: ${VIGIL_FLINK_JM_MEMORY:-1g}
taskmanager.bind-host: $HOST
taskmanager.host: $HOST
taskmanager.memory.process.size: ${VIGIL_FLINK_TM_MEMORY:-1g}
taskmanager.numberOfTaskSlots: $slots
parallelism.default: 2
rest.address: $HOST
rest.bind-address: $HOST
rest.port: $rest
web.upload.dir: $STATE_DIR/web-upload
io.tmp.dirs: $STATE_DIR/tmp

# State and checkpoints: RocksDB (what a job holding millions of series uses), incremental, on local disk.
state.backend.type: ${VIGIL_FLINK_STATE_BACKEND:-rocksdb}
execution.checkpointing.incremental: true
execution.checkpointing.dir: file://$STATE_DIR/checkpoints
execution.checkpointing.savepoint-dir: file://$STATE_DIR/savepoints
execution.checkpointing.num-retained: 2

# Restarts: a lost TaskManager costs a few attempts (the first ones may land on its not yet released slots).
restart-strategy.type: exponential-delay
restart-strategy.exponential-delay.initial-backoff: 1 s
restart-strategy.exponential-delay.max-backoff: 10 s
restart-strategy.exponential-delay.backoff-multiplier: 1.5
restart-strategy.exponential-delay.reset-backoff-threshold: 1 min
restart-strategy.exponential-delay.attempts-before-reset-backoff: 30

# Notice a killed TaskManager in seconds rather than the default 50 s.
heartbeat.interval: 2000
heartbeat.timeout: 15000
heartbeat.rpc-failure-threshold: 2
# A TaskManager started again must find its slots wanted: keep idle slots briefly only.
slot.idle.timeout: 10000
# Spread a job's slots over the TaskManagers, so that killing either one hits the job.
taskmanager.load-balance.mode: slots

# Metrics for Prometheus: every process serves /metrics on the first free port of the range (the JobManager's
# job metrics: checkpoints, restarts; the TaskManagers' operator metrics: Vigil's counters, Kafka lag).
# docker/prometheus/vigil-health.rules.yml alerts on them.
metrics.reporter.prom.factory.class: org.apache.flink.metrics.prometheus.PrometheusReporterFactory
metrics.reporter.prom.port: $PROM_PORTS
EOF
  if [[ -n $zk ]]; then
    cat >>"$CONF_DIR/config.yaml" <<EOF

# JobManager high availability (--ha): leader election and job graphs in ZooKeeper, their data on local disk. A
# JobManager started again after a crash recovers the running jobs from their latest checkpoints. The session
# timeout bounds how long a killed leader's lock lives on (the default, 60 s, would delay every recovery).
high-availability.type: zookeeper
high-availability.zookeeper.quorum: $HOST:$zk
high-availability.zookeeper.path.root: /vigil-flink
high-availability.cluster-id: /session
high-availability.storageDir: file://$STATE_DIR/ha
high-availability.zookeeper.client.session-timeout: 15000
high-availability.zookeeper.client.connection-timeout: 15000
EOF
  fi
  cat >"$CONF_DIR/log4j.properties" <<'EOF'
# Flink processes of docker/flink-cluster.sh: one file per process (log.file), rolled at 50 MB.
monitorInterval = 30
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = MainAppender
logger.kafka.name = org.apache.kafka
logger.kafka.level = WARN
logger.pekko.name = org.apache.pekko
logger.pekko.level = WARN
logger.netty.name = org.jboss.netty.channel.DefaultChannelPipeline
logger.netty.level = ERROR
appender.main.name = MainAppender
appender.main.type = RollingFile
appender.main.append = true
appender.main.fileName = ${sys:log.file}
appender.main.filePattern = ${sys:log.file}.%i
appender.main.layout.type = PatternLayout
appender.main.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n
appender.main.policies.type = Policies
appender.main.policies.size.type = SizeBasedTriggeringPolicy
appender.main.policies.size.size = 50MB
appender.main.strategy.type = DefaultRolloverStrategy
appender.main.strategy.max = 3
EOF
  cat >"$CONF_DIR/log4j-cli.properties" <<'EOF'
# `flink-cluster.sh flink ...`: warnings to stderr; the CLI prints its results itself.
rootLogger.level = WARN
rootLogger.appenderRef.console.ref = ConsoleAppender
appender.console.name = ConsoleAppender
appender.console.type = CONSOLE
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss} %-5p %c{1} - %m%n
logger.kafka.name = org.apache.kafka
logger.kafka.level = ERROR
# Looking for the YARN CLI is part of start-up; its absence is logged with a stack trace.
logger.cli.name = org.apache.flink.client.cli.CliFrontend
logger.cli.level = ERROR
EOF
}

# Memory flags the way Flink's bin/ scripts compute them: line 1 of BashJavaUtils' result is JVM arguments, line 2
# the derived memory settings as dynamic properties (the TaskManager refuses to start without them).
resource_params() {
  local what=$1 out
  out=$("$(java_bin)" -Xmx128m -cp "$FLINK_LIB/*" -Dlog4j2.configurationFile="file:$CONF_DIR/log4j-cli.properties" \
    org.apache.flink.runtime.util.bash.BashJavaUtils "$what" --configDir "$CONF_DIR" 2>>"$LOG_DIR/bash-java-utils.log" |
    grep '^BASH_JAVA_UTILS_EXEC_RESULT:' | sed 's/^BASH_JAVA_UTILS_EXEC_RESULT://') ||
    fail_with_log "BashJavaUtils $what failed" "$LOG_DIR/bash-java-utils.log"
  [[ $(printf '%s\n' "$out" | wc -l) -ge 2 ]] || die "BashJavaUtils $what printed no memory settings: $out"
  printf '%s\n' "$out"
}

# ---------------------------------------------------------------------------------------------------------------
# ZooKeeper (--ha): the standalone server Flink's own jars carry (flink-shaded-zookeeper-3), one node.

ZK_PORT_DEFAULT=12181
ZK_MAIN=org.apache.flink.shaded.zookeeper3.org.apache.zookeeper.server.ZooKeeperServerMain

zk_marker() { printf -- '-Dvigil.flink.node=%s#zookeeper#' "$STATE_DIR"; }

zk_pid() { live_pid "$STATE_DIR/zookeeper.pid" "$(zk_marker)"; }

# Starts ZooKeeper on port $1 with an empty data dir (no jobs of an earlier cluster to recover).
zk_start() {
  local port=$1 t0 deadline pid
  if pid=$(zk_pid); then
    log "zookeeper: already running (pid $pid), reusing it"
    return
  fi
  rm -rf "$STATE_DIR/zookeeper" "$STATE_DIR/ha"
  mkdir -p "$STATE_DIR/zookeeper"
  t0=$(now)
  launch "$LOG_DIR/zookeeper.out" "$(java_bin)" -Xmx256m "$(zk_marker)" -Dzookeeper.admin.enableServer=false \
    -cp "$FLINK_LIB/*" "$ZK_MAIN" "$port" "$STATE_DIR/zookeeper" 2000
  pid=$LAUNCHED_PID
  printf '%s\n' "$pid" >"$STATE_DIR/zookeeper.pid"
  deadline=$((SECONDS + READY_TIMEOUT))
  until port_open "$port"; do
    kill -0 "$pid" 2>/dev/null || fail_with_log "zookeeper: exited during start-up" "$LOG_DIR/zookeeper.out"
    ((SECONDS < deadline)) || fail_with_log "zookeeper: not listening after ${READY_TIMEOUT}s" "$LOG_DIR/zookeeper.out"
    sleep 0.3
  done
  log "zookeeper: listening on $HOST:$port after $(since "$t0")s (pid $pid)"
}

# ---------------------------------------------------------------------------------------------------------------
# JobManager

jm_marker() { printf -- '-Dvigil.flink.node=%s#jobmanager#' "$STATE_DIR"; }

jm_pid() { live_pid "$STATE_DIR/jobmanager.pid" "$(jm_marker)"; }

jm_start() {
  local params t0 deadline pid
  if pid=$(jm_pid); then
    log "jobmanager: already running (pid $pid), reusing it"
    return
  fi
  # A dead JobManager's working directory (its blob store) is not used again: with --ha a new one recovers
  # from the HA storage directory.
  rm -rf "$STATE_DIR/tmp/jm_"*
  params=$(resource_params GET_JM_RESOURCE_PARAMS)
  log "jobmanager: starting, REST on http://$HOST:$(rest_port), RPC on $HOST:$(cat "$STATE_DIR/rpc-port")"
  t0=$(now)
  # shellcheck disable=SC2046 # the BashJavaUtils lines are several flags each
  launch "$LOG_DIR/jobmanager.out" "$(java_bin)" $(sed -n 1p <<<"$params") "${JAVA_DEFAULT_OPTS[@]}" \
    "$(jm_marker)" -Dlog.file="$LOG_DIR/jobmanager.log" \
    -Dlog4j.configurationFile="file:$CONF_DIR/log4j.properties" \
    -Dlog4j2.configurationFile="file:$CONF_DIR/log4j.properties" \
    -cp "$FLINK_LIB/*" org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint \
    --configDir "$CONF_DIR" $(sed -n 2p <<<"$params")
  pid=$LAUNCHED_PID
  printf '%s\n' "$pid" >"$STATE_DIR/jobmanager.pid"
  deadline=$((SECONDS + READY_TIMEOUT))
  until rest_get /overview >/dev/null; do
    kill -0 "$pid" 2>/dev/null ||
      fail_with_log "jobmanager: exited during start-up" "$LOG_DIR/jobmanager.out" "$LOG_DIR/jobmanager.log"
    ((SECONDS < deadline)) ||
      fail_with_log "jobmanager: REST did not answer after ${READY_TIMEOUT}s" "$LOG_DIR/jobmanager.log"
    sleep 0.3
  done
  log "jobmanager: REST answers after $(since "$t0")s (pid $pid, log $LOG_DIR/jobmanager.log)"
}

# ---------------------------------------------------------------------------------------------------------------
# TaskManagers: number I gets resource id tm-I-<launch count>, so a TaskManager started again after a kill is told
# apart from the dead registration and tests can map tasks to TaskManagers (REST shows the resource id).

tm_marker() { printf -- '-Dvigil.flink.node=%s#tm-%s#' "$STATE_DIR" "$1"; }

tm_pid() { live_pid "$STATE_DIR/tm-$1.pid" "$(tm_marker "$1")"; }

tm_resource_id() { printf 'tm-%s-%s\n' "$1" "$(cat "$STATE_DIR/tm-$1.launches" 2>/dev/null || echo 0)"; }

# Launches TaskManager $1 unless running; sets TM_T0 when it launched one.
tm_launch() {
  local i=$1 params n pid
  TM_T0=
  if pid=$(tm_pid "$i"); then
    log "taskmanager $i: already running (pid $pid), reusing it"
    return
  fi
  # The working directories of this TaskManager's earlier launches (RocksDB files, blobs) belong to processes
  # that are gone: a killed TaskManager leaves hundreds of MB behind, and the cluster test kills several a run.
  rm -rf "$STATE_DIR/tmp/tm_tm-$i-"*
  [[ -n ${TM_PARAMS:-} ]] || TM_PARAMS=$(resource_params GET_TM_RESOURCE_PARAMS)
  params=$TM_PARAMS
  n=$(($(cat "$STATE_DIR/tm-$i.launches" 2>/dev/null || echo 0) + 1))
  printf '%s\n' "$n" >"$STATE_DIR/tm-$i.launches"
  TM_T0=$(now)
  # shellcheck disable=SC2046
  launch "$LOG_DIR/taskmanager-$i.out" "$(java_bin)" $(sed -n 1p <<<"$params") "${JAVA_DEFAULT_OPTS[@]}" \
    "$(tm_marker "$i")" -Dlog.file="$LOG_DIR/taskmanager-$i.log" \
    -Dlog4j.configurationFile="file:$CONF_DIR/log4j.properties" \
    -Dlog4j2.configurationFile="file:$CONF_DIR/log4j.properties" \
    -cp "$FLINK_LIB/*" org.apache.flink.runtime.taskexecutor.TaskManagerRunner \
    --configDir "$CONF_DIR" $(sed -n 2p <<<"$params") -D "taskmanager.resource-id=tm-$i-$n"
  printf '%s\n' "$LAUNCHED_PID" >"$STATE_DIR/tm-$i.pid"
  log "taskmanager $i: starting as tm-$i-$n (pid $LAUNCHED_PID, log $LOG_DIR/taskmanager-$i.log)"
}

# Waits until TaskManager $1's current resource id is registered at the ResourceManager.
tm_await() {
  local i=$1 id pid deadline
  id=$(tm_resource_id "$i")
  pid=$(cat "$STATE_DIR/tm-$i.pid")
  deadline=$((SECONDS + READY_TIMEOUT))
  until registered_tms | grep -qx -- "$id"; do
    kill -0 "$pid" 2>/dev/null ||
      fail_with_log "taskmanager $i: exited during start-up" "$LOG_DIR/taskmanager-$i.out" "$LOG_DIR/taskmanager-$i.log"
    ((SECONDS < deadline)) ||
      fail_with_log "taskmanager $i: not registered after ${READY_TIMEOUT}s" "$LOG_DIR/taskmanager-$i.log"
    sleep 0.3
  done
  if [[ -n ${TM_T0:-} ]]; then
    log "taskmanager $i: registered as $id after $(since "$TM_T0")s"
  fi
}

# The numbers of the TaskManagers that have a pid file (running, or killed and not cleaned up).
tm_indices() {
  local f i
  for f in "$STATE_DIR"/tm-*.pid; do
    [[ -e $f ]] || continue
    i=${f##*/tm-}
    printf '%s\n' "${i%.pid}"
  done
}

any_tm_running() {
  local i
  for i in $(tm_indices); do
    tm_pid "$i" >/dev/null && return 0
  done
  return 1
}

tm_index_valid() {
  [[ ${1:-} =~ ^[0-9]+$ ]] && (($1 >= 1 && $1 <= $(taskmanager_count))) ||
    die "expected a TaskManager number from 1 to $(taskmanager_count), got '${1:-}'"
}

# ---------------------------------------------------------------------------------------------------------------
# Prometheus (--prometheus): a server that scrapes every port of the reporter range and evaluates
# docker/prometheus/vigil-health.rules.yml, as a platform team's Prometheus would. Debian's prometheus package
# (`docker/services.sh tools` installs it, with promtool).

PROMETHEUS_DIR=$STATE_DIR/prometheus

prometheus_marker() { printf '%s\n' "$PROMETHEUS_DIR/prometheus.yml"; }

prometheus_pid() { live_pid "$PROMETHEUS_DIR/pid" "$(prometheus_marker)"; }

prometheus_url() { printf 'http://%s:%s\n' "$HOST" "$(cat "$PROMETHEUS_DIR/port")"; }

prometheus_write_config() {
  local from=${PROM_PORTS%-*} to=${PROM_PORTS#*-} port targets=
  [[ $PROM_PORTS =~ ^[0-9]+-[0-9]+$ ]] || die "VIGIL_FLINK_PROM_PORTS must be a port range like 19250-19269, was '$PROM_PORTS'"
  [[ $PROMETHEUS_INTERVAL =~ ^[0-9]+(ms|s|m)$ ]] ||
    die "VIGIL_PROMETHEUS_INTERVAL must be a duration like 5s, was '$PROMETHEUS_INTERVAL'"
  for ((port = from; port <= to; port++)); do
    targets+="${targets:+, }'$HOST:$port'"
  done
  mkdir -p "$PROMETHEUS_DIR/data"
  cat >"$PROMETHEUS_DIR/prometheus.yml.new" <<EOF
# Generated by docker/flink-cluster.sh; rewritten when the cluster starts.
global:
  scrape_interval: $PROMETHEUS_INTERVAL
  evaluation_interval: $PROMETHEUS_INTERVAL
rule_files:
  - $PROMETHEUS_RULES
scrape_configs:
  # Every port of the reporter range: each Flink process serves /metrics on the first free one.
  - job_name: flink
    static_configs:
      - targets: [$targets]
EOF
  mv "$PROMETHEUS_DIR/prometheus.yml.new" "$PROMETHEUS_DIR/prometheus.yml"
}

prometheus_start() {
  local pid port deadline t0
  command -v prometheus >/dev/null ||
    die "prometheus is not installed: run docker/services.sh tools (it installs Debian's prometheus package)"
  prometheus_write_config
  if pid=$(prometheus_pid); then
    # A running server re-reads its configuration and the rules.
    kill -HUP "$pid"
    log "prometheus: already running (pid $pid), configuration reloaded"
    return
  fi
  port=$(choose_port "$PROMETHEUS_DIR/port" "$PROMETHEUS_PORT_DEFAULT")
  # A new server watches the cluster from now on: nothing of an earlier one's jobs is in its storage.
  rm -rf "$PROMETHEUS_DIR/data"
  mkdir -p "$PROMETHEUS_DIR/data"
  port_open "$port" && die "prometheus: port $port (remembered in $PROMETHEUS_DIR/port) is used by another process;" \
    "stop it or delete that file"
  log "prometheus: starting on $HOST:$port, scraping $PROM_PORTS every $PROMETHEUS_INTERVAL"
  t0=$(now)
  # setsid does not fork here, so $! is the server's pid; fd 9 is the state dir lock.
  setsid prometheus --config.file="$(prometheus_marker)" --storage.tsdb.path="$PROMETHEUS_DIR/data" \
    --storage.tsdb.retention.time=1d --web.listen-address="$HOST:$port" \
    </dev/null >>"$PROMETHEUS_DIR/prometheus.log" 2>&1 9>&- &
  pid=$!
  printf '%s\n' "$pid" >"$PROMETHEUS_DIR/pid"
  deadline=$((SECONDS + READY_TIMEOUT))
  until curl -sS --fail --max-time 5 "$(prometheus_url)/-/ready" >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || fail_with_log "prometheus exited during start-up" "$PROMETHEUS_DIR/prometheus.log"
    ((SECONDS < deadline)) ||
      fail_with_log "prometheus: /-/ready did not answer after ${READY_TIMEOUT}s" "$PROMETHEUS_DIR/prometheus.log"
    sleep 0.2
  done
  log "prometheus: ready at $(prometheus_url) after $(since "$t0")s (pid $pid, log $PROMETHEUS_DIR/prometheus.log)"
}

prometheus_stop() {
  local pid
  if pid=$(prometheus_pid); then
    log "prometheus: stopping (pid $pid)"
    terminate prometheus "$pid"
  fi
  rm -f "$PROMETHEUS_DIR/pid"
}

# ---------------------------------------------------------------------------------------------------------------
# Commands

running() { [[ -s $STATE_DIR/rest-port ]] && jm_pid >/dev/null && rest_get /overview >/dev/null; }

print_env() {
  running || return 0
  printf 'export VIGIL_FLINK_DIR=%q\n' "$STATE_DIR"
  printf 'export VIGIL_FLINK_REST=%q\n' "http://$HOST:$(rest_port)"
  printf 'export VIGIL_FLINK_CONF_DIR=%q\n' "$CONF_DIR"
  printf 'export VIGIL_FLINK_LIB=%q\n' "$FLINK_LIB"
  printf 'export VIGIL_FLINK_PROMETHEUS_PORTS=%q\n' "$(sed -n 's/^metrics.reporter.prom.port: //p' "$CONF_DIR/config.yaml")"
  printf 'export VIGIL_FLINK_CHECKPOINTS=%q\n' "file://$STATE_DIR/checkpoints"
  printf 'export VIGIL_FLINK_SAVEPOINTS=%q\n' "file://$STATE_DIR/savepoints"
  printf 'export VIGIL_FLINK_TASKMANAGERS=%q\n' "$(taskmanager_count)"
  if grep -q '^high-availability.type: zookeeper' "$CONF_DIR/config.yaml"; then
    printf 'export VIGIL_FLINK_HA=true\n'
  else
    printf 'export VIGIL_FLINK_HA=false\n'
  fi
  if prometheus_pid >/dev/null; then
    printf 'export VIGIL_PROMETHEUS_URL=%q\n' "$(prometheus_url)"
  fi
}

lock_state_dir() {
  exec 9>"$STATE_DIR/.lock"
  flock -w "$((READY_TIMEOUT * 3))" 9 || die "another flink-cluster.sh holds $STATE_DIR/.lock"
}

cmd_start() {
  local tms=${VIGIL_FLINK_TASKMANAGERS:-2} slots=2 ha=false prometheus=false rest rpc zk= pid i
  while (($# > 0)); do
    case $1 in
      --taskmanagers) tms=${2:?--taskmanagers needs a number}; shift 2 ;;
      --slots) slots=${2:?--slots needs a number}; shift 2 ;;
      --ha) ha=true; shift ;;
      --prometheus) prometheus=true; shift ;;
      *) die "unknown option '$1' (expected --taskmanagers N, --slots S, --ha or --prometheus)" ;;
    esac
  done
  [[ $tms =~ ^[1-9][0-9]*$ && $slots =~ ^[1-9][0-9]*$ ]] || die "--taskmanagers and --slots take positive numbers"
  command -v curl >/dev/null || die "curl is needed (apt-get install curl)"
  ensure_lib
  if ! jm_pid >/dev/null; then
    if ! any_tm_running; then
      # Nothing of an earlier cluster runs: what is left in its temporary directory (working directories and
      # RPC jars of killed processes) is garbage, and without this it grows by gigabytes over test runs. So are the
      # info logs of their RocksDB instances, which Flink writes to the log directory named after the instance's
      # working directory (tmp_..._db_LOG): a test run leaves about 70 of them.
      rm -rf "${STATE_DIR:?}/tmp"
      rm -f "$LOG_DIR"/tmp_*_LOG
    fi
    rest=$(choose_port "$STATE_DIR/rest-port" "$REST_PORT_DEFAULT")
    rpc=$(choose_port "$STATE_DIR/rpc-port" "$RPC_PORT_DEFAULT" "$rest")
    for p in "$rest" "$rpc"; do
      port_open "$p" && die "port $p (remembered in $STATE_DIR) is used by another process; stop it or delete" \
        "$STATE_DIR/rest-port and $STATE_DIR/rpc-port"
    done
    if [[ $ha == true ]]; then
      zk=$(choose_port "$STATE_DIR/zk-port" "$ZK_PORT_DEFAULT" "$rest")
      zk_start "$zk"
    elif pid=$(zk_pid); then
      log "zookeeper: stopping (pid $pid): this cluster runs without --ha"
      terminate zookeeper "$pid"
    fi
    write_config "$rest" "$rpc" "$slots" "$zk"
  elif [[ -s $STATE_DIR/taskmanagers ]] && ((tms < $(taskmanager_count))); then
    tms=$(taskmanager_count)
  fi
  printf '%s\n' "$tms" >"$STATE_DIR/taskmanagers"
  jm_start
  # TaskManager JVMs boot in parallel; then each must show up at the ResourceManager.
  for ((i = 1; i <= tms; i++)); do
    tm_launch "$i"
  done
  for ((i = 1; i <= tms; i++)); do
    tm_await "$i"
  done
  if [[ $prometheus == true ]]; then
    prometheus_start
  fi
  print_env
}

cmd_stop() {
  local i pid
  for i in $(tm_indices); do
    if pid=$(tm_pid "$i"); then
      log "taskmanager $i: stopping (pid $pid)"
      terminate "taskmanager $i" "$pid"
    fi
    rm -f "$STATE_DIR/tm-$i.pid"
  done
  if pid=$(jm_pid); then
    log "jobmanager: stopping (pid $pid)"
    terminate jobmanager "$pid"
    log "stopped"
  else
    log "jobmanager: not running"
  fi
  rm -f "$STATE_DIR/jobmanager.pid"
  if pid=$(zk_pid); then
    log "zookeeper: stopping (pid $pid)"
    terminate zookeeper "$pid"
  fi
  rm -f "$STATE_DIR/zookeeper.pid"
  prometheus_stop
}

cmd_status() {
  local rc=0 i pid
  if running; then
    printf 'jobmanager   pid=%s rest=http://%s:%s log=%s\n' "$(jm_pid)" "$HOST" "$(rest_port)" "$LOG_DIR/jobmanager.log"
  else
    printf 'jobmanager   stopped\n'
    rc=1
  fi
  if [[ -s $STATE_DIR/taskmanagers ]]; then
    for ((i = 1; i <= $(taskmanager_count); i++)); do
      if pid=$(tm_pid "$i"); then
        printf 'taskmanager %s pid=%s id=%s log=%s\n' "$i" "$pid" "$(tm_resource_id "$i")" "$LOG_DIR/taskmanager-$i.log"
      else
        printf 'taskmanager %s stopped\n' "$i"
        rc=1
      fi
    done
  fi
  if pid=$(prometheus_pid); then
    printf 'prometheus   pid=%s url=%s log=%s\n' "$pid" "$(prometheus_url)" "$PROMETHEUS_DIR/prometheus.log"
  fi
  return "$rc"
}

# SIGKILLs process $2 (named $1 in messages) and waits until it is gone.
kill_now() {
  local name=$1 pid=$2 n
  kill -KILL "$pid"
  for ((n = 0; n < 100; n++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  ! kill -0 "$pid" 2>/dev/null || die "$name (pid $pid) survived SIGKILL"
}

cmd_kill_tm() {
  local i=${1:-} pid
  tm_index_valid "$i"
  pid=$(tm_pid "$i") || die "taskmanager $i is not running"
  kill_now "taskmanager $i" "$pid"
  rm -f "$STATE_DIR/tm-$i.pid"
  log "taskmanager $i: killed (SIGKILL, pid $pid, was $(tm_resource_id "$i"))"
}

cmd_start_tm() {
  local i=${1:-}
  tm_index_valid "$i"
  running || die "the jobmanager is not running: start the cluster first"
  tm_launch "$i"
  tm_await "$i"
}

cmd_kill_jm() {
  local pid
  pid=$(jm_pid) || die "the jobmanager is not running"
  kill_now jobmanager "$pid"
  rm -f "$STATE_DIR/jobmanager.pid"
  log "jobmanager: killed (SIGKILL, pid $pid)"
}

cmd_start_jm() {
  [[ -s $CONF_DIR/config.yaml ]] || die "no cluster configuration in $CONF_DIR: start the cluster first"
  jm_start
}

# Flink's CLI (what bin/flink runs) with this cluster's configuration: `flink run -d -c Main job.jar --args`.
cmd_flink() {
  [[ -s $CONF_DIR/config.yaml ]] || die "no cluster configuration in $CONF_DIR: start the cluster first"
  mkdir -p "$STATE_DIR/plugins"
  # shellcheck disable=SC2086 # VIGIL_FLINK_CLI_OPTS holds several JVM flags.
  FLINK_CONF_DIR=$CONF_DIR FLINK_PLUGINS_DIR=$STATE_DIR/plugins exec "$(java_bin)" ${VIGIL_FLINK_CLI_OPTS:--Xmx512m} "${JAVA_DEFAULT_OPTS[@]}" \
    -Dlog.file="$LOG_DIR/client.log" -Dlog4j.configurationFile="file:$CONF_DIR/log4j-cli.properties" \
    -Dlog4j2.configurationFile="file:$CONF_DIR/log4j-cli.properties" \
    -cp "$FLINK_LIB/*" org.apache.flink.client.cli.CliFrontend "$@"
}

main() {
  local cmd=${1:-help}
  (($# == 0)) || shift
  case $cmd in
    start | stop | stop-prometheus | kill-tm | start-tm | kill-jm | start-jm)
      mkdir -p "$STATE_DIR" "$LOG_DIR"
      lock_state_dir
      case $cmd in
        start) cmd_start "$@" ;;
        stop) cmd_stop ;;
        stop-prometheus) prometheus_stop ;;
        kill-tm) cmd_kill_tm "$@" ;;
        start-tm) cmd_start_tm "$@" ;;
        kill-jm) cmd_kill_jm ;;
        start-jm) cmd_start_jm ;;
      esac
      ;;
    status) cmd_status ;;
    env) print_env ;;
    flink) cmd_flink "$@" ;;
    help | -h | --help) usage ;;
    *)
      usage
      die "unknown command '$cmd'"
      ;;
  esac
}

main "$@"
