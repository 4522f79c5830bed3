# Shared helpers for the Wharf benchmarks. Source it from a bench script:
#   . "$(dirname "$0")/lib.sh"
# It starts a private wharfd (never an installed one), times commands, and checks whether a
# Docker daemon is there to compare with. Needs bash, curl, coreutils and the docker CLI.

shopt -s inherit_errexit

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)
DOCKER_SOCK=${DOCKER_SOCK:-/var/run/docker.sock}

# ---- output ---------------------------------------------------------------------------------

bench_log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
bench_die() { printf 'bench: %s\n' "$*" >&2; exit 1; }

# ---- timing ---------------------------------------------------------------------------------

bench_now_ns() { date +%s%N; }

# bench_time_ns CMD ARGS...: runs the command (its stdout discarded, stderr kept), prints the
# elapsed wall time in nanoseconds. Fails (returns the command's status) if the command fails.
bench_time_ns() {
  local t0 t1 rc=0
  t0=$(date +%s%N)
  "$@" >/dev/null || rc=$?
  t1=$(date +%s%N)
  [ "$rc" -eq 0 ] || { printf 'bench: failed (exit %s): %s\n' "$rc" "$*" >&2; return "$rc"; }
  echo $((t1 - t0))
}

# bench_median N1 N2 ...: median of integers (mean of the middle two for an even count).
bench_median() {
  printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 }
    END { if (NR == 0) exit 1
          if (NR % 2) printf "%.0f\n", v[(NR + 1) / 2]
          else printf "%.0f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# bench_mibs BYTES NS: throughput in MiB/s with one decimal.
bench_mibs() { awk -v b="$1" -v ns="$2" 'BEGIN { printf "%.1f\n", (b / 1048576) / (ns / 1e9) }'; }

# bench_ms NS: milliseconds with one decimal.
bench_ms() { awk -v ns="$1" 'BEGIN { printf "%.1f\n", ns / 1e6 }'; }

# bench_mib BYTES: size in MiB with one decimal.
bench_mib() { awk -v b="$1" 'BEGIN { printf "%.1f\n", b / 1048576 }'; }

# bench_ratio A B: A/B with two decimals, "-" if either is missing or B is zero.
bench_ratio() {
  case "$1$2" in *-*|'') echo -; return;; esac
  awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0) print "-"; else printf "%.2fx\n", a / b }'
}

# ---- the private wharfd ---------------------------------------------------------------------

# bench_wharfd_binary: the wharfd to benchmark: $WHARFD if set, else the Release build output,
# built first if it is missing.
bench_wharfd_binary() {
  if [ -n "${BENCH_AOT:-}" ] && [ -z "${WHARFD:-}" ]; then bench_publish_aot; return; fi
  if [ -n "${WHARFD:-}" ]; then
    [ -x "$WHARFD" ] || bench_die "WHARFD=$WHARFD is not an executable"
    echo "$WHARFD"; return
  fi
  local bin=$REPO_DIR/src/Wharf.Daemon/bin/Release/net10.0/wharfd
  if [ ! -x "$bin" ]; then
    bench_log "building wharfd (Release)"
    (cd "$REPO_DIR" && dotnet build src/Wharf.Daemon -c Release -nologo -v q) >&2 \
      || bench_die "dotnet build src/Wharf.Daemon -c Release failed"
  fi
  [ -x "$bin" ] || bench_die "no wharfd at $bin after the build"
  echo "$bin"
}

# bench_publish_aot: publishes wharfd and wharf-shim as NativeAOT binaries (what users run) into
# out/bench/wharfd/ (the shim beside wharfd, where wharfd looks for it) unless they are already there
# and newer than every source file; prints the wharfd path.
bench_publish_aot() {
  local out=$REPO_DIR/out/bench
  if [ ! -x "$out/wharfd/wharfd" ] || [ ! -x "$out/wharfd/wharf-shim" ] \
     || [ -n "$(find "$REPO_DIR/src" -name '*.cs' -newer "$out/wharfd/wharfd" -print -quit)" ]; then
    bench_log "publishing wharfd and wharf-shim (NativeAOT) into $out"
    (cd "$REPO_DIR" && dotnet publish src/Wharf.Daemon -c Release -r linux-x64 -o "$out/wharfd" -nologo -v q \
      && dotnet publish src/Wharf.Shim -c Release -r linux-x64 -o "$out/wharfd" -nologo -v q) >&2 \
      || bench_die "NativeAOT publish failed"
  fi
  echo "$out/wharfd/wharfd"
}

