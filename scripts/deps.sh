#!/usr/bin/env bash
# Installs what Wharf needs from Debian's packages (idempotent). Needs root.
set -euo pipefail
packages=(
  runc            # the default OCI runtime
  crun            # the alternative runtime (refuses hosts with mixed cgroup v1/v2)
  tini            # static init for --init
  busybox-static  # the embedded default image is built from it
  nftables iptables iproute2
  skopeo          # archive interoperability tests; registry server tests and bench/registry.sh
  docker-registry # distribution 2.8.2 on loopback: registry client tests, bench/pushpull.sh and bench/registry.sh
  apache2-utils   # htpasswd -B makes the bcrypt users of the registry auth tests
  docker-compose  # compose tests and bench/compose.sh run Debian's docker-compose 1.29 against wharfd
  clang lld zlib1g-dev   # NativeAOT linking
  xz-utils bzip2 zstd gzip tar openssl curl util-linux procps
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
command -v dotnet >/dev/null || { echo "the .NET 10 SDK (dotnet) is required on PATH" >&2; exit 1; }
