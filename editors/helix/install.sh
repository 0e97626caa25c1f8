#!/bin/sh
# Installs Ferry support into Helix's user configuration from this checkout:
# the language and language-server entries (grammar source = this checkout's
# grammar/tree-sitter-ferry) and the queries, then builds the grammar with `hx`.
# Usage: editors/helix/install.sh [HELIX_CONFIG_DIR]   (default: ~/.config/helix)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
grammar=$(cd "$here/../../grammar/tree-sitter-ferry" && pwd)
config=${1:-${XDG_CONFIG_HOME:-$HOME/.config}/helix}

mkdir -p "$config/runtime/queries/ferry"
cp "$here"/queries/ferry/*.scm "$config/runtime/queries/ferry/"

if grep -q '^name = "ferry"' "$config/languages.toml" 2>/dev/null; then
  echo "install.sh: $config/languages.toml already has a ferry entry; left it as it is"
else
  {
    echo
    sed -e '/^\[\[grammar\]\]/,$d' -e '1,/^$/d' "$here/languages.toml"
    echo '[[grammar]]'
    echo 'name = "ferry"'
    echo "source = { path = \"$grammar\" }"
  } >> "$config/languages.toml"
  echo "install.sh: added ferry to $config/languages.toml"
fi

if command -v hx >/dev/null 2>&1; then
  hx --grammar build
else
  echo "install.sh: hx not found; run 'hx --grammar build' once Helix is installed"
fi
