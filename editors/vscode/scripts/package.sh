#!/bin/sh
# Packages the extension into a .vsix with @vscode/vsce.
# Usage: scripts/package.sh [OUTPUT.vsix]   (default: editors/vscode/ferry.vsix)
# Needs `npm ci` first (grammar/setup.sh does it).
set -eu

out=${1:-}
here=$(cd "$(dirname "$0")/.." && pwd)
case "$out" in
  "") out="$here/ferry.vsix" ;;
  /*) ;;
  *) out="$(pwd)/$out" ;;
esac
cd "$here"

if [ ! -x node_modules/.bin/vsce ]; then
  echo "package.sh: node_modules is missing; run 'npm ci' in $here (or grammar/setup.sh)" >&2
  exit 1
fi
mkdir -p "$(dirname "$out")"
# vscode:prepublish compiles the TypeScript client first.
node_modules/.bin/vsce package --no-dependencies --skip-license --allow-missing-repository --out "$out"
