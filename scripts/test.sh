#!/usr/bin/env bash
# Runs the whole test suite: unit tests, and integration tests that start private daemons from the
# NativeAOT binaries (what users run). Ends with "N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh || exit 1
set -e
dotnet build Wharf.sln -nologo -v quiet
dotnet publish src/Wharf.Daemon -c Release -r linux-x64 -o out/test/wharfd -nologo -v quiet
dotnet publish src/Wharf.Cli -c Release -r linux-x64 -o out/test/wharf -nologo -v quiet
dotnet publish src/Wharf.Shim -c Release -r linux-x64 -o out/test/shim -nologo -v quiet
set +e
export WHARFD_PATH=$PWD/out/test/wharfd/wharfd WHARF_PATH=$PWD/out/test/wharf/wharf WHARF_SHIM=$PWD/out/test/shim/wharf-shim
rootfs=$(mktemp /tmp/wharf-test-rootfs-XXXX.tar)
bash scripts/make-busybox-rootfs.sh "$rootfs"
export WHARF_TEST_ROOTFS=$rootfs
log=$(mktemp /tmp/wharf-test-log-XXXX)
dotnet test Wharf.sln --no-build -nologo 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
rm -f "$rootfs"
passed=$(grep -oE 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -oE 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
rm -f "$log"
echo "$passed passed, $failed failed"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then exit 1; fi
