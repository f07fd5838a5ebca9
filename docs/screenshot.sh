#!/usr/bin/env bash
# Starts the client on its embedded demo under Xvfb and saves docs/client.png.
#   bash docs/screenshot.sh [BUILD_DIR]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$root/build}
client="$build/client-wx/actors-client"
[ -x "$client" ] || { echo "error: $client not built (cmake --build $build)" >&2; exit 1; }
command -v xvfb-run >/dev/null || { echo "error: xvfb-run missing (apt install xvfb xauth)" >&2; exit 1; }
xvfb-run -a -s "-screen 0 1280x800x24" "$client" --demo --screenshot "$root/docs/client.png"
echo "wrote $root/docs/client.png"
