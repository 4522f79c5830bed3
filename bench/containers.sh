#!/usr/bin/env bash
# Container benchmark: run --rm, run -d, exec, 50 parallel detached starts, ps with 200 running,
# 100k log lines streamed, daemon RSS, shim memory, and the OCI runtime's own floor (runc run of a
# prepared bundle). Times a private NativeAOT wharfd and, when docker.io is installed and dockerd
# is running, Docker on the same work, and prints ratios. See bench/README.md.
#
# Knobs (environment): WHARFD=path/to/wharfd  ROUNDS=10  MANY=200  STARTS=50  PARALLEL=4
#                      LOG_LINES=100000  BENCH_NO_DOCKER=1  BENCH_RESULTS=dir
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ROUNDS=${ROUNDS:-10}
MANY=${MANY:-200}
STARTS=${STARTS:-50}
PARALLEL=${PARALLEL:-4}
LOG_LINES=${LOG_LINES:-100000}
RESULTS_DIR=${BENCH_RESULTS:-$BENCH_DIR/results}
BENCH_AOT=1

# Names of this run only, so nothing collides with a user's containers or images.
TAG=wharf-bench-$(date +%s)-$$
IMAGE=$TAG/busybox:1

command -v docker >/dev/null || bench_die "the docker CLI is not on PATH"
command -v runc >/dev/null || bench_die "runc is not installed (scripts/deps.sh installs it)"

bench_wharfd_start
bench_engines

engine_name() { [ "$1" = "$W_HOST" ] && echo wharf || echo docker; }

# On exit, remove the containers this run made (wharfd keeps them running when it stops: live
# restore), and from dockerd every container and image this run created (by label and name).
bench_on_exit() {
  remove_all "$W_HOST" || true
  [ -n "$D_HOST" ] || return 0
  local ids
  ids=$(cli "$D_HOST" ps -aq --filter "label=$TAG" 2>/dev/null || true)
  [ -n "$ids" ] && echo "$ids" | DOCKER_HOST=$D_HOST xargs -r docker rm -f >/dev/null 2>&1
  cli "$D_HOST" rmi "$IMAGE" >/dev/null 2>&1 || true
}

rss_kib() { local v; v=$(awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null) || true; echo "${v:-0}"; }
pss_kib() { local v; v=$(awk '/^Pss:/ { print $2 }' "/proc/$1/smaps_rollup" 2>/dev/null) || true; echo "${v:-0}"; }
kib_mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

# ---- setup -------------------------------------------------------------------------------------

bench_log "making a busybox rootfs"
"$REPO_DIR/scripts/make-busybox-rootfs.sh" "$T/busybox.tar"
for h in $W_HOST $D_HOST; do
  cli "$h" import -c 'CMD ["sh"]' "$T/busybox.tar" "$IMAGE" >/dev/null
done
sleep 2
declare -A R
R[wharf.idle_rss]=$(kib_mib "$(rss_kib "$WHARFD_PID")")

# median_ms ROUNDS CMD...: median wall time of the command over ROUNDS runs (one warm-up first).
median_ms() {
  local n=$1 i ns all=(); shift
  "$@" >/dev/null 2>&1 || true
  for i in $(seq 1 "$n"); do
    ns=$(bench_time_ns "$@") || return 1
    all+=("$ns")
  done
  bench_ms "$(bench_median "${all[@]}")"
}

run_rm() { cli "$1" run --rm --label "$TAG" "$IMAGE" true; }
run_d() { cli "$1" run -d --label "$TAG" "$IMAGE" sleep 1d; }

start_many() { # start_many HOST: STARTS detached containers, PARALLEL at a time
  local h=$1
  seq 1 "$STARTS" | DOCKER_HOST=$h xargs -P "$PARALLEL" -I{} docker run -d --label "$TAG" --label "$TAG.many" "$IMAGE" sleep 1d >/dev/null
}

