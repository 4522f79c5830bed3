#!/usr/bin/env bash
# Builds the root filesystem of a registry image from the wharf binary: the binary, every shared
# library `ldd` lists for it (with the dynamic loader), and libssl/libcrypto, which .NET loads at run
# time for TLS (`ldd` cannot see them). Import it the way registry:2 is used:
#   scripts/make-registry-image.sh out/wharf/wharf /tmp/registry-rootfs.tar
#   wharf import -c 'ENTRYPOINT ["/usr/local/bin/wharf","registry","serve","--addr","0.0.0.0:5000"]' \
#                -c 'EXPOSE 5000' /tmp/registry-rootfs.tar wharf-registry:latest
#   wharf run -d -p 127.0.0.1:5000:5000 wharf-registry:latest
# Usage: make-registry-image.sh WHARF_BINARY OUT.tar
set -euo pipefail
bin=${1:?usage: make-registry-image.sh WHARF_BINARY OUT.tar}
out=${2:?usage: make-registry-image.sh WHARF_BINARY OUT.tar}
[ -x "$bin" ] || { echo "$bin is not an executable" >&2; exit 1; }
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
chmod 755 "$root"
mkdir -p "$root"/{usr/local/bin,etc,tmp,var/lib/registry,proc,sys,dev}
chmod 1777 "$root/tmp"
cp "$bin" "$root/usr/local/bin/wharf"
copy_lib() {
  local lib=$1
  [ -e "$lib" ] || return 0
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
}
# "libx.so => /path (addr)" and "/lib64/ld-linux-x86-64.so.2 (addr)"
ldd "$bin" | awk '/=> \// { print $3 } /^[ \t]*\// { print $1 }' | while read -r lib; do copy_lib "$lib"; done
for name in libssl.so.3 libcrypto.so.3; do
  path=$(ldconfig -p | awk -v n="$name" '$1 == n && /x86-64/ { print $NF; exit }')
  [ -n "$path" ] && copy_lib "$path"
done
printf 'root:x:0:0:root:/root:/bin/false\nnobody:x:65534:65534:nobody:/:/bin/false\n' > "$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"
tar -C "$root" --numeric-owner --owner=0 --group=0 -cf "$out" .
