#!/usr/bin/env bash
# Network benchmark: what the default bridge adds to `run` over --network none, what publishing a
# port adds, and HTTP throughput (wrk against busybox httpd) through a port published on 127.0.0.1
# compared with the same server on the host's loopback. Times a private NativeAOT wharfd and, when
# docker.io is installed and dockerd is running, Docker on the same work. See bench/README.md.
#
# Knobs (environment): WHARFD=path/to/wharfd  ROUNDS=20  WRK_SECONDS=2  WRK_ROUNDS=6  WRK_CONNECTIONS=16
#                      BENCH_BIP=10.213.0.1/24  BENCH_NO_DOCKER=1  BENCH_RESULTS=dir
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ROUNDS=${ROUNDS:-20}
WRK_SECONDS=${WRK_SECONDS:-2}
WRK_ROUNDS=${WRK_ROUNDS:-6}
WRK_CONNECTIONS=${WRK_CONNECTIONS:-16}
RESULTS_DIR=${BENCH_RESULTS:-$BENCH_DIR/results}
BENCH_AOT=1
TAG=wharf-bench-$(date +%s)-$$
IMAGE=$TAG/busybox:1

command -v docker >/dev/null || bench_die "the docker CLI is not on PATH"
command -v wrk >/dev/null || bench_die "wrk is not installed (apt-get install wrk)"
command -v busybox >/dev/null || bench_die "busybox is not installed (apt-get install busybox-static)"

bench_wharfd_start
bench_engines
HOST_HTTPD_PID=

bench_on_exit() {
  [ -z "$HOST_HTTPD_PID" ] || kill "$HOST_HTTPD_PID" 2>/dev/null || true
  local h ids
  for h in $W_HOST $D_HOST; do
    ids=$(cli "$h" ps -aq --filter "label=$TAG" 2>/dev/null || true)
    [ -z "$ids" ] || echo "$ids" | DOCKER_HOST=$h xargs -r docker rm -f >/dev/null 2>&1 || true
  done
  [ -z "$D_HOST" ] || cli "$D_HOST" rmi "$IMAGE" >/dev/null 2>&1 || true
}

# free_port: a TCP port nobody listens on, outside the ephemeral range.
free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 10000))
    ss -Htan "( sport = :$p )" | grep -q . || { echo "$p"; return; }
  done
}

# median_ms ROUNDS CMD...: median wall time over ROUNDS runs after one warm-up.
median_ms() {
  local n=$1 i ns all=(); shift
  "$@" >/dev/null 2>&1 || true
  for i in $(seq 1 "$n"); do ns=$(bench_time_ns "$@") || return 1; all+=("$ns"); done
  bench_ms "$(bench_median "${all[@]}")"
}

# wrk_rps URL: requests per second over WRK_SECONDS.
wrk_rps() {
  wrk -t2 -c"$WRK_CONNECTIONS" -d"${WRK_SECONDS}s" "$1" | awk '/^Requests\/sec:/ { printf "%.0f\n", $2 }'
}

wait_http() { local i; for i in $(seq 1 100); do curl -sf --max-time 1 --noproxy '*' "$1" >/dev/null && return 0; sleep 0.1; done; return 1; }

bench_log "making a busybox rootfs"
"$REPO_DIR/scripts/make-busybox-rootfs.sh" "$T/busybox.tar"
for h in $W_HOST $D_HOST; do cli "$h" import -c 'CMD ["sh"]' "$T/busybox.tar" "$IMAGE" >/dev/null; done
mkdir -p "$T/www"
head -c 1024 /dev/zero | tr '\0' x > "$T/www/index.html"

declare -A R

# interleaved 'KEY1 KEY2 ...' CMD1... -- CMD2... : ROUNDS rounds of each command in turn (one warm-up
# round first); R[$e.KEYn] gets the median milliseconds of command n.
interleaved() {
  local keys=($1) cmds=() cmd=() i k ns; shift
  for a in "$@" --; do
    if [ "$a" = -- ]; then cmds+=("${cmd[*]}"); cmd=(); else cmd+=("$a"); fi
  done
  declare -A all=()
  for i in $(seq 0 "$ROUNDS"); do
    for k in "${!keys[@]}"; do
      ns=$(bench_time_ns ${cmds[$k]}) || return 1
      [ "$i" -eq 0 ] || all[$k]+=" $ns"
    done
  done
  for k in "${!keys[@]}"; do R[$e.${keys[$k]}]=$(bench_ms "$(bench_median ${all[$k]})"); done
}

run_d() { local h=$1; shift; cli "$h" run -d --label "$TAG" "$@" "$IMAGE" sleep 1d; }
run_rm() { local h=$1; shift; cli "$h" run --rm --label "$TAG" "$@" "$IMAGE" true; }

