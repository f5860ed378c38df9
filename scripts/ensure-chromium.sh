#!/usr/bin/env bash
# Makes sure Debian's Chromium is installed at /usr/bin/chromium for the browser tests
# (test/browser/, driven by playwright-core); playwright never downloads a browser here.
set -euo pipefail

if [[ ! -x /usr/bin/chromium ]]; then
  echo "Installing chromium"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null
fi
/usr/bin/chromium --version 2>/dev/null | head -1 || { echo "Chromium does not start" >&2; exit 1; }
