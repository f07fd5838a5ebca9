#!/usr/bin/env bash
# Starts the client on its embedded demo under Xvfb and saves docs/client.png,
# then one picture per panel: client-generator.png (the traffic generator
# running), client-sequence.png (a sequence run), client-rules.png,
# client-inspector.png.
#   bash docs/screenshot.sh [BUILD_DIR]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$root/build}
client="$build/client-wx/actors-client"
[ -x "$client" ] || { echo "error: $client not built (cmake --build $build)" >&2; exit 1; }
command -v xvfb-run >/dev/null || { echo "error: xvfb-run missing (apt install xvfb xauth)" >&2; exit 1; }
# A configuration of its own, so the pictures show the defaults.
export HOME=$(mktemp -d)
trap 'rm -rf "$HOME"' EXIT
shoot() { # FILE [--show PANEL]
  xvfb-run -a -s "-screen 0 1280x800x24" "$client" --demo --screenshot "$root/docs/$1" "${@:2}"
  echo "wrote $root/docs/$1"
}
shoot client.png
shoot client-generator.png --show generator
shoot client-sequence.png --show sequence
shoot client-rules.png --show rules
shoot client-inspector.png --show inspector
