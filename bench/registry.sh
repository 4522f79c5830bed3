#!/usr/bin/env bash
# Registry server throughput: skopeo copies a ~200 MiB image (random-data layers, already gzip'd, so
# nothing is recompressed) to and from `wharf registry serve`, and to and from Debian's
# `docker-registry` (distribution 2.8.2) when it is installed, both on loopback with a fresh
# storage directory. Prints MiB/s (median of ROUNDS) for push and pull of each.
#   bench/registry.sh                       # the NativeAOT wharf under out/bench-wharf (published if missing)
#   WHARF=out/test/wharf/wharf ROUNDS=5 SIZE_MB=200 LAYERS=4 bench/registry.sh
# Needs: skopeo, gzip, the .NET SDK (unless $WHARF is given); docker-registry for the comparison.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ROUNDS=${ROUNDS:-3}
SIZE_MB=${SIZE_MB:-200}
LAYERS=${LAYERS:-4}
command -v skopeo >/dev/null || bench_die "skopeo is not installed (apt-get install skopeo)"

if [ -z "${WHARF:-}" ]; then
  WHARF=$REPO_DIR/out/bench-wharf/wharf
  if [ ! -x "$WHARF" ]; then
    bench_log "publishing the NativeAOT wharf to out/bench-wharf"
    dotnet publish "$REPO_DIR/src/Wharf.Cli" -c Release -r linux-x64 -o "$REPO_DIR/out/bench-wharf" -nologo -v quiet >&2
  fi
fi

T=$(mktemp -d /tmp/wharf-bench-registry-XXXX)
cleanup() {
  [ -n "${server_pid:-}" ] && { kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; }
  rm -rf "$T"
}
trap cleanup EXIT INT TERM

bench_log "making a ${SIZE_MB} MiB image of $LAYERS layers"
bash "$REPO_DIR/scripts/make-oci-image.sh" "$T/image" "$SIZE_MB" "$LAYERS" >/dev/null
BYTES=$(du -sb "$T/image/blobs" | cut -f1)

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

wait_up() {
  local url=$1
  for _ in $(seq 1 100); do curl -sf -o /dev/null --noproxy '*' "$url" && return 0; sleep 0.1; done
  bench_die "$url did not answer"
}

# Each round runs against a fresh server (new port, empty storage): skopeo remembers where it saw a
# blob and would mount it from an earlier round's repository instead of sending it.
start_wharf() {
  "$WHARF" registry serve --addr "127.0.0.1:$1" --root "$2" 2>>"$T/wharf.log" &
  server_pid=$!
}
start_distribution() {
  cat > "$T/dist.yml" <<YML
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $2
http:
  addr: 127.0.0.1:$1
YML
  docker-registry serve "$T/dist.yml" 2>>"$T/dist.log" &
  server_pid=$!
}
stop_server() { kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; server_pid=; }

# measure NAME: pushes and pulls ROUNDS times; prints "push pull" in MiB/s.
measure() {
  local name=$1 push=() pull=() ns i port
  for i in $(seq 1 "$ROUNDS"); do
    port=$(free_port)
    rm -rf "$T/root"; mkdir -p "$T/root"
    "start_$name" "$port" "$T/root"
    wait_up "http://127.0.0.1:$port/v2/"
    ns=$(bench_time_ns skopeo copy -q --dest-tls-verify=false "oci:$T/image:latest" "docker://127.0.0.1:$port/bench/app:latest")
    push+=("$ns"); bench_log "$name push round $i: $(bench_mibs "$BYTES" "$ns") MiB/s"
    rm -rf "$T/pulled"
    ns=$(bench_time_ns skopeo copy -q --src-tls-verify=false "docker://127.0.0.1:$port/bench/app:latest" "oci:$T/pulled:latest")
    pull+=("$ns"); bench_log "$name pull round $i: $(bench_mibs "$BYTES" "$ns") MiB/s"
    cmp -s <(ls "$T/image/blobs/sha256") <(ls "$T/pulled/blobs/sha256") || bench_die "$name: pulled blobs differ from the pushed ones"
    stop_server
  done
  echo "$(bench_mibs "$BYTES" "$(bench_median "${push[@]}")") $(bench_mibs "$BYTES" "$(bench_median "${pull[@]}")")"
}

server_pid=
measure wharf > "$T/wharf.result"
read -r wharf_push wharf_pull < "$T/wharf.result"

dist_push=- dist_pull=- dist_version="not installed (apt-get install docker-registry)"
if command -v docker-registry >/dev/null; then
  dist_version=$(docker-registry --version | awk '{ print $NF }')
  measure distribution > "$T/dist.result"
  read -r dist_push dist_pull < "$T/dist.result"
fi

mkdir -p "${BENCH_RESULTS:-$BENCH_DIR/results}"
out="${BENCH_RESULTS:-$BENCH_DIR/results}/registry-$(date -u +%Y%m%dT%H%M%SZ).txt"
{
  echo "skopeo $(skopeo --version | awk '{ print $NF }') copying $(bench_mib "$BYTES") MiB in $LAYERS layers, median of $ROUNDS rounds, MiB/s"
  printf '%-34s %10s %10s\n' registry push pull
  printf '%-34s %10s %10s\n' "wharf registry serve" "$wharf_push" "$wharf_pull"
  printf '%-34s %10s %10s\n' "docker-registry $dist_version" "$dist_push" "$dist_pull"
  echo "push ratio wharf/distribution: $(bench_ratio "$wharf_push" "$dist_push"), pull ratio: $(bench_ratio "$wharf_pull" "$dist_pull")"
  WHARFD_BIN=$WHARF bench_machine
} | tee "$out"
