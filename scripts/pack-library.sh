#!/usr/bin/env bash
# Builds nest-session-kit (libs/session) and packs it: the tarball users install, in dist/pack/.
# Prints the tarball's path on the last line.
set -euo pipefail
cd "$(dirname "$0")/.."

out="$PWD/dist/pack"
rm -rf "$out" && mkdir -p "$out"
# npm pack runs the package's prepack script, which builds it afresh.
(cd libs/session && npm pack --silent --pack-destination "$out" >/dev/null)
tarball="$(ls "$out"/nest-session-kit-*.tgz)"
echo "$tarball"
