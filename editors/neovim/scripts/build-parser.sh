#!/bin/sh
# Builds the Ferry tree-sitter parser into editors/neovim/parser/ferry.so, where Neovim
# finds it once editors/neovim is on the runtimepath. Needs the tree-sitter CLI and a C
# compiler (grammar/setup.sh installs the CLI).
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
grammar="$here/../../grammar/tree-sitter-ferry"
command -v tree-sitter >/dev/null 2>&1 || {
  echo "build-parser.sh: tree-sitter CLI not found; run grammar/setup.sh" >&2
  exit 1
}
mkdir -p "$here/parser"
tree-sitter build --output "$here/parser/ferry.so" "$grammar"
echo "built $here/parser/ferry.so"
