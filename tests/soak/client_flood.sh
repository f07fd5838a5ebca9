#!/usr/bin/env bash
# The real client under a flood for minutes (issue: RSS must stay flat once
# the traffic view is full, and quitting must stay quick): a peer writes
# lines without end (socat, `yes`), the client shows them under Xvfb; RSS is
# sampled every 10 s, then SIGTERM and the time until the client is gone.
#   bash tests/soak/client_flood.sh [BUILD_DIR] [SECONDS]    (default 300 s)
# Prints a table; exits 1 if RSS grew by 32 MiB or more after the first
# minute, or quitting took 300 ms or more.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${1:-$root/build}
seconds=${2:-300}
client="$build/client-wx/actors-client"
[ -x "$client" ] || { echo "error: $client not built" >&2; exit 2; }
for tool in Xvfb socat python3; do
  command -v "$tool" >/dev/null || { echo "error: $tool missing" >&2; exit 2; }
done
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
display=:$((100 + RANDOM % 800))
Xvfb "$display" -screen 0 1280x1024x24 -nolisten tcp >/dev/null 2>&1 &
pids+=($!)
socat "TCP-LISTEN:$port,bind=127.0.0.1,reuseaddr" SYSTEM:'yes flood-line-of-text' 2>/dev/null &
pids+=($!)
sleep 1
HOME=$work DISPLAY=$display "$client" --connect "127.0.0.1:$port" >"$work/client.out" 2>&1 &
client_pid=$!
pids+=($client_pid)
rss_mib() { awk '/VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$client_pid/status"; }
printf '%8s  %9s\n' "seconds" "RSS MiB"
baseline="" peak=0
for ((t = 10; t <= seconds; t += 10)); do
  sleep 10
  kill -0 "$client_pid" 2>/dev/null || { echo "error: the client exited early" >&2; cat "$work/client.out" >&2; exit 1; }
  rss=$(rss_mib)
  printf '%8d  %9s\n' "$t" "$rss"
  if ((t == 60)); then baseline=$rss; fi
  if [ -n "$baseline" ]; then peak=$(python3 -c "print(max($peak, $rss))"); fi
done
start=$(date +%s%N)
kill -TERM "$client_pid"
wait "$client_pid" || true
quit_ms=$(( ($(date +%s%N) - start) / 1000000 ))
growth=$(python3 -c "print(round(${peak:-0} - ${baseline:-0}, 1))")
echo "RSS at 60 s: ${baseline:-n/a} MiB; largest after: $peak MiB; growth: $growth MiB (limit 32)"
echo "quit (SIGTERM until exit) with the view full: $quit_ms ms (limit 300)"
python3 -c "import sys; sys.exit(0 if $growth < 32 and $quit_ms < 300 else 1)"