# bench_wharfd_start: makes T=/tmp/wharf-bench-XXXX, starts a private wharfd on $T/run/wharf.sock
# with its own nft table, bridge and cgroup parent, waits for /_ping, and sets
#   T WHARFD_BIN WHARFD_PID WHARF_HOST WHARFD_LOG
# The EXIT trap stops the daemon with SIGTERM and removes $T; on failure the daemon log is kept
# next to it as $T.log.
bench_wharfd_start() {
  WHARFD_BIN=$(bench_wharfd_binary) || exit 1
  T=$(mktemp -d /tmp/wharf-bench-XXXX)
  mkdir -p "$T/data" "$T/run" "$T/docker-config"
  echo '{}' > "$T/daemon.json"
  WHARF_HOST=unix://$T/run/wharf.sock
  WHARFD_LOG=$T/wharfd.log
  # A private, empty CLI config: no contexts, credential helpers or plugins of the user's.
  export DOCKER_CONFIG=$T/docker-config
  trap 'bench_cleanup $?' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  "$WHARFD_BIN" --data-root "$T/data" --exec-root "$T/run" -H "$WHARF_HOST" \
    --config-file "$T/daemon.json" --nft-table "${BENCH_NFT_TABLE:-wharf_bench}" --bridge "${BENCH_BRIDGE:-wbench0}" --bip "${BENCH_BIP:-10.213.0.1/24}" \
    --cgroup-parent "${BENCH_CGROUP_PARENT:-wharf-bench}" > "$WHARFD_LOG" 2>&1 &
  WHARFD_PID=$!
  local i
  for i in $(seq 1 300); do
    if [ "$(curl -s --max-time 2 --unix-socket "$T/run/wharf.sock" http://x/_ping 2>/dev/null)" = OK ]; then
      bench_log "wharfd $WHARFD_BIN up (pid $WHARFD_PID, $T)"
      return 0
    fi
    kill -0 "$WHARFD_PID" 2>/dev/null || { tail -n 30 "$WHARFD_LOG" >&2; bench_die "wharfd exited during start-up"; }
    sleep 0.1
  done
  tail -n 30 "$WHARFD_LOG" >&2
  bench_die "wharfd did not answer /_ping within 30 s"
}

bench_wharfd_stop() {
  [ -n "${WHARFD_PID:-}" ] || return 0
  if kill -0 "$WHARFD_PID" 2>/dev/null; then
    kill -TERM "$WHARFD_PID" 2>/dev/null || true
    local i
    for i in $(seq 1 150); do kill -0 "$WHARFD_PID" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$WHARFD_PID" 2>/dev/null; then
      bench_log "wharfd (pid $WHARFD_PID) still running 15 s after SIGTERM; sending SIGKILL"
      kill -KILL "$WHARFD_PID" 2>/dev/null || true
      BENCH_FAILED=1
    fi
  fi
  wait "$WHARFD_PID" 2>/dev/null || true
  WHARFD_PID=
}

# Scripts may define bench_on_exit (e.g. removing what they created in Docker); it runs first.
bench_cleanup() {
  local rc=$1
  trap - EXIT INT TERM
  if declare -F bench_on_exit >/dev/null; then bench_on_exit || true; fi
  bench_wharfd_stop
  # The daemon leaves its bridge and table for live restore; the bench's containers are gone now.
  ip link del wbench0 2>/dev/null || true
  nft delete table ip wharf_bench 2>/dev/null || true
  if [ -n "${T:-}" ] && [ -d "$T" ]; then
    if [ "$rc" -ne 0 ] || [ -n "${BENCH_FAILED:-}" ]; then
      cp "$WHARFD_LOG" "$T.log" 2>/dev/null && bench_log "failed; wharfd log kept at $T.log"
    fi
    if grep -q " $T/" /proc/self/mounts 2>/dev/null; then
      bench_log "mounts remain under $T; not removing it"
    else
      rm -rf "$T"
    fi
  fi
  exit "$rc"
}

