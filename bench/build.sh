#!/usr/bin/env bash
# Build benchmark: the reference build (FROM busybox + 5 steps = 6 steps, a context of FILES files
# totalling CONTEXT_MB MiB) through the docker CLI with the legacy builder (DOCKER_BUILDKIT=0), cold
# (no cache: --no-cache) and fully cached (the same build again), against a private NativeAOT wharfd
# and, when docker.io is installed and dockerd runs, against Docker. See bench/README.md.
#
# Knobs (environment): WHARFD=path/to/wharfd  ROUNDS=5  FILES=2000  CONTEXT_MB=20
#                      BENCH_NO_DOCKER=1  BENCH_RESULTS=dir
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ROUNDS=${ROUNDS:-5}
FILES=${FILES:-2000}
CONTEXT_MB=${CONTEXT_MB:-20}
RESULTS_DIR=${BENCH_RESULTS:-$BENCH_DIR/results}
BENCH_AOT=1
export DOCKER_BUILDKIT=0 DOCKER_CLI_HINTS=false

TAG=wharf-bench-$(date +%s)-$$
IMAGE=$TAG/busybox:1
OUT=$TAG/built:1

command -v docker >/dev/null || bench_die "the docker CLI is not on PATH"

bench_wharfd_start
bench_engines

bench_on_exit() {
  [ -n "$D_HOST" ] || return 0
  cli "$D_HOST" rmi "$OUT" "$IMAGE" >/dev/null 2>&1 || true
  cli "$D_HOST" builder prune -f >/dev/null 2>&1 || true
}

# ---- setup -------------------------------------------------------------------------------------

bench_log "making a busybox rootfs and a context of $FILES files ($CONTEXT_MB MiB)"
"$REPO_DIR/scripts/make-busybox-rootfs.sh" "$T/busybox.tar"
for h in $W_HOST $D_HOST; do
  cli "$h" import -c 'CMD ["sh"]' -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' "$T/busybox.tar" "$IMAGE" >/dev/null
done
CTX=$T/context
mkdir -p "$CTX"
per_file=$(( CONTEXT_MB * 1048576 / FILES ))
for d in $(seq 0 19); do mkdir -p "$CTX/src/d$d"; done
head -c $(( CONTEXT_MB * 1048576 )) /dev/urandom > "$T/blob"
for i in $(seq 0 $(( FILES - 1 ))); do
  dd if="$T/blob" of="$CTX/src/d$(( i % 20 ))/f$i.bin" bs="$per_file" skip="$i" count=1 status=none
done
rm -f "$T/blob"
cat > "$CTX/Dockerfile" <<DOCKERFILE
FROM $IMAGE
ENV APP=/app
WORKDIR /app
COPY . .
RUN du -s /app > /size.txt
CMD ["cat", "/size.txt"]
DOCKERFILE
echo "Dockerfile" > "$CTX/.dockerignore"

cold() { local h=$1; cli "$h" build -q --no-cache -t "$OUT" "$CTX" >/dev/null; }
cached() { local h=$1; cli "$h" build -q -t "$OUT" "$CTX" >/dev/null; }
# The same through Wharf's own client (its .dockerignore and context tar are its own).
wcold() { DOCKER_HOST=$1 "$WHARF_BIN" build -q --no-cache -t "$OUT" "$CTX" >/dev/null; }
wcached() { DOCKER_HOST=$1 "$WHARF_BIN" build -q -t "$OUT" "$CTX" >/dev/null; }

# median_s ROUNDS CMD...: median wall time in seconds (one untimed warm-up run first).
median_s() {
  local n=$1 i ns all=(); shift
  "$@" || bench_die "build failed: $*"
  for i in $(seq 1 "$n"); do
    ns=$(bench_time_ns "$@") || bench_die "build failed: $*"
    bench_log "  $* : $(bench_ms "$ns") ms"
    all+=("$ns")
  done
  awk -v ns="$(bench_median "${all[@]}")" 'BEGIN { printf "%.2f\n", ns / 1e9 }'
}

declare -A R
WHARF_BIN=$(bench_wharf_cli)
bench_log "wharf CLI: cold and cached builds"
R[wharfcli.cold]=$(median_s "$ROUNDS" wcold "$W_HOST")
R[wharfcli.cached]=$(median_s "$ROUNDS" wcached "$W_HOST")
for h in $W_HOST $D_HOST; do
  e=$([ "$h" = "$W_HOST" ] && echo wharf || echo docker)
  bench_log "$e: cold builds (--no-cache)"
  R[$e.cold]=$(median_s "$ROUNDS" cold "$h")
  bench_log "$e: fully cached builds"
  R[$e.cached]=$(median_s "$ROUNDS" cached "$h")
  # The cached build really is cached: every step after FROM says so.
  hits=$(cli "$h" build -t "$OUT" "$CTX" | grep -c 'Using cache' || true)
  [ "$hits" -eq 5 ] || bench_die "$e: the cached build used the cache for $hits of 5 steps"
done

mkdir -p "$RESULTS_DIR"
out=$RESULTS_DIR/build-$(date -u +%Y%m%dT%H%M%SZ).txt
{
  echo "build benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ), commit $(cd "$REPO_DIR" && git rev-parse --short HEAD)"
  echo "wharfd: $WHARFD_BIN"
  bench_machine
  echo "reference build: FROM busybox + ENV, WORKDIR, COPY . . ($FILES files, $CONTEXT_MB MiB), RUN, CMD; median of $ROUNDS"
  echo
  printf '%-22s %10s %10s\n' "metric" "wharf" "docker"
  for m in cold cached; do
    printf '%-22s %9ss %10s\n' "build, $m" "${R[wharf.$m]}" "${R[docker.$m]:+${R[docker.$m]}s}"
  done
  for m in cold cached; do
    printf '%-22s %9ss\n' "wharf build, $m" "${R[wharfcli.$m]}"
  done
  echo "(build: the docker CLI with DOCKER_BUILDKIT=0 against each engine; wharf build: Wharf's own client against wharfd)"
  [ -n "$D_HOST" ] || echo "docker: not available (install docker.io and start dockerd to compare)"
  echo "goals: cold <= 1.5 s, cached <= 0.15 s"
} | tee "$out"
