#!/usr/bin/env bash
# Builds a busybox root filesystem tar from Debian's busybox-static: every applet linked,
# /etc/passwd and /etc/group with root and nobody. Usage: make-busybox-rootfs.sh OUT.tar
set -euo pipefail
out=${1:?usage: make-busybox-rootfs.sh OUT.tar}
bb=/bin/busybox
if [ ! -x "$bb" ] || ! "$bb" --list >/dev/null 2>&1 || file -L "$bb" 2>/dev/null | grep -q dynamic; then
  bb=$(dpkg -L busybox-static 2>/dev/null | grep -E '/busybox$' | head -n1 || true)
fi
[ -x "${bb:-}" ] || { echo "busybox-static is not installed (apt-get install busybox-static)" >&2; exit 1; }
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
chmod 755 "$root"
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,root,tmp,proc,sys,dev,var/www,var/spool/cron,home}
chmod 1777 "$root/tmp"
chmod 700 "$root/root"
cp "$bb" "$root/bin/busybox"
chmod 755 "$root/bin/busybox"
# Link every applet where busybox says it belongs.
"$bb" --list-full | while read -r applet; do
  [ "$applet" = "bin/busybox" ] && continue
  dir=$(dirname "$applet")
  mkdir -p "$root/$dir"
  rel=$(realpath --relative-to="$root/$dir" "$root/bin/busybox")
  ln -sf "$rel" "$root/$applet"
done
cat > "$root/etc/passwd" <<'P'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/home:/bin/false
P
cat > "$root/etc/group" <<'G'
root:x:0:
nobody:x:65534:
G
touch "$root/etc/hostname" "$root/etc/hosts" "$root/etc/resolv.conf"
tar --numeric-owner --owner=0 --group=0 -C "$root" -cf "$out" .