for h in $W_HOST $D_HOST; do
  e=$([ "$h" = "$W_HOST" ] && echo wharf || echo docker)
  bench_log "$e: run -d / run --rm, --network none vs the default bridge vs a published port, x$ROUNDS each"
  # Interleaved (none, bridge, published in turn), medians: drift in the machine's load hits all alike.
  interleaved 'd_none d_bridge d_publish' run_d "$h" --network none -- run_d "$h" -- run_d "$h" -p 127.0.0.1::80
  interleaved 'rm_none rm_bridge' run_rm "$h" --network none -- run_rm "$h"
  ids=$(cli "$h" ps -aq --filter "label=$TAG")
  [ -z "$ids" ] || echo "$ids" | DOCKER_HOST=$h xargs -r docker rm -f >/dev/null

  bench_log "$e: wrk ${WRK_SECONDS}s x$WRK_CONNECTIONS connections, $WRK_ROUNDS interleaved rounds: published port on 127.0.0.1, the same server in a --network host container, busybox httpd on the host"
  page="mkdir -p /www && head -c 1024 /dev/zero | tr '\\0' x > /www/index.html && exec httpd -f -h /www"
  pp=$(free_port)
  c=$(cli "$h" run -d --label "$TAG" -p "127.0.0.1:$pp:80" "$IMAGE" sh -c "$page -p 80")
  wait_http "http://127.0.0.1:$pp/" || bench_die "$e: the published httpd did not answer on 127.0.0.1:$pp"
  np=$(free_port)
  n=$(cli "$h" run -d --label "$TAG" --network host "$IMAGE" sh -c "$page -p 127.0.0.1:$np")
  wait_http "http://127.0.0.1:$np/" || bench_die "$e: the host-network httpd did not answer on 127.0.0.1:$np"
  hp=$(free_port)
  busybox httpd -f -p "127.0.0.1:$hp" -h "$T/www" & HOST_HTTPD_PID=$!
  wait_http "http://127.0.0.1:$hp/" || bench_die "host httpd did not answer"
  ip=$(cli "$h" inspect -f '{{.NetworkSettings.IPAddress}}' "$c")
  # Short interleaved rounds, medians: load from elsewhere hits all alike. The same server in a
  # --network host container is the fair "host loopback" reference: same image, same cgroup and
  # process costs, only the network path differs. busybox httpd closes every connection, so each
  # request is a new connection (and conntrack entry).
  host=() published=() bare=()
  R[$e.conntrack_before]=$(cat /proc/sys/net/netfilter/nf_conntrack_count 2>/dev/null || echo '?')
  for i in $(seq 1 "$WRK_ROUNDS"); do
    published+=("$(wrk_rps "http://127.0.0.1:$pp/")")
    host+=("$(wrk_rps "http://127.0.0.1:$np/")")
    bare+=("$(wrk_rps "http://127.0.0.1:$hp/")")
  done
  R[$e.conntrack_after]=$(cat /proc/sys/net/netfilter/nf_conntrack_count 2>/dev/null || echo '?')
  R[$e.wrk_host]=$(bench_median "${host[@]}")
  R[$e.wrk_published]=$(bench_median "${published[@]}")
  R[$e.wrk_bare]=$(bench_median "${bare[@]}")
  R[$e.wrk_direct]=$(wrk_rps "http://$ip:80/")
  kill "$HOST_HTTPD_PID" 2>/dev/null || true; wait "$HOST_HTTPD_PID" 2>/dev/null || true; HOST_HTTPD_PID=
  cli "$h" rm -f "$n" >/dev/null
  cli "$h" rm -f "$c" >/dev/null
done

get() { local v=${R[$1]:-}; echo "${v:--}"; }
diff_ms() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-") print "-"; else printf "%+.1f", a - b }'; }
frac() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b + 0 == 0) print "-"; else printf "%.2f", a / b }'; }
row() { printf '%-46s %12s %12s  %s\n' "$@"; }

report() {
  bench_machine
  echo "rounds:  $ROUNDS; wrk -t2 -c$WRK_CONNECTIONS -d${WRK_SECONDS}s x$WRK_ROUNDS (medians), 1 KiB page, busybox httpd (a process per connection)"
  echo
  row "metric" "wharf" "docker" "goal"
  row "run -d, --network none (ms)" "$(get wharf.d_none)" "$(get docker.d_none)" ""
  row "run -d, default bridge (ms)" "$(get wharf.d_bridge)" "$(get docker.d_bridge)" ""
  row "  bridge - none (ms)" "$(diff_ms "$(get wharf.d_bridge)" "$(get wharf.d_none)")" "$(diff_ms "$(get docker.d_bridge)" "$(get docker.d_none)")" "<= +10 ms"
  row "run -d, -p 127.0.0.1::80 (ms)" "$(get wharf.d_publish)" "$(get docker.d_publish)" ""
  row "run --rm true, --network none (ms)" "$(get wharf.rm_none)" "$(get docker.rm_none)" ""
  row "run --rm true, default bridge (ms)" "$(get wharf.rm_bridge)" "$(get docker.rm_bridge)" ""
  row "  bridge - none (ms, setup + teardown)" "$(diff_ms "$(get wharf.rm_bridge)" "$(get wharf.rm_none)")" "$(diff_ms "$(get docker.rm_bridge)" "$(get docker.rm_none)")" ""
  row "wrk, --network host container, 127.0.0.1 (req/s)" "$(get wharf.wrk_host)" "$(get docker.wrk_host)" ""
  row "wrk, published on 127.0.0.1 (req/s)" "$(get wharf.wrk_published)" "$(get docker.wrk_published)" ""
  row "  published / host loopback" "$(frac "$(get wharf.wrk_published)" "$(get wharf.wrk_host)")" "$(frac "$(get docker.wrk_published)" "$(get docker.wrk_host)")" ">= 0.95"
  row "wrk, busybox httpd run on the host (req/s)" "$(get wharf.wrk_bare)" "$(get docker.wrk_bare)" ""
  row "wrk, container address directly (req/s, 1 round)" "$(get wharf.wrk_direct)" "$(get docker.wrk_direct)" ""
  row "conntrack entries before / after wrk" "$(get wharf.conntrack_before)/$(get wharf.conntrack_after)" "$(get docker.conntrack_before)/$(get docker.conntrack_after)" ""
}

mkdir -p "$RESULTS_DIR"
RESULT_FILE=$RESULTS_DIR/network-$(date -u +%Y%m%dT%H%M%SZ).txt
report | tee "$RESULT_FILE"
bench_log "results in $RESULT_FILE"
