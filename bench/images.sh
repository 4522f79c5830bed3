#!/usr/bin/env bash
# Image store benchmark: docker load / save of a ~200 MB image, and docker images with 500 images.
# Times a private wharfd and, when docker.io is installed and dockerd is running, Docker on the
# same work, and prints ratios. See bench/README.md.
#
# Knobs (environment): WHARFD=path/to/wharfd  ROUNDS=3  LIST_RUNS=10  MANY=500  PARALLEL=4
#                      DATA_MB=200  DATA_FILES=2000  BENCH_NO_DOCKER=1  BENCH_RESULTS=dir
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ROUNDS=${ROUNDS:-3}
LIST_RUNS=${LIST_RUNS:-10}
MANY=${MANY:-500}
PARALLEL=${PARALLEL:-4}
DATA_MB=${DATA_MB:-200}
DATA_FILES=${DATA_FILES:-2000}
RESULTS_DIR=${BENCH_RESULTS:-$BENCH_DIR/results}
GOAL_LOAD=150
GOAL_SAVE=150

# Image names of this run only, so nothing collides with a user's images.
REPO=wharf-bench-$(date +%s)-$$
BIG=$REPO/big:1

command -v docker >/dev/null || bench_die "the docker CLI is not on PATH"

bench_wharfd_start
bench_engines

# On exit, remove from dockerd every image this run created (by name, never by id).
bench_on_exit() {
  [ -n "$D_HOST" ] || return 0
  local refs
  refs=$(cli "$D_HOST" images --filter "reference=$REPO/*" --format '{{.Repository}}:{{.Tag}}' 2>/dev/null || true)
  [ -z "$refs" ] && return 0
  bench_log "docker: removing $(echo "$refs" | wc -l) benchmark images"
  echo "$refs" | DOCKER_HOST=$D_HOST xargs -r -n 50 docker rmi >/dev/null 2>&1 || true
}


# ---- (a) the ~200 MB image and its docker-archive -----------------------------------------------

bench_log "making a busybox rootfs and ${DATA_MB} MB of random data in ${DATA_FILES} files"
"$REPO_DIR/scripts/make-busybox-rootfs.sh" "$T/busybox.tar"
mkdir -p "$T/payload/data"
per_file=$((DATA_MB * 1000 * 1000 / DATA_FILES))
for i in $(seq 1 "$DATA_FILES"); do
  head -c "$per_file" /dev/urandom > "$T/payload/data/f$i"
done
cp "$T/busybox.tar" "$T/big-rootfs.tar"
tar --numeric-owner --owner=0 --group=0 -C "$T/payload" -rf "$T/big-rootfs.tar" ./data
rm -rf "$T/payload"

bench_log "wharf: import and save the big image"
import_ns=$(bench_time_ns wharf import "$T/big-rootfs.tar" "$BIG")
ARCHIVE=$T/big-archive.tar
wharf save -o "$ARCHIVE" "$BIG"
rm -f "$T/big-rootfs.tar"
ARCHIVE_BYTES=$(stat -c %s "$ARCHIVE")
tar -tf "$ARCHIVE" | grep -q 'manifest.json' || bench_die "wharf save wrote no manifest.json into $ARCHIVE"
bench_log "archive: $(bench_mib "$ARCHIVE_BYTES") MiB ($ARCHIVE_BYTES bytes); import took $(bench_ms "$import_ns") ms"

image_exists() { cli "$1" image inspect "$2" >/dev/null 2>&1; }

# ---- (b) docker load ----------------------------------------------------------------------------

# bench_load HOST: ROUNDS x (rmi the image, sync, time docker load -i ARCHIVE); prints the median ns.
bench_load() {
  local h=$1 e r ns all=()
  e=$(engine_name "$h")
  for r in $(seq 1 "$ROUNDS"); do
    if image_exists "$h" "$BIG"; then cli "$h" rmi "$BIG" >/dev/null; fi
    image_exists "$h" "$BIG" && bench_die "$e: $BIG still present after rmi"
    sync
    ns=$(bench_time_ns cli "$h" load -i "$ARCHIVE") || bench_die "$e: docker load -i failed"
    image_exists "$h" "$BIG" || bench_die "$e: $BIG missing after docker load"
    bench_log "$e load  round $r: $(bench_ms "$ns") ms, $(bench_mibs "$ARCHIVE_BYTES" "$ns") MiB/s"
    all+=("$ns")
  done
  bench_median "${all[@]}"
}

# ---- (c) docker save ----------------------------------------------------------------------------

# bench_save HOST: ROUNDS x (rm the output, sync, time docker save -o); prints "median-ns bytes".
bench_save() {
  local h=$1 e r ns bytes all=() out=$T/save-out.tar
  e=$(engine_name "$h")
  for r in $(seq 1 "$ROUNDS"); do
    rm -f "$out"
    sync
    ns=$(bench_time_ns cli "$h" save -o "$out" "$BIG") || bench_die "$e: docker save -o failed"
    bytes=$(stat -c %s "$out")
    bench_log "$e save  round $r: $(bench_ms "$ns") ms, $(bench_mib "$bytes") MiB, $(bench_mibs "$bytes" "$ns") MiB/s"
    all+=("$ns")
  done
  rm -f "$out"
  echo "$(bench_median "${all[@]}") $bytes"
}

# ---- (d) 500 images and docker images -----------------------------------------------------------

