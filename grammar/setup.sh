#!/usr/bin/env bash
# Installs what grammar/check.sh needs, on a Debian machine with the Rust toolchain,
# Node.js 20+ and npm: the tree-sitter CLI (from crates.io) and the VS Code extension's
# npm packages. Idempotent: does nothing that is already done. Runs from any directory.
set -euo pipefail

TREE_SITTER_VERSION=0.27.1

cd "$(dirname "$0")"
GRAMMAR_DIR=$(pwd)
VSCODE_DIR=$(cd ../editors/vscode && pwd)
export PATH="$HOME/.cargo/bin:$PATH"

fail() {
  echo "grammar/setup.sh: $*" >&2
  exit 1
}

command -v cargo >/dev/null 2>&1 || fail "cargo not found: install the Rust toolchain (rustup) first"
command -v cc >/dev/null 2>&1 || fail "no C compiler (cc): tree-sitter compiles parsers with it (apt-get install gcc)"
command -v node >/dev/null 2>&1 || fail "node not found: install Node.js 20 or newer"
command -v npm >/dev/null 2>&1 || fail "npm not found: install npm"
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 20 ] || fail "Node.js $(node --version) is too old: 20 or newer is needed"

# tree-sitter CLI, pinned: the generated parser in grammar/tree-sitter-ferry/src comes from it.
installed=$(tree-sitter --version 2>/dev/null | awk '{print $2}' || true)
if [ "$installed" = "$TREE_SITTER_VERSION" ]; then
  echo "setup: tree-sitter $TREE_SITTER_VERSION already installed"
else
  echo "setup: installing tree-sitter-cli $TREE_SITTER_VERSION (was: ${installed:-none}); this takes a few minutes"
  cargo install tree-sitter-cli --locked --version "$TREE_SITTER_VERSION"
fi

# npm packages of the VS Code extension (TypeScript, esbuild, vsce, TextMate test tools).
cd "$VSCODE_DIR"
stamp=node_modules/.package-lock.json
if [ -f "$stamp" ] && [ "$stamp" -nt package-lock.json ] && [ "$stamp" -nt package.json ]; then
  echo "setup: editors/vscode/node_modules is up to date"
else
  echo "setup: npm ci in editors/vscode"
  npm ci --no-audit --no-fund
fi

echo "setup: done (tree-sitter $(tree-sitter --version | awk '{print $2}'), node $(node --version)); now run $GRAMMAR_DIR/check.sh"