# wharf ARGS...: the docker CLI against the private wharfd.
wharf() { DOCKER_HOST=$WHARF_HOST docker "$@"; }

# ---- Docker, for comparison -----------------------------------------------------------------

# bench_docker_available: true if docker.io (dockerd) is installed and a dockerd answers at
# $DOCKER_SOCK. The benchmarks never install or start dockerd.
bench_docker_available() {
  [ -z "${BENCH_NO_DOCKER:-}" ] || return 1
  { command -v dockerd >/dev/null 2>&1 || dpkg -s docker.io >/dev/null 2>&1; } || return 1
  [ -S "$DOCKER_SOCK" ] || return 1
  [ "$(curl -s --max-time 5 --unix-socket "$DOCKER_SOCK" http://x/_ping 2>/dev/null)" = OK ]
}

# bench_engines: sets W_HOST (the private wharfd, started before) and D_HOST (the installed dockerd
# when bench_docker_available, else empty), says which, and defines cli HOST ARGS... (the docker CLI
# against HOST).
bench_engines() {
  W_HOST=$WHARF_HOST
  D_HOST=
  if bench_docker_available; then
    D_HOST=unix://$DOCKER_SOCK
    bench_log "docker: dockerd $(bench_docker_version) at $DOCKER_SOCK; comparing"
  else
    bench_log "docker: not available (install docker.io and start dockerd to compare)"
  fi
}
# The wharf CLI as users run it: NativeAOT, published unless given or up to date.
bench_wharf_cli() {
  if [ -n "${WHARF:-}" ]; then echo "$WHARF"; return; fi
  local out=$REPO_DIR/out/bench/wharf
  if [ ! -x "$out/wharf" ] || [ -n "$(find "$REPO_DIR/src" -name '*.cs' -newer "$out/wharf" -print -quit)" ]; then
    bench_log "publishing wharf (NativeAOT) into $out"
    (cd "$REPO_DIR" && dotnet publish src/Wharf.Cli -c Release -r linux-x64 -o "$out" -nologo -v q) >&2 || bench_die "NativeAOT publish failed"
  fi
  echo "$out/wharf"
}

cli() { local h=$1; shift; DOCKER_HOST=$h docker "$@"; }

# dockerd_cli ARGS...: the docker CLI against the installed dockerd.
dockerd_cli() { DOCKER_HOST=unix://$DOCKER_SOCK docker "$@"; }

bench_docker_version() { dockerd_cli version --format '{{.Server.Version}}' 2>/dev/null || echo '?'; }

# engine_name HOST: "wharf" for the private wharfd, "docker" otherwise.
engine_name() { [ "$1" = "$W_HOST" ] && echo wharf || echo docker; }

# ---- reporting ------------------------------------------------------------------------------

declare -A R   # R[engine.metric] = figure, filled by the scripts
get() { local v=${R[$1]:-}; echo "${v:--}"; }
goal() { # goal VALUE MIN
  [ "$1" = - ] && { echo ">= $2 MiB/s"; return; }
  awk -v v="$1" -v g="$2" 'BEGIN { printf ">= %d MiB/s (%s)", g, (v + 0 >= g ? "met" : "MISSED") }'
}

# ---- machine description, for the record ----------------------------------------------------

bench_machine() {
  local cpu
  cpu=$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null)
  echo "date:    $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit:  $(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null)$(git -C "$REPO_DIR" diff --quiet HEAD -- src 2>/dev/null || echo ' (src modified)')"
  echo "wharfd:  ${WHARFD_BIN:-?}"
  echo "host:    $(uname -r), ${cpu:-?} x$(nproc), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)"
  echo "fs:      $(df -PT "${T:-/tmp}" | awk 'NR == 2 { print $2 " on " $1 }')"
  echo "load:    $(cut -d' ' -f1-3 /proc/loadavg) at the end (figures are noisy when this exceeds the CPU count)"
}
