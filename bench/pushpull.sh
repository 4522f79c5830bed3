#!/usr/bin/env bash
# Registry client benchmark: docker push and docker pull of a ~200 MB image (busybox plus LAYERS layers
# of random data) between a private wharfd and Debian's docker-registry (distribution 2.8.2) on
# 127.0.0.1, and the same with the installed dockerd when there is one. See bench/README.md.
#
# Knobs (environment): WHARFD=path/to/wharfd  ROUNDS=3  DATA_MB=200  LAYERS=4  BENCH_NO_DOCKER=1  BENCH_RESULTS=dir
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ROUNDS=${ROUNDS:-3}
DATA_MB=${DATA_MB:-200}
LAYERS=${LAYERS:-4}
RESULTS_DIR=${BENCH_RESULTS:-$BENCH_DIR/results}
GOAL=150

command -v docker >/dev/null || bench_die "the docker CLI is not on PATH"
command -v docker-registry >/dev/null || bench_die "docker-registry is not installed (apt-get install docker-registry)"

bench_wharfd_start
bench_engines
REPO=wharf-bench-$(date +%s)-$$
REG_PID=

# registry_start: a fresh docker-registry with empty storage on a free loopback port; sets REG.
registry_start() {
  registry_stop
  local port dir=$T/registry
  rm -rf "$dir"; mkdir -p "$dir/data"
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  printf 'version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: %s\nhttp:\n  addr: 127.0.0.1:%s\n' \
    "$dir/data" "$port" > "$dir/config.yml"
  docker-registry serve "$dir/config.yml" > "$dir/log" 2>&1 &
  REG_PID=$!
  REG=127.0.0.1:$port
  local i
  for i in $(seq 1 100); do
    curl -sf "http://$REG/v2/" >/dev/null 2>&1 && return 0
    sleep 0.05
  done
  bench_die "docker-registry did not start: $(cat "$dir/log")"
}
registry_stop() {
  [ -n "$REG_PID" ] || return 0
  kill "$REG_PID" 2>/dev/null || true
  wait "$REG_PID" 2>/dev/null || true
  REG_PID=
}
bench_on_exit() {
  registry_stop
  if [ -n "$D_HOST" ]; then
    cli "$D_HOST" images --filter "reference=*/$REPO/*" --format '{{.ID}}' 2>/dev/null | sort -u | xargs -r docker -H "$D_HOST" rmi -f >/dev/null 2>&1 || true
  fi
}

# ---- the image: a docker-archive with busybox and LAYERS layers of random data ---------------------

bench_log "making a docker-archive: busybox + $LAYERS layers of $((DATA_MB / LAYERS)) MB random data"
A=$T/archive
mkdir -p "$A"
"$REPO_DIR/scripts/make-busybox-rootfs.sh" "$A/l0.tar"
layers='"l0.tar"'
diffs="\"sha256:$(sha256sum "$A/l0.tar" | cut -d' ' -f1)\""
for i in $(seq 1 "$LAYERS"); do
  mkdir -p "$T/p$i/data"
  head -c $((DATA_MB * 1048576 / LAYERS)) /dev/urandom > "$T/p$i/data/blob$i"
  tar --numeric-owner --owner=0 --group=0 -C "$T/p$i" -cf "$A/l$i.tar" ./data
  rm -rf "$T/p$i"
  layers="$layers,\"l$i.tar\""
  diffs="$diffs,\"sha256:$(sha256sum "$A/l$i.tar" | cut -d' ' -f1)\""
done
printf '{"architecture":"amd64","os":"linux","created":"2026-01-01T00:00:00Z","config":{"Cmd":["sh"]},"rootfs":{"type":"layers","diff_ids":[%s]}}' "$diffs" > "$A/config.json"
printf '[{"Config":"config.json","RepoTags":["%s/big:1"],"Layers":[%s]}]' "$REPO" "$layers" > "$A/manifest.json"
tar -C "$A" -cf "$T/big.tar" .
IMAGE_BYTES=$(cat "$A"/l*.tar | wc -c)
rm -rf "$A"
bench_log "image: $(bench_mib "$IMAGE_BYTES") MiB in $((LAYERS + 1)) layers"