# bench_many HOST: imports MANY distinct images (PARALLEL at a time); prints the elapsed ns.
bench_many() {
  local h=$1 e ns n
  e=$(engine_name "$h")
  bench_log "$e: importing $MANY images, $PARALLEL at a time"
  ns=$(bench_time_ns bash -c 'seq 1 "$1" | DOCKER_HOST=$2 xargs -P "$3" -I{} \
        docker import --change "LABEL n={}" "$4" "$5/many:{}"' _ \
        "$MANY" "$h" "$PARALLEL" "$T/busybox.tar" "$REPO") || bench_die "$e: importing $MANY images failed"
  n=$(cli "$h" images -q --no-trunc --filter "reference=$REPO/many" | sort -u | wc -l)
  [ "$n" -eq "$MANY" ] || bench_die "$e: expected $MANY distinct image ids for $REPO/many, found $n"
  bench_log "$e: $MANY images imported in $(bench_ms "$ns") ms"
  echo "$ns"
}

# bench_list HOST ARGS...: median ns of LIST_RUNS runs of the command (after one warm-up run).
bench_list() {
  local all=() r ns
  "$@" >/dev/null || return 1
  for r in $(seq 1 "$LIST_RUNS"); do
    ns=$(bench_time_ns "$@") || return 1
    all+=("$ns")
  done
  bench_median "${all[@]}"
}

api_images() { curl -sf --unix-socket "${1#unix://}" http://x/images/json; }

run_engine() {
  local h=$1 e ns save total
  e=$(engine_name "$h")
  ns=$(bench_load "$h");                 R[$e.load]=$(bench_mibs "$ARCHIVE_BYTES" "$ns")
  save=$(bench_save "$h");               R[$e.save]=$(bench_mibs "${save#* }" "${save% *}")
  cli "$h" rmi "$BIG" >/dev/null
  ns=$(bench_many "$h");                 R[$e.import]=$(awk -v ns="$ns" 'BEGIN { printf "%.1f", ns / 1e9 }')
  total=$(cli "$h" images -q | wc -l);   R[$e.total]=$total
  ns=$(bench_list cli "$h" images)    || bench_die "$e: docker images failed";    R[$e.images]=$(bench_ms "$ns")
  ns=$(bench_list cli "$h" images -q) || bench_die "$e: docker images -q failed"; R[$e.images_q]=$(bench_ms "$ns")
  ns=$(bench_list api_images "$h")    || bench_die "$e: GET /images/json failed"; R[$e.api]=$(bench_ms "$ns")
  bench_log "$e: docker images ${R[$e.images]} ms, images -q ${R[$e.images_q]} ms, GET /images/json ${R[$e.api]} ms ($total rows)"
}

run_engine "$W_HOST"
if [ -n "$D_HOST" ]; then
  run_engine "$D_HOST"
fi

# ---- report ------------------------------------------------------------------------------------

row() { printf '%-30s %10s %10s %8s  %s\n' "$@"; }

report() {
  echo "Wharf image store benchmark"
  bench_machine
  if [ -n "$D_HOST" ]; then
    echo "docker:  dockerd $(bench_docker_version) at $DOCKER_SOCK"
  else
    echo "docker: not available (install docker.io and start dockerd to compare)"
  fi
  echo "archive: $(bench_mib "$ARCHIVE_BYTES") MiB docker-archive, one layer (busybox + ${DATA_MB} MB random in ${DATA_FILES} files)"
  echo "rounds:  load/save median of $ROUNDS; listings median of $LIST_RUNS with $MANY extra images"
  echo
  row metric wharf docker ratio goal
  row "load (MiB/s)"                 "$(get wharf.load)" "$(get docker.load)" "$(bench_ratio "$(get wharf.load)" "$(get docker.load)")" "$(goal "$(get wharf.load)" $GOAL_LOAD)"
  row "save (MiB/s)"                 "$(get wharf.save)" "$(get docker.save)" "$(bench_ratio "$(get wharf.save)" "$(get docker.save)")" "$(goal "$(get wharf.save)" $GOAL_SAVE)"
  row "docker images (ms)"           "$(get wharf.images)" "$(get docker.images)" "$(bench_ratio "$(get docker.images)" "$(get wharf.images)")" ""
  row "docker images -q (ms)"        "$(get wharf.images_q)" "$(get docker.images_q)" "$(bench_ratio "$(get docker.images_q)" "$(get wharf.images_q)")" ""
  row "GET /images/json (ms)"        "$(get wharf.api)" "$(get docker.api)" "$(bench_ratio "$(get docker.api)" "$(get wharf.api)")" ""
  row "import x$MANY, -P$PARALLEL (s)" "$(get wharf.import)" "$(get docker.import)" "$(bench_ratio "$(get docker.import)" "$(get wharf.import)")" ""
  row "images listed (rows)"         "$(get wharf.total)" "$(get docker.total)" "" ""
  echo
  echo "ratio = how many times faster Wharf is than Docker (> 1: Wharf faster)."
  echo "Reference: Docker 20.10 on this kind of machine loads at 60-68 MiB/s and saves at 72-84 MiB/s."
}

mkdir -p "$RESULTS_DIR"
RESULT_FILE=$RESULTS_DIR/images-$(date -u +%Y%m%dT%H%M%SZ).txt
echo
report | tee "$RESULT_FILE"
echo
echo "saved to $RESULT_FILE"
