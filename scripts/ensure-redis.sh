#!/usr/bin/env bash
# Makes sure redis-server is installed and answers at 127.0.0.1:6379 (tests also start private
# servers of their own with the same binary).
set -euo pipefail

answers() { (exec 3<>/dev/tcp/127.0.0.1/6379 && printf 'PING\r\n' >&3 && read -r -t 2 reply <&3 && [[ "$reply" == +PONG* ]]) 2>/dev/null; }

if ! command -v redis-server >/dev/null 2>&1; then
  echo "Installing redis-server"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server) >/dev/null
fi

if ! answers; then
  echo "Starting redis-server on 127.0.0.1:6379"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no
  for _ in $(seq 1 50); do answers && break; sleep 0.1; done
fi
answers || { echo "Redis does not answer at 127.0.0.1:6379" >&2; exit 1; }
echo "Redis answers at 127.0.0.1:6379"
