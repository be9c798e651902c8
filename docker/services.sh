#!/usr/bin/env bash
# Starts Kafka (KRaft, one node), PostgreSQL and InfluxDB 1.x as local processes, for Vigil's integration
# tests and demos on machines without a Docker engine. See docker/README.md.
#
#   docker/services.sh start [all|kafka|postgres|influxdb]...   start (or reuse) servers, then print env lines
#   docker/services.sh stop [all|kafka|postgres|influxdb]...    stop servers gracefully
#   docker/services.sh restart [all|kafka|postgres|influxdb]... stop, then start on the same ports with the same data
#   docker/services.sh status [names...]                        one line per server; exit 1 if one is not running
#   docker/services.sh env                                      `export VAR=value` lines for running servers
#   docker/services.sh tools                                    install the tools the tests use: promtool
#
# Progress goes to stderr, env lines to stdout: eval "$(docker/services.sh start all)".
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
STATE_DIR=${VIGIL_SERVICES_DIR:-/tmp/vigil-services}
[[ $STATE_DIR == /* ]] || STATE_DIR=$PWD/$STATE_DIR
CACHE_DIR=${VIGIL_CACHE_DIR:-${HOME:-/tmp}/.cache/vigil}
# Seconds a server gets to answer after launch; CI machines are slower than laptops.
READY_TIMEOUT=${VIGIL_SERVICES_TIMEOUT:-120}
STOP_TIMEOUT=${VIGIL_SERVICES_STOP_TIMEOUT:-60}
KAFKA_HEAP_OPTS=${VIGIL_KAFKA_HEAP_OPTS:--Xms256m -Xmx1g}
ALL_SERVICES=(kafka postgres influxdb)

# Preferred ports; the next free one is taken when busy, and remembered in the state dir.
KAFKA_PORT_DEFAULT=19092
KAFKA_CONTROLLER_PORT_DEFAULT=19093
PG_PORT_DEFAULT=15432
INFLUX_PORT_DEFAULT=18086
INFLUX_RPC_PORT_DEFAULT=18088

HOST=127.0.0.1
PG_DB=vigil
PG_USER=vigil
INFLUX_DB=vigil

# ---------------------------------------------------------------------------------------------------------------
# Helpers

LOG_TAG=services
# shellcheck source=docker/lib.sh
source "$SCRIPT_DIR/lib.sh"

usage() {
  sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
}

# True when something accepts TCP connections on 127.0.0.1:$1.
port_open() {
  timeout 2 bash -c ": <>/dev/tcp/$HOST/$1" 2>/dev/null
}

# Ports remembered by any server of this state dir, so two servers never pick the same one.
reserved_ports() {
  local f
  for f in "$STATE_DIR"/*/port "$STATE_DIR"/*/*-port; do
    [[ -s $f ]] && cat "$f"
  done
  return 0
}

# Prints the port remembered in file $1, or picks a free one starting at $2 and remembers it.
choose_port() {
  local file=$1 port=$2 reserved i
  if [[ -s $file ]]; then
    cat "$file"
    return
  fi
  reserved=" $(reserved_ports | tr '\n' ' ') "
  for ((i = 0; i < 500; i++, port++)); do
    if [[ $reserved != *" $port "* ]] && ! port_open "$port"; then
      printf '%s\n' "$port" >"$file"
      printf '%s\n' "$port"
      return
    fi
  done
  die "no free port found from $2 upwards"
}

# Fails when a remembered port is taken by a process that is not ours: moving silently would break clients
# that kept the old address (a test restarting PostgreSQL expects the same port).
require_port_free() {
  local name=$1 port=$2 file=$3
  if port_open "$port"; then
    die "$name: port $port (remembered in $file) is used by another process; stop that process," \
      "or delete $file to pick a new port"
  fi
}

# Removes pid file $1 when its process is gone.
clean_stale_pid() {
  local pidfile=$1 marker=$2
  if [[ -e $pidfile ]] && ! live_pid "$pidfile" "$marker" >/dev/null; then
    log "removing stale pid file $pidfile"
    rm -f "$pidfile"
  fi
}

apt_install() {
  local -a sudo=()
  if [[ $EUID -ne 0 ]]; then
    command -v sudo >/dev/null || die "missing packages ($*): install them with apt-get as root"
    sudo=(sudo -n)
  fi
  log "installing Debian packages: $* (output in $STATE_DIR/apt.log)"
  # apt-get does not start the servers on a machine without systemd; where a package's postinst does start one
  # (influxd on 8086, a postgres cluster on 5432) it does not matter: Vigil uses its own ports and data dirs.
  if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" \
    >>"$STATE_DIR/apt.log" 2>&1; then
    "${sudo[@]}" apt-get update >>"$STATE_DIR/apt.log" 2>&1 || true
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" \
      >>"$STATE_DIR/apt.log" 2>&1 || fail_with_log "apt-get install $* failed" "$STATE_DIR/apt.log"
  fi
}

# Installs whatever the named servers need and is missing, in one apt-get call.
ensure_installed() {
  local -a pkgs=()
  local svc
  for svc in "$@"; do
    case $svc in
      kafka)
        command -v "$(java_bin)" >/dev/null || pkgs+=(openjdk-17-jre-headless)
        command -v mvn >/dev/null || pkgs+=(maven)
        ;;
      postgres) pg_bin_dir >/dev/null 2>&1 || pkgs+=(postgresql) ;;
      influxdb)
        command -v influxd >/dev/null || pkgs+=(influxdb influxdb-client)
        command -v curl >/dev/null || pkgs+=(curl)
        ;;
    esac
  done
  if ((${#pkgs[@]} > 0)); then
    apt_install "${pkgs[@]}"
  fi
}

# Runs a command in the background, detached from this shell's session so it outlives the script,
# with stdout/stderr in $1; sets LAUNCHED_PID.
launch() {
  local out=$1
  shift
  # setsid does not fork here (a background job is not a process group leader), so $! is the server's pid.
  # Fd 9 is the state dir lock: a server must not keep holding it.
  setsid "$@" </dev/null >>"$out" 2>&1 9>&- &
  LAUNCHED_PID=$!
}

# ---------------------------------------------------------------------------------------------------------------
# Kafka: one KRaft JVM acting as broker and controller.

KAFKA_DIR=$STATE_DIR/kafka
KAFKA_LIB=$CACHE_DIR/kafka-lib

kafka_marker() { printf '%s\n' "$KAFKA_DIR/server.properties"; }

# Resolves the broker's jars from docker/kafka/pom.xml once into the cache; re-resolves when the pom changes.
kafka_ensure_lib() {
  local pom=$SCRIPT_DIR/kafka/pom.xml stamp tmp t0
  stamp=$(cksum <"$pom")
  if [[ -f $KAFKA_LIB/.complete && $(cat "$KAFKA_LIB/.complete") == "$stamp" ]]; then
    return
  fi
  t0=$(now)
  log "kafka: resolving broker jars with Maven into $KAFKA_LIB (first run only; log in $STATE_DIR/kafka-mvn.log)"
  mkdir -p "$CACHE_DIR"
  tmp=$(mktemp -d "$CACHE_DIR/kafka-lib.XXXXXX")
  if ! mvn -B -q -f "$pom" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$tmp" \
    >"$STATE_DIR/kafka-mvn.log" 2>&1; then
    rm -rf "$tmp"
    fail_with_log "kafka: resolving the broker jars with Maven failed" "$STATE_DIR/kafka-mvn.log"
  fi
  printf '%s\n' "$stamp" >"$tmp/.complete"
  rm -rf "$KAFKA_LIB"
  mv "$tmp" "$KAFKA_LIB"
  chmod 755 "$KAFKA_LIB"
  log "kafka: broker jars ready after $(since "$t0")s"
}

kafka_java() {
  "$(java_bin)" -cp "$KAFKA_LIB/*" -Dlog4j2.configurationFile="$KAFKA_DIR/tools-log4j2.properties" "$@"
}

kafka_write_config() {
  local port=$1 ctrl=$2
  cat >"$KAFKA_DIR/server.properties" <<EOF
# Generated by docker/services.sh; rewritten on every start.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$HOST:$ctrl
listeners=PLAINTEXT://$HOST:$port,CONTROLLER://$HOST:$ctrl
advertised.listeners=PLAINTEXT://$HOST:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$KAFKA_DIR/data
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
auto.create.topics.enable=true
# One node: every internal topic has one replica. Few partitions keep the first group/transaction fast.
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=4
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
# Flink's exactly-once sink keeps transactions open across checkpoints (and restarts).
transaction.max.timeout.ms=3600000
EOF
  cat >"$KAFKA_DIR/log4j2.properties" <<EOF
status = warn
appender.file.type = RollingFile
appender.file.name = FILE
appender.file.fileName = $KAFKA_DIR/logs/server.log
appender.file.filePattern = $KAFKA_DIR/logs/server.log.%i
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
appender.file.policies.type = Policies
appender.file.policies.size.type = SizeBasedTriggeringPolicy
appender.file.policies.size.size = 50MB
appender.file.strategy.type = DefaultRolloverStrategy
appender.file.strategy.max = 3
rootLogger.level = info
rootLogger.appenderRef.file.ref = FILE
logger.statechange.name = state.change.logger
logger.statechange.level = warn
logger.request.name = kafka.request.logger
logger.request.level = warn
EOF
  cat >"$KAFKA_DIR/tools-log4j2.properties" <<'EOF'
status = warn
appender.err.type = Console
appender.err.name = STDERR
appender.err.target = SYSTEM_ERR
appender.err.layout.type = PatternLayout
appender.err.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = warn
rootLogger.appenderRef.err.ref = STDERR
EOF
}

kafka_running() {
  live_pid "$KAFKA_DIR/pid" "$(kafka_marker)" >/dev/null && [[ -s $KAFKA_DIR/port ]] && port_open "$(cat "$KAFKA_DIR/port")"
}

# Starts the JVM without waiting; kafka_await waits. Sets KAFKA_T0 (empty when an existing broker is reused).
kafka_launch() {
  local port ctrl cluster_id
  KAFKA_T0=
  mkdir -p "$KAFKA_DIR/data" "$KAFKA_DIR/logs"
  kafka_ensure_lib
  clean_stale_pid "$KAFKA_DIR/pid" "$(kafka_marker)"
  if live_pid "$KAFKA_DIR/pid" "$(kafka_marker)" >/dev/null; then
    log "kafka: already running (pid $(cat "$KAFKA_DIR/pid")), reusing it"
    return
  fi
  port=$(choose_port "$KAFKA_DIR/port" "$KAFKA_PORT_DEFAULT")
  ctrl=$(choose_port "$KAFKA_DIR/controller-port" "$KAFKA_CONTROLLER_PORT_DEFAULT")
  require_port_free kafka "$port" "$KAFKA_DIR/port"
  require_port_free kafka "$ctrl" "$KAFKA_DIR/controller-port"
  kafka_write_config "$port" "$ctrl"
  if [[ ! -f $KAFKA_DIR/data/meta.properties ]]; then
    # A cluster id is 16 random bytes in URL-safe base64 without padding (what StorageTool random-uuid prints),
    # made here to save a JVM start; Kafka rejects ids starting with '-'.
    cluster_id=-
    while [[ $cluster_id == -* ]]; do
      cluster_id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
    done
    log "kafka: formatting storage in $KAFKA_DIR/data (cluster id $cluster_id)"
    kafka_java kafka.tools.StorageTool format -t "$cluster_id" -c "$KAFKA_DIR/server.properties" \
      >>"$KAFKA_DIR/logs/format.log" 2>&1 || fail_with_log "kafka: StorageTool format failed" "$KAFKA_DIR/logs/format.log"
  fi
  log "kafka: starting broker on $HOST:$port (controller $HOST:$ctrl)"
  KAFKA_T0=$(now)
  # shellcheck disable=SC2086 # KAFKA_HEAP_OPTS holds several JVM flags.
  launch "$KAFKA_DIR/logs/kafka.out" "$(java_bin)" $KAFKA_HEAP_OPTS -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$KAFKA_DIR/log4j2.properties" -Dkafka.logs.dir="$KAFKA_DIR/logs" \
    -cp "$KAFKA_LIB/*" kafka.Kafka "$KAFKA_DIR/server.properties"
  printf '%s\n' "$LAUNCHED_PID" >"$KAFKA_DIR/pid"
}

# Waits until the broker answers a metadata request (listing topics through the Admin API).
kafka_await() {
  local port pid deadline
  local -a logs=("$KAFKA_DIR/logs/server.log" "$KAFKA_DIR/logs/kafka.out")
  port=$(cat "$KAFKA_DIR/port")
  pid=$(cat "$KAFKA_DIR/pid")
  deadline=$((SECONDS + READY_TIMEOUT))
  while ! port_open "$port"; do
    kill -0 "$pid" 2>/dev/null || fail_with_log "kafka: the broker exited during start-up" "${logs[@]}"
    ((SECONDS < deadline)) || fail_with_log "kafka: port $port not open after ${READY_TIMEOUT}s" "${logs[@]}"
    sleep 0.2
  done
  until timeout 60 "$(java_bin)" -cp "$KAFKA_LIB/*" -Dlog4j2.configurationFile="$KAFKA_DIR/tools-log4j2.properties" \
    org.apache.kafka.tools.TopicCommand --bootstrap-server "$HOST:$port" --list >/dev/null 2>>"$KAFKA_DIR/logs/ready-check.log"; do
    kill -0 "$pid" 2>/dev/null || fail_with_log "kafka: the broker exited during start-up" "${logs[@]}"
    ((SECONDS < deadline)) || fail_with_log "kafka: no answer to a topic listing after ${READY_TIMEOUT}s" "${logs[@]}" "$KAFKA_DIR/logs/ready-check.log"
    sleep 1
  done
  if [[ -n $KAFKA_T0 ]]; then
    log "kafka: ready on $HOST:$port after $(since "$KAFKA_T0")s (pid $pid, log $KAFKA_DIR/logs/server.log)"
  fi
}

kafka_start() {
  kafka_launch
  kafka_await
}

kafka_stop() {
  local pid
  clean_stale_pid "$KAFKA_DIR/pid" "$(kafka_marker)"
  if pid=$(live_pid "$KAFKA_DIR/pid" "$(kafka_marker)"); then
    log "kafka: stopping (pid $pid)"
    terminate kafka "$pid"
    rm -f "$KAFKA_DIR/pid"
    log "kafka: stopped"
  else
    log "kafka: not running"
  fi
}

kafka_env() {
  printf 'export VIGIL_KAFKA_BOOTSTRAP=%q\n' "$HOST:$(cat "$KAFKA_DIR/port")"
}

kafka_status() {
  printf 'kafka     pid=%s bootstrap=%s:%s log=%s\n' "$(cat "$KAFKA_DIR/pid")" "$HOST" "$(cat "$KAFKA_DIR/port")" \
    "$KAFKA_DIR/logs/server.log"
}

# ---------------------------------------------------------------------------------------------------------------
# PostgreSQL: a private cluster run by the `postgres` OS user when this script runs as root (initdb refuses root).

PG_DIR=$STATE_DIR/postgres

# The newest installed server's bin dir, preferring 15 (what Debian 12 ships and CI uses).
pg_bin_dir() {
  local d
  if [[ -n ${VIGIL_PG_BIN:-} ]]; then
    printf '%s\n' "$VIGIL_PG_BIN"
    return
  fi
  if [[ -x /usr/lib/postgresql/15/bin/initdb ]]; then
    printf '%s\n' /usr/lib/postgresql/15/bin
    return
  fi
  d=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n 1)
  [[ -n $d && -x $d/initdb ]] || return 1
  printf '%s\n' "$d"
}

# Runs a PostgreSQL tool as the `postgres` user when root, as ourselves otherwise; from / so that a cwd the
# postgres user cannot read does not produce warnings. Fd 9 (the state dir lock) must not leak into the postmaster.
as_pg() {
  if [[ $EUID -eq 0 ]]; then
    (cd / && runuser -u postgres -- "$@" 9>&-)
  else
    (cd / && "$@" 9>&-)
  fi
}

pg_ctl_() { as_pg "$(pg_bin_dir)/pg_ctl" -D "$PG_DIR/data" "$@"; }

pg_running() {
  [[ -s $PG_DIR/port && -f $PG_DIR/data/PG_VERSION ]] || return 1
  pg_ctl_ status >/dev/null 2>&1 && port_open "$(cat "$PG_DIR/port")"
}

pg_password() { cat "$PG_DIR/password"; }

pg_init() {
  local pw
  log "postgres: initdb in $PG_DIR/data"
  mkdir -p "$PG_DIR/data" "$PG_DIR/run"
  chmod 700 "$PG_DIR/data" "$PG_DIR/run"
  if [[ $EUID -eq 0 ]]; then
    chown postgres: "$PG_DIR/data" "$PG_DIR/run"
    as_pg test -w "$PG_DIR/data" ||
      die "postgres: the postgres user cannot reach $PG_DIR; use a VIGIL_SERVICES_DIR every user can traverse"
  fi
  # Socket connections are trusted (the socket dir is private to the postgres user); TCP needs a password.
  as_pg "$(pg_bin_dir)/initdb" -D "$PG_DIR/data" -U postgres -E UTF8 --locale=C.UTF-8 \
    --auth-local=trust --auth-host=scram-sha-256 >"$PG_DIR/initdb.log" 2>&1 ||
    fail_with_log "postgres: initdb failed" "$PG_DIR/initdb.log"
  cat >>"$PG_DIR/data/postgresql.conf" <<'EOF'

# Vigil (docker/services.sh). Port, socket dir and listen address come from the command line.
max_connections = 200
password_encryption = scram-sha-256
fsync = on
EOF
  if [[ ! -s $PG_DIR/password ]]; then
    pw=$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')
    (umask 077 && printf '%s\n' "$pw" >"$PG_DIR/password")
  fi
  chmod 600 "$PG_DIR/password"
}

# Creates (or updates the password of) role vigil and its database; idempotent, run on every start.
pg_provision() {
  local port=$1
  as_pg "$(pg_bin_dir)/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_DIR/run" -p "$port" -U postgres -d postgres \
    >"$PG_DIR/provision.log" 2>&1 <<EOF || fail_with_log "postgres: creating role/database $PG_DB failed" "$PG_DIR/provision.log"
SELECT 'CREATE ROLE $PG_USER' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_USER') \gexec
ALTER ROLE $PG_USER WITH LOGIN CREATEDB PASSWORD '$(pg_password)';
SELECT 'CREATE DATABASE $PG_DB OWNER $PG_USER' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$PG_DB') \gexec
EOF
}

postgres_start() {
  local port t0 deadline
  mkdir -p "$PG_DIR"
  if pg_running; then
    log "postgres: already running on $HOST:$(cat "$PG_DIR/port"), reusing it"
    return
  fi
  [[ -f $PG_DIR/data/PG_VERSION ]] || pg_init
  port=$(choose_port "$PG_DIR/port" "$PG_PORT_DEFAULT")
  require_port_free postgres "$port" "$PG_DIR/port"
  # pg_ctl removes a stale postmaster.pid itself.
  touch "$PG_DIR/postgres.log"
  [[ $EUID -ne 0 ]] || chown postgres: "$PG_DIR/postgres.log"
  log "postgres: starting on $HOST:$port"
  t0=$(now)
  pg_ctl_ -l "$PG_DIR/postgres.log" -w -t "$READY_TIMEOUT" \
    -o "-p $port -k $PG_DIR/run -c listen_addresses=$HOST" start >>"$PG_DIR/pg_ctl.log" 2>&1 ||
    fail_with_log "postgres: pg_ctl start failed" "$PG_DIR/postgres.log"
  deadline=$((SECONDS + READY_TIMEOUT))
  until "$(pg_bin_dir)/pg_isready" -q -h "$HOST" -p "$port" -d postgres; do
    ((SECONDS < deadline)) || fail_with_log "postgres: not ready after ${READY_TIMEOUT}s" "$PG_DIR/postgres.log"
    sleep 0.1
  done
  pg_provision "$port"
  # The check clients will make: password authentication over TCP.
  PGPASSWORD=$(pg_password) "$(pg_bin_dir)/psql" -X -q -w -h "$HOST" -p "$port" -U "$PG_USER" -d "$PG_DB" \
    -c 'SELECT 1' >/dev/null 2>>"$PG_DIR/provision.log" ||
    fail_with_log "postgres: password login as $PG_USER failed" "$PG_DIR/provision.log"
  log "postgres: ready on $HOST:$port after $(since "$t0")s (log $PG_DIR/postgres.log)"
}

postgres_stop() {
  if [[ -f $PG_DIR/data/PG_VERSION ]] && pg_ctl_ status >/dev/null 2>&1; then
    log "postgres: stopping"
    if ! pg_ctl_ -m fast -w -t "$STOP_TIMEOUT" stop >>"$PG_DIR/pg_ctl.log" 2>&1; then
      log "postgres: fast shutdown did not finish within ${STOP_TIMEOUT}s: immediate shutdown"
      pg_ctl_ -m immediate -w -t "$STOP_TIMEOUT" stop >>"$PG_DIR/pg_ctl.log" 2>&1 ||
        fail_with_log "postgres: could not stop" "$PG_DIR/pg_ctl.log"
    fi
    log "postgres: stopped"
  else
    log "postgres: not running"
  fi
}

postgres_running() { pg_running; }

postgres_env() {
  local port
  port=$(cat "$PG_DIR/port")
  printf 'export VIGIL_PG_HOST=%q\n' "$HOST"
  printf 'export VIGIL_PG_PORT=%q\n' "$port"
  printf 'export VIGIL_PG_URL=%q\n' "jdbc:postgresql://$HOST:$port/$PG_DB"
  printf 'export VIGIL_PG_USER=%q\n' "$PG_USER"
  printf 'export VIGIL_PG_PASSWORD=%q\n' "$(pg_password)"
}

postgres_status() {
  printf 'postgres  pid=%s address=%s:%s log=%s\n' "$(head -n 1 "$PG_DIR/data/postmaster.pid" 2>/dev/null || echo '?')" \
    "$HOST" "$(cat "$PG_DIR/port")" "$PG_DIR/postgres.log"
}

# ---------------------------------------------------------------------------------------------------------------
# InfluxDB 1.x: influxd with a generated config whose dirs live in the state dir.

INFLUX_DIR=$STATE_DIR/influxdb

influxdb_marker() { printf '%s\n' "$INFLUX_DIR/influxdb.conf"; }

influxdb_running() {
  live_pid "$INFLUX_DIR/pid" "$(influxdb_marker)" >/dev/null && [[ -s $INFLUX_DIR/port ]] &&
    influx_ping "$(cat "$INFLUX_DIR/port")"
}

influx_ping() {
  [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://$HOST:$1/ping" 2>/dev/null) == 204 ]]
}

influxdb_write_config() {
  local port=$1 rpc=$2
  cat >"$INFLUX_DIR/influxdb.conf" <<EOF
# Generated by docker/services.sh; rewritten on every start.
reporting-disabled = true
bind-address = "$HOST:$rpc"

[meta]
  dir = "$INFLUX_DIR/meta"

[data]
  dir = "$INFLUX_DIR/data"
  wal-dir = "$INFLUX_DIR/wal"
  query-log-enabled = false

[monitor]
  store-enabled = false

[http]
  enabled = true
  bind-address = "$HOST:$port"
  auth-enabled = false
  log-enabled = false

[subscriber]
  enabled = false

[continuous_queries]
  log-enabled = false
EOF
}

influxdb_start() {
  local port rpc pid t0 deadline
  mkdir -p "$INFLUX_DIR/meta" "$INFLUX_DIR/data" "$INFLUX_DIR/wal"
  clean_stale_pid "$INFLUX_DIR/pid" "$(influxdb_marker)"
  if pid=$(live_pid "$INFLUX_DIR/pid" "$(influxdb_marker)"); then
    log "influxdb: already running (pid $pid), reusing it"
    port=$(cat "$INFLUX_DIR/port")
    t0=
  else
    port=$(choose_port "$INFLUX_DIR/port" "$INFLUX_PORT_DEFAULT")
    rpc=$(choose_port "$INFLUX_DIR/rpc-port" "$INFLUX_RPC_PORT_DEFAULT")
    require_port_free influxdb "$port" "$INFLUX_DIR/port"
    require_port_free influxdb "$rpc" "$INFLUX_DIR/rpc-port"
    influxdb_write_config "$port" "$rpc"
    log "influxdb: starting on $HOST:$port (rpc $HOST:$rpc)"
    t0=$(now)
    launch "$INFLUX_DIR/influxd.log" "$(command -v influxd)" run -config "$INFLUX_DIR/influxdb.conf"
    pid=$LAUNCHED_PID
    printf '%s\n' "$pid" >"$INFLUX_DIR/pid"
  fi
  deadline=$((SECONDS + READY_TIMEOUT))
  until influx_ping "$port"; do
    kill -0 "$pid" 2>/dev/null || fail_with_log "influxdb: influxd exited during start-up" "$INFLUX_DIR/influxd.log"
    ((SECONDS < deadline)) || fail_with_log "influxdb: /ping did not answer 204 after ${READY_TIMEOUT}s" "$INFLUX_DIR/influxd.log"
    sleep 0.1
  done
  curl -sS --fail --max-time 10 -XPOST "http://$HOST:$port/query" --data-urlencode "q=CREATE DATABASE $INFLUX_DB" \
    >/dev/null 2>>"$INFLUX_DIR/influxd.log" || fail_with_log "influxdb: CREATE DATABASE $INFLUX_DB failed" "$INFLUX_DIR/influxd.log"
  if [[ -n $t0 ]]; then
    log "influxdb: ready on $HOST:$port after $(since "$t0")s (pid $pid, log $INFLUX_DIR/influxd.log)"
  fi
}

influxdb_stop() {
  local pid
  clean_stale_pid "$INFLUX_DIR/pid" "$(influxdb_marker)"
  if pid=$(live_pid "$INFLUX_DIR/pid" "$(influxdb_marker)"); then
    log "influxdb: stopping (pid $pid)"
    terminate influxdb "$pid"
    rm -f "$INFLUX_DIR/pid"
    log "influxdb: stopped"
  else
    log "influxdb: not running"
  fi
}

influxdb_env() {
  printf 'export VIGIL_INFLUX_URL=%q\n' "http://$HOST:$(cat "$INFLUX_DIR/port")"
  printf 'export VIGIL_INFLUX_DB=%q\n' "$INFLUX_DB"
}

influxdb_status() {
  printf 'influxdb  pid=%s url=http://%s:%s log=%s\n' "$(cat "$INFLUX_DIR/pid")" "$HOST" "$(cat "$INFLUX_DIR/port")" \
    "$INFLUX_DIR/influxd.log"
}

# ---------------------------------------------------------------------------------------------------------------
# Commands

# Maps arguments to service names (default: all), in start order, without duplicates.
SERVICES=()
parse_services() {
  local arg svc
  local -A want=()
  (($# > 0)) || set -- all
  for arg in "$@"; do
    case $arg in
      all) for svc in "${ALL_SERVICES[@]}"; do want[$svc]=1; done ;;
      kafka) want[kafka]=1 ;;
      postgres | postgresql | pg) want[postgres]=1 ;;
      influxdb | influx) want[influxdb]=1 ;;
      *) die "unknown service '$arg' (expected all, kafka, postgres or influxdb)" ;;
    esac
  done
  SERVICES=()
  for svc in "${ALL_SERVICES[@]}"; do
    [[ -z ${want[$svc]:-} ]] || SERVICES+=("$svc")
  done
}

# Serialises start/stop of one state dir across concurrent invocations.
lock_state_dir() {
  exec 9>"$STATE_DIR/.lock"
  flock -w "$((READY_TIMEOUT * 3))" 9 || die "another services.sh holds $STATE_DIR/.lock"
}

print_env() {
  local svc
  printf 'export VIGIL_SERVICES_DIR=%q\n' "$STATE_DIR"
  for svc in "${ALL_SERVICES[@]}"; do
    if "${svc}_running"; then
      "${svc}_env"
    fi
  done
}

cmd_start() {
  local svc
  parse_services "$@"
  ensure_installed "${SERVICES[@]}"
  # Kafka's JVM takes seconds to boot: launch it first and start the others meanwhile.
  if [[ " ${SERVICES[*]} " == *" kafka "* ]]; then
    kafka_launch
  fi
  for svc in "${SERVICES[@]}"; do
    [[ $svc == kafka ]] || "${svc}_start"
  done
  if [[ " ${SERVICES[*]} " == *" kafka "* ]]; then
    kafka_await
  fi
  print_env
}

cmd_stop() {
  local i
  parse_services "$@"
  for ((i = ${#SERVICES[@]} - 1; i >= 0; i--)); do
    "${SERVICES[i]}_stop"
  done
}

# promtool (Debian's prometheus package: no server is started) checks docker/prometheus's rules in the tests.
cmd_tools() {
  mkdir -p "$STATE_DIR"
  command -v promtool >/dev/null || apt_install prometheus
  log "promtool: $(promtool --version 2>&1 | head -n 1)"
}

cmd_status() {
  local svc rc=0
  parse_services "$@"
  for svc in "${SERVICES[@]}"; do
    if "${svc}_running"; then
      "${svc}_status"
    else
      printf '%-9s stopped\n' "$svc"
      rc=1
    fi
  done
  return "$rc"
}

main() {
  local cmd=${1:-help}
  (($# == 0)) || shift
  case $cmd in
    start | stop | restart)
      mkdir -p "$STATE_DIR"
      # The postgres user must be able to traverse the state dir.
      [[ $EUID -ne 0 ]] || chmod 755 "$STATE_DIR"
      lock_state_dir
      case $cmd in
        start) cmd_start "$@" ;;
        stop) cmd_stop "$@" ;;
        restart)
          cmd_stop "$@"
          cmd_start "$@"
          ;;
      esac
      ;;
    status) cmd_status "$@" ;;
    env) print_env ;;
    tools) cmd_tools ;;
    help | -h | --help) usage ;;
    *)
      usage
      die "unknown command '$cmd'"
      ;;
  esac
}

main "$@"