remove_all() { # remove_all HOST: removes this run's containers
  local ids
  ids=$(cli "$1" ps -aq --filter "label=$TAG")
  [ -z "$ids" ] || echo "$ids" | DOCKER_HOST=$1 xargs -r -n 50 -P 2 docker rm -f >/dev/null
}

# api_ps_ms HOST: median of curl's own time for GET /containers/json (without curl's process start-up).
api_ps_ms() {
  local i all=()
  for i in $(seq 0 "$ROUNDS"); do
    all+=("$(curl -sf -o /dev/null -w '%{time_total}' --unix-socket "${1#unix://}" http://x/v1.47/containers/json | awk '{ printf "%d", $1 * 1e9 }')")
  done
  bench_ms "$(bench_median "${all[@]:1}")"
}

run_engine() {
  local h=$1 e ns c t0 t1
  e=$(engine_name "$h")
  bench_log "$e: run --rm true x$ROUNDS"
  R[$e.run_rm]=$(median_ms "$ROUNDS" run_rm "$h")
  bench_log "$e: run -d sleep x$ROUNDS"
  R[$e.run_d]=$(median_ms "$ROUNDS" run_d "$h")
  c=$(cli "$h" run -d --label "$TAG" "$IMAGE" sleep 1d)
  bench_log "$e: exec true x$ROUNDS"
  R[$e.exec]=$(median_ms "$ROUNDS" cli "$h" exec "$c" true)
  remove_all "$h"

  bench_log "$e: $STARTS detached starts, $PARALLEL at a time"
  t0=$(bench_now_ns); start_many "$h"; t1=$(bench_now_ns)
  R[$e.many]=$(awk -v ns=$((t1 - t0)) 'BEGIN { printf "%.2f", ns / 1e9 }')
  if [ "$e" = wharf ]; then
    local shim pss=0 rss=0 n=0
    for shim in $(pgrep -f "wharf-shim .*--bundle $T/" || true); do
      pss=$((pss + $(pss_kib "$shim")))
      rss=$((rss + $(rss_kib "$shim")))
      n=$((n + 1))
    done
    [ "$n" -gt 0 ] && R[wharf.shim]="$(kib_mib $((pss / n))) / $(kib_mib $((rss / n)))"
  fi

  local running
  running=$(cli "$h" ps -q --filter "label=$TAG" | wc -l)
  bench_log "$e: topping up to $MANY running containers (have $running)"
  if [ "$running" -lt "$MANY" ]; then
    seq 1 $((MANY - running)) | DOCKER_HOST=$h xargs -P "$PARALLEL" -I{} docker run -d --label "$TAG" "$IMAGE" sleep 1d >/dev/null
  fi
  R[$e.ps_rows]=$(cli "$h" ps -q --filter "label=$TAG" | wc -l)
  bench_log "$e: ps with ${R[$e.ps_rows]} running x$ROUNDS"
  R[$e.ps]=$(median_ms "$ROUNDS" cli "$h" ps)
  R[$e.api_ps]=$(api_ps_ms "$h")
  [ "$e" = wharf ] && R[wharf.busy_rss]=$(kib_mib "$(rss_kib "$WHARFD_PID")")
  remove_all "$h"

  bench_log "$e: $LOG_LINES log lines"
  c=$(cli "$h" run -d --label "$TAG" "$IMAGE" seq 1 "$LOG_LINES")
  cli "$h" wait "$c" >/dev/null
  local lines
  lines=$(cli "$h" logs "$c" | wc -l)
  [ "$lines" -eq "$LOG_LINES" ] || bench_die "$e: docker logs gave $lines lines, expected $LOG_LINES"
  R[$e.logs]=$(median_ms 5 cli "$h" logs "$c")
  remove_all "$h"
  [ "$e" = wharf ] && { sleep 2; R[wharf.after_rss]=$(kib_mib "$(rss_kib "$WHARFD_PID")"); }
  return 0
}

# The OCI runtime alone: runc run of a prepared bundle running `true`.
runc_floor() {
  local b=$T/bundle
  mkdir -p "$b/rootfs"
  tar -xf "$T/busybox.tar" -C "$b/rootfs"
  (cd "$b" && runc spec)
  sed -i 's/"terminal": true/"terminal": false/; s/"sh"$/"true"/' "$b/config.json"
  local i ns all=()
  for i in $(seq 0 "$ROUNDS"); do
    ns=$(bench_time_ns runc --root "$T/runc-floor" run -b "$b" "wharf-bench-floor-$$-$i") || return 1
    [ "$i" -eq 0 ] || all+=("$ns")
  done
  bench_ms "$(bench_median "${all[@]}")"
}

run_engine "$W_HOST"
[ -z "$D_HOST" ] || run_engine "$D_HOST"
bench_log "runc run of a prepared bundle x$ROUNDS"
R[runc]=$(runc_floor)

# ---- report ------------------------------------------------------------------------------------

get() { local v=${R[$1]:-}; echo "${v:--}"; }
row() { printf '%-34s %10s %10s %8s  %s\n' "$@"; }
goal() { # goal VALUE MAX UNIT
  [ "$1" = - ] && { echo "<= $2 $3"; return; }
  awk -v v="$1" -v g="$2" -v u="$3" 'BEGIN { printf "<= %s %s (%s)", g, u, (v + 0 <= g ? "met" : "MISSED") }'
}
line() { # line LABEL KEY GOAL UNIT
  row "$1" "$(get "wharf.$2")" "$(get "docker.$2")" "$(bench_ratio "$(get "docker.$2")" "$(get "wharf.$2")")" "$( [ -n "$3" ] && goal "$(get "wharf.$2")" "$3" "$4")"
}

report() {
  echo "Wharf container benchmark"
  bench_machine
  if [ -n "$D_HOST" ]; then echo "docker:  dockerd $(bench_docker_version) at $DOCKER_SOCK"
  else echo "docker: not available (install docker.io and start dockerd to compare)"; fi
  echo "rounds:  medians of $ROUNDS (logs: 5) after one warm-up; times include the docker CLI's start-up"
  echo
  row metric wharf docker ratio goal
  line "run --rm busybox true (ms)" run_rm 100 ms
  line "run -d busybox sleep (ms)" run_d 60 ms
  line "exec true (ms)" exec 40 ms
  line "$STARTS run -d, $PARALLEL parallel (s)" many 2 s
  line "docker ps, ${R[wharf.ps_rows]:-?} running (ms)" ps 20 ms
  line "GET /containers/json, same (ms)" api_ps "" ""
  line "logs of $LOG_LINES lines (ms)" logs 300 ms
  row "wharfd RSS idle (MiB)" "$(get wharf.idle_rss)" "" "" "$(goal "$(get wharf.idle_rss)" 40 MiB)"
  row "wharfd RSS, $MANY running (MiB)" "$(get wharf.busy_rss)" "" "" ""
  row "wharfd RSS after all (MiB)" "$(get wharf.after_rss)" "" "" "$(goal "$(get wharf.after_rss)" 40 MiB)"
  row "shim PSS / RSS each (MiB)" "$(get wharf.shim)" "" "" "<= 1 MiB PSS"
  row "runc run, prepared bundle (ms)" "$(get runc)" "" "" "the runtime's floor"
  echo
  echo "ratio = how many times faster Wharf is than Docker (> 1: Wharf faster)."
  echo "Reference: Docker 20.10 on this kind of machine: run --rm 492-542 ms, run -d 363-374 ms,"
  echo "exec 83-90 ms, 50 starts 10-15 s, ps with 200 64-69 ms, 100k log lines 0.94-1.12 s, RSS 159-179 MiB."
}

mkdir -p "$RESULTS_DIR"
RESULT_FILE=$RESULTS_DIR/containers-$(date -u +%Y%m%dT%H%M%SZ).txt
echo
report | tee "$RESULT_FILE"
echo
echo "saved to $RESULT_FILE"
