#!/usr/bin/env bash
# Compose benchmark: `up -d` and `down` of a 10-service project (busybox, one user network), timed
# for `wharf compose` and for Debian's docker-compose 1.29, both against a private NativeAOT wharfd,
# and against Docker too when dockerd runs. Prints medians and the ratio to docker-compose 1.29.
#
# Knobs (environment): WHARFD=path/to/wharfd  WHARF=path/to/wharf  ROUNDS=5  SERVICES=10
#                      BENCH_NO_DOCKER=1  BENCH_RESULTS=dir
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ROUNDS=${ROUNDS:-5}
SERVICES=${SERVICES:-10}
RESULTS_DIR=${BENCH_RESULTS:-$BENCH_DIR/results}
BENCH_AOT=1
TAG=wharf-bench-compose-$$
IMAGE=$TAG/busybox:1

command -v docker >/dev/null || bench_die "the docker CLI is not on PATH"
command -v docker-compose >/dev/null || bench_die "docker-compose 1.29 is not installed (apt-get install docker-compose)"

WHARF_BIN=$(bench_wharf_cli)

bench_wharfd_start
bench_engines

"$REPO_DIR/scripts/make-busybox-rootfs.sh" "$T/busybox.tar"
PROJECT_DIR=$T/project
mkdir -p "$PROJECT_DIR"
{
  echo "services:"
  for i in $(seq 1 "$SERVICES"); do
    printf '  s%s:\n    image: %s\n    command: ["sleep", "1d"]\n    networks: [back]\n' "$i" "$IMAGE"
  done
  printf 'networks:\n  back: {}\n'
} > "$PROJECT_DIR/docker-compose.yml"

engines=("$W_HOST")
[ -n "$D_HOST" ] && engines+=("$D_HOST")
engine_name() { [ "$1" = "$W_HOST" ] && echo wharfd || echo dockerd; }

bench_on_exit() {
  local h
  for h in "${engines[@]}"; do
    DOCKER_HOST=$h docker-compose -p bench -f "$PROJECT_DIR/docker-compose.yml" down -t 0 >/dev/null 2>&1 || true
    cli "$h" rmi "$IMAGE" >/dev/null 2>&1 || true
  done
}

# tool HOST KIND ARGS...: the compose implementation KIND (wharf | v1) against HOST.
tool() {
  local h=$1 kind=$2; shift 2
  if [ "$kind" = wharf ]; then DOCKER_HOST=$h "$WHARF_BIN" compose -p bench -f "$PROJECT_DIR/docker-compose.yml" "$@" 2>/dev/null
  else DOCKER_HOST=$h docker-compose -p bench -f "$PROJECT_DIR/docker-compose.yml" "$@" 2>/dev/null
  fi
}

declare -A R
for h in "${engines[@]}"; do
  cli "$h" import -c 'CMD ["sh"]' "$T/busybox.tar" "$IMAGE" >/dev/null
  e=$(engine_name "$h")
  for kind in wharf v1; do
    ups=() downs=()
    for r in $(seq 1 "$ROUNDS"); do
      ups+=("$(bench_time_ns tool "$h" "$kind" up -d)")
      [ "$(cli "$h" ps -q --filter label=com.docker.compose.project=bench | wc -l)" -eq "$SERVICES" ] || bench_die "$kind up on $e: not $SERVICES running"
      downs+=("$(bench_time_ns tool "$h" "$kind" down -t 0)")
      [ -z "$(cli "$h" ps -aq --filter label=com.docker.compose.project=bench)" ] || bench_die "$kind down on $e left containers"
      bench_log "$e $kind round $r: up $(bench_ms "${ups[-1]}") ms, down $(bench_ms "${downs[-1]}") ms"
    done
    R[$e.$kind.up]=$(bench_ms "$(bench_median "${ups[@]}")")
    R[$e.$kind.down]=$(bench_ms "$(bench_median "${downs[@]}")")
  done
done

report() {
  bench_machine
  echo "docker-compose: $(docker-compose version --short 2>/dev/null)"
  echo "project: $SERVICES services (busybox sleep), one network; medians of $ROUNDS rounds"
  echo
  printf '%-34s %12s %16s %8s\n' "metric (ms)" "wharf compose" "docker-compose 1.29" "ratio"
  local e op
  for e in wharfd dockerd; do
    [ -n "${R[$e.wharf.up]:-}" ] || continue
    for op in up down; do
      printf '%-34s %12s %16s %8s\n' "$op $([ "$op" = up ] && echo -d || echo -t 0) on $e" "${R[$e.wharf.$op]}" "${R[$e.v1.$op]}" \
        "$(bench_ratio "${R[$e.v1.$op]}" "${R[$e.wharf.$op]}")"
    done
  done
  echo
  echo "ratio = docker-compose 1.29's time / wharf compose's (> 1: wharf compose faster). Goal: up -d >= 3x."
}

mkdir -p "$RESULTS_DIR"
RESULT_FILE=$RESULTS_DIR/compose-$(date -u +%Y%m%dT%H%M%SZ).txt
echo
report | tee "$RESULT_FILE"
echo
echo "saved to $RESULT_FILE"
