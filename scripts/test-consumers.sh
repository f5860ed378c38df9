#!/usr/bin/env bash
# Packs nest-session-kit and runs the consumer apps of test/consumers/ on the tarball alone:
# each is copied outside the workspace (so nothing resolves from its node_modules), installed
# from npm's cache where it can be, compiled with its own tsconfig and run with node --test.
# The TypeScript blocks of the READMEs are type-checked in the Redis consumer, against the
# packed library. Usage: bash scripts/test-consumers.sh [consumer ...]
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

tarball="$(bash scripts/pack-library.sh | tail -1)"
work="$(mktemp -d "${TMPDIR:-/tmp}/nsk-consumers.XXXXXX")"
trap 'rm -rf "$work"' EXIT
cp "$tarball" "$work/nest-session-kit.tgz"
echo "nest-session-kit tarball: $(basename "$tarball"), $(du -k "$tarball" | cut -f1) kB"

consumers=("$@")
[ ${#consumers[@]} -gt 0 ] || consumers=(cjs-memory esm-redis)

for name in "${consumers[@]}"; do
  echo "== consumer $name"
  app="$work/$name"
  cp -r "test/consumers/$name" "$app"
  rm -rf "$app/node_modules" "$app/dist"
  (
    cd "$app"
    npm install --no-audit --no-fund --prefer-offline --loglevel=error
    echo "installed: $(npm ls --all --parseable 2>/dev/null | wc -l) packages" \
      "($(npm ls --all --omit=dev --parseable 2>/dev/null | wc -l) without dev dependencies)"
    if [ -f docs/tsconfig.json ]; then
      node "$root/scripts/readme-blocks.js" docs/blocks "$root/libs/session/README.md" "$root/README.md"
      npx --no-install tsc -p docs/tsconfig.json
      echo "README TypeScript blocks type-check: $(ls docs/blocks | wc -l) blocks"
    fi
    npx --no-install tsc -p tsconfig.json
    node --test --test-reporter=spec dist/test/
  )
done
echo "consumer apps passed: ${consumers[*]}"