# run_engine HOST: ROUNDS x (fresh registry, push) then ROUNDS x (rmi, pull); medians in MiB/s.
run_engine() {
  local h=$1 e r ns id pushes=() pulls=()
  e=$(engine_name "$h")
  cli "$h" load -i "$T/big.tar" >/dev/null
  id=$(cli "$h" image inspect --format '{{.Id}}' "$REPO/big:1")
  for r in $(seq 1 "$ROUNDS"); do
    registry_start
    local name=$REG/$REPO/big:1
    cli "$h" tag "$REPO/big:1" "$name"
    sync
    ns=$(bench_time_ns cli "$h" push "$name") || bench_die "$e: push failed"
    bench_log "$e push round $r: $(bench_ms "$ns") ms, $(bench_mibs "$IMAGE_BYTES" "$ns") MiB/s"
    pushes+=("$ns")
    cli "$h" rmi "$name" >/dev/null
  done
  # Pull from the last registry: every round starts without the image or any of its layers.
  local name=$REG/$REPO/big:1
  for r in $(seq 1 "$ROUNDS"); do
    cli "$h" rmi -f "$id" >/dev/null 2>&1 || true
    cli "$h" image inspect "$id" >/dev/null 2>&1 && bench_die "$e: the image is still there before the pull"
    sync
    ns=$(bench_time_ns cli "$h" pull "$name") || bench_die "$e: pull failed"
    cli "$h" run --rm "$name" true >/dev/null 2>&1 || bench_log "$e: the pulled image did not run"
    bench_log "$e pull round $r: $(bench_ms "$ns") ms, $(bench_mibs "$IMAGE_BYTES" "$ns") MiB/s"
    pulls+=("$ns")
  done
  R[$e.push]=$(bench_mibs "$IMAGE_BYTES" "$(bench_median "${pushes[@]}")")
  R[$e.pull]=$(bench_mibs "$IMAGE_BYTES" "$(bench_median "${pulls[@]}")")
  registry_stop
}

run_engine "$W_HOST"
[ -n "$D_HOST" ] && run_engine "$D_HOST"

row() { printf '%-16s %10s %10s %8s  %s\n' "$@"; }
report() {
  echo "Wharf registry client benchmark (push/pull against docker-registry 2.8.2 on loopback)"
  bench_machine
  if [ -n "$D_HOST" ]; then echo "docker:  dockerd $(bench_docker_version) at $DOCKER_SOCK"
  else echo "docker:  not available (install docker.io and start dockerd to compare)"; fi
  echo "image:   $(bench_mib "$IMAGE_BYTES") MiB, $((LAYERS + 1)) uncompressed layers (busybox + random data); median of $ROUNDS"
  echo
  row metric wharf docker ratio goal
  row "push (MiB/s)" "$(get wharf.push)" "$(get docker.push)" "$(bench_ratio "$(get wharf.push)" "$(get docker.push)")" "$(goal "$(get wharf.push)" $GOAL)"
  row "pull (MiB/s)" "$(get wharf.pull)" "$(get docker.pull)" "$(bench_ratio "$(get wharf.pull)" "$(get docker.pull)")" "$(goal "$(get wharf.pull)" $GOAL)"
  echo
  echo "Reference (issue 7): Docker 20.10 pushes at 15-26 MiB/s (gzip-bound) and pulls at 59 MiB/s; skopeo 75-110 / 129 MiB/s."
}
mkdir -p "$RESULTS_DIR"
RESULT_FILE=$RESULTS_DIR/pushpull-$(date -u +%Y%m%dT%H%M%SZ).txt
echo
report | tee "$RESULT_FILE"
echo
echo "saved to $RESULT_FILE"
