#!/usr/bin/env bash
# Writes an OCI image layout (what `skopeo copy oci:DIR:TAG` reads) with LAYERS layers of random data,
# about TOTAL_MIB MiB in all. Layers are gzip'd already (random data does not shrink), so a copy sends them
# as they are and measures transfer, not compression.
# Usage: make-oci-image.sh DIR TOTAL_MIB [LAYERS] [TAG]
set -euo pipefail
dir=$1; total=$2; layers=${3:-4}; tag=${4:-latest}
rm -rf "$dir"; mkdir -p "$dir/blobs/sha256"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
per=$(( total * 1024 / layers ))   # KiB per layer
layer_json=""; diff_ids=""
for i in $(seq 1 "$layers"); do
  mkdir -p "$work/l$i"
  head -c "$(( per * 1024 ))" /dev/urandom > "$work/l$i/data$i.bin"
  tar -C "$work/l$i" --owner=0 --group=0 --numeric-owner --mtime=@0 -cf "$work/layer$i.tar" "data$i.bin"
  diff=$(sha256sum "$work/layer$i.tar" | cut -d' ' -f1)
  gzip -1 -n "$work/layer$i.tar"
  sum=$(sha256sum "$work/layer$i.tar.gz" | cut -d' ' -f1)
  size=$(stat -c %s "$work/layer$i.tar.gz")
  mv "$work/layer$i.tar.gz" "$dir/blobs/sha256/$sum"
  layer_json+="${layer_json:+,}{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"sha256:$sum\",\"size\":$size}"
  diff_ids+="${diff_ids:+,}\"sha256:$diff\""
done
config="{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Cmd\":[\"/bin/sh\"]},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[$diff_ids]}}"
printf '%s' "$config" > "$work/config"
csum=$(sha256sum "$work/config" | cut -d' ' -f1); csize=$(stat -c %s "$work/config")
mv "$work/config" "$dir/blobs/sha256/$csum"
manifest="{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:$csum\",\"size\":$csize},\"layers\":[$layer_json]}"
printf '%s' "$manifest" > "$work/manifest"
msum=$(sha256sum "$work/manifest" | cut -d' ' -f1); msize=$(stat -c %s "$work/manifest")
mv "$work/manifest" "$dir/blobs/sha256/$msum"
printf '{"imageLayoutVersion":"1.0.0"}' > "$dir/oci-layout"
printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"%s"}}]}' "$msum" "$msize" "$tag" > "$dir/index.json"
echo "sha256:$msum"
