# Shell helpers shared by services.sh and flink-cluster.sh (sourced, not run). The sourcing script sets
# LOG_TAG (the prefix of every message) and STOP_TIMEOUT (seconds a process gets to stop on SIGTERM).

log() { printf '[%s] %s\n' "$LOG_TAG" "$*" >&2; }

die() {
  printf '[%s] ERROR: %s\n' "$LOG_TAG" "$*" >&2
  exit 1
}

now() { local t=${EPOCHREALTIME:-$(date +%s.%N)}; printf '%s\n' "${t/,/.}"; }

since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

java_bin() {
  if [[ -n ${JAVA_HOME:-} && -x $JAVA_HOME/bin/java ]]; then
    printf '%s\n' "$JAVA_HOME/bin/java"
  else
    printf 'java\n'
  fi
}

# The pid in PIDFILE if that process is alive and its command line contains MARKER (a recycled pid is not ours).
live_pid() {
  local pidfile=$1 marker=$2 pid
  [[ -s $pidfile ]] || return 1
  pid=$(cat "$pidfile")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  if [[ -r /proc/$pid/cmdline ]] && ! tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$marker"; then
    return 1
  fi
  printf '%s\n' "$pid"
}

# SIGTERM, then SIGKILL after STOP_TIMEOUT seconds.
terminate() {
  local name=$1 pid=$2 i
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < STOP_TIMEOUT * 5; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.2
  done
  log "$name (pid $pid) did not stop within ${STOP_TIMEOUT}s: sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.2
  done
  die "$name (pid $pid) survived SIGKILL"
}

# Prints the tails of the given logs and fails: used when a server did not come up.
fail_with_log() {
  local msg=$1 logfile
  shift
  for logfile in "$@"; do
    if [[ -s $logfile ]]; then
      printf '[%s] ---- last lines of %s ----\n' "$LOG_TAG" "$logfile" >&2
      tail -n 30 "$logfile" >&2 || true
      printf '[%s] ----\n' "$LOG_TAG" >&2
    fi
  done
  die "$msg; see $*"
}
