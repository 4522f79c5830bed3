#!/usr/bin/env bash
# Fresh Debian 12, as root: installs dependencies, builds wharf and wharfd as NativeAOT binaries,
# installs them, starts wharfd, imports the embedded busybox image and shows it working.
set -euo pipefail
cd "$(dirname "$0")/.."
prefix=${PREFIX:-/usr/local}
bash scripts/deps.sh

echo "building (NativeAOT)..."
dotnet publish src/Wharf.Daemon -c Release -r linux-x64 -o out/wharfd -nologo -v quiet
dotnet publish src/Wharf.Cli -c Release -r linux-x64 -o out/wharf -nologo -v quiet
dotnet publish src/Wharf.Shim -c Release -r linux-x64 -o out/shim -nologo -v quiet
install -d "$prefix/lib/wharf"
install -m 0755 out/wharfd/wharfd "$prefix/lib/wharf/wharfd"
install -m 0755 out/wharfd/libe_sqlite3.so "$prefix/lib/wharf/libe_sqlite3.so"
install -m 0755 out/shim/wharf-shim "$prefix/lib/wharf/wharf-shim"   # found beside wharfd
install -m 0755 out/wharf/wharf "$prefix/bin/wharf"
ln -sf "$prefix/lib/wharf/wharfd" "$prefix/bin/wharfd"
install -d "$prefix/lib/docker/cli-plugins" && ln -sf "$prefix/bin/wharf" "$prefix/lib/docker/cli-plugins/docker-compose"   # `docker compose` runs `wharf compose`
install -d /etc/wharf
[ -f /etc/wharf/daemon.json ] || echo '{}' > /etc/wharf/daemon.json

if [ "$(cat /proc/1/comm 2>/dev/null)" = "systemd" ]; then
  install -m 0644 contrib/wharfd.service /etc/systemd/system/wharfd.service
  systemctl daemon-reload
  systemctl enable --now wharfd
  systemctl restart wharfd
else
  if [ -f /run/wharf/wharfd.pid ] && kill -0 "$(cat /run/wharf/wharfd.pid)" 2>/dev/null; then
    kill "$(cat /run/wharf/wharfd.pid)"
    while kill -0 "$(cat /run/wharf/wharfd.pid 2>/dev/null)" 2>/dev/null; do sleep 0.1; done
  fi
  nohup "$prefix/bin/wharfd" >>/var/log/wharfd.log 2>&1 </dev/null &
fi
for _ in $(seq 100); do wharf version >/dev/null 2>&1 && break; sleep 0.1; done

if ! wharf image inspect busybox:latest >/dev/null 2>&1; then
  rootfs=$(mktemp /tmp/wharf-busybox-XXXX.tar)
  bash scripts/make-busybox-rootfs.sh "$rootfs"
  wharf import -c 'CMD ["sh"]' -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' "$rootfs" busybox:latest >/dev/null
  rm -f "$rootfs"
fi
wharf info | sed -n '/^Server:/,/^ Docker Root Dir/p'
wharf images
if command -v docker >/dev/null; then
  DOCKER_HOST=unix:///run/wharf/wharf.sock docker run --rm busybox echo "hello from a Wharf container"
fi
echo "wharfd is running: use 'wharf', or the docker CLI with DOCKER_HOST=unix:///run/wharf/wharf.sock"
