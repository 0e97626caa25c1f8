#!/usr/bin/env bash
# Checks the grammars and editor support (run grammar/setup.sh once first):
#   1. the generated parser (src/) is what `tree-sitter generate` makes of grammar.js
#   2. `tree-sitter test`: the corpus tests in test/corpus
#   3. the queries compile against the grammar, and the editor copies are in sync
#   4. every .ferry file under DIRS parses without ERROR or MISSING nodes (plus the
#      TextMate test samples and the expanded snippets)
#   5. the TextMate grammar tests, and no invalid.illegal token in those files
#   6. the VS Code extension packages into a .vsix with everything it contributes
#   7. the Neovim smoke test, when nvim 0.11+ is on PATH (or in $FERRY_NVIM)
# Usage: grammar/check.sh [DIR...]   (default: examples tests, at the repository root)
# In DIRS, files under a directory named `invalid` or under tests/ui/, and files whose
# first line contains `// expect-error`, are meant not to parse and are skipped.
set -uo pipefail

DIRS=()
for dir in "$@"; do # relative to the caller's directory
  case "$dir" in /*) DIRS+=("$dir") ;; *) DIRS+=("$(pwd)/$dir") ;; esac
done

cd "$(dirname "$0")"
GRAMMAR=$(pwd)/tree-sitter-ferry
ROOT=$(cd .. && pwd)
VSCODE=$ROOT/editors/vscode
NEOVIM=$ROOT/editors/neovim
export PATH="$HOME/.cargo/bin:$PATH"
TREE_SITTER_VERSION=0.27.1
[ ${#DIRS[@]} -gt 0 ] || DIRS=("$ROOT/examples" "$ROOT/tests")

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$TMP/parsers"
# An explicit tree-sitter config keeps the CLI from warning about ~/.config/tree-sitter.
printf '{"parser-directories": ["%s"]}\n' "$TMP/parsers" > "$TMP/ts-config.json"
ts() { tree-sitter "$@" --config-path "$TMP/ts-config.json"; }

passed=0
failed=0
failures=()
started=$(date +%s)

step() { # step NAME COMMAND...: runs one check, keeps going on failure
  local name=$1
  shift
  local t0=$SECONDS
  echo "== $name"
  if "$@"; then
    passed=$((passed + 1))
    echo "   ok ($((SECONDS - t0))s)"
  else
    failed=$((failed + 1))
    failures+=("$name")
    echo "   FAILED: $name ($((SECONDS - t0))s)"
  fi
}

# ---------------------------------------------------------------- prerequisites

need() {
  echo "grammar/check.sh: $*; run grammar/setup.sh first" >&2
  exit 2
}
command -v tree-sitter >/dev/null 2>&1 || need "the tree-sitter CLI is not installed"
have=$(tree-sitter --version | awk '{print $2}')
[ "$have" = "$TREE_SITTER_VERSION" ] || need "tree-sitter $have is installed, the parser is generated with $TREE_SITTER_VERSION"
command -v node >/dev/null 2>&1 || need "node is not installed"
[ -x "$VSCODE/node_modules/.bin/vsce" ] || need "editors/vscode/node_modules is missing"

# ---------------------------------------------------------------- checks

generated_in_sync() {
  local copy=$TMP/generate
  mkdir -p "$copy/src"
  cp "$GRAMMAR/grammar.js" "$GRAMMAR/tree-sitter.json" "$GRAMMAR/package.json" "$copy/"
  cp "$GRAMMAR/src/scanner.c" "$copy/src/"
  (cd "$copy" && tree-sitter generate) || return 1
  local stale=0
  for file in parser.c grammar.json node-types.json tree_sitter/parser.h tree_sitter/alloc.h tree_sitter/array.h; do
    if ! cmp -s "$copy/src/$file" "$GRAMMAR/src/$file"; then
      echo "   grammar/tree-sitter-ferry/src/$file is stale: run 'tree-sitter generate' in grammar/tree-sitter-ferry"
      stale=1
    fi
  done
  return $stale
}

corpus_tests() {
  (cd "$GRAMMAR" && ts test)
}

queries_compile() {
  local ok=0 sample=$VSCODE/test/grammar/job.ferry
  for query in "$GRAMMAR"/queries/*.scm "$ROOT"/editors/helix/queries/ferry/*.scm; do
    if ! (cd "$GRAMMAR" && ts query "$query" "$sample" >/dev/null); then
      echo "   ${query#"$ROOT"/} does not compile against the grammar"
      ok=1
    fi
  done
  node "$ROOT/grammar/sync-queries.js" --check || ok=1
  return $ok
}

# The .ferry files that must parse: DIRS minus the expected failures, the TextMate test
# samples, and the snippets expanded with their default text.
collect_files() {
  : > "$TMP/files.txt"
  local dir file
  for dir in "${DIRS[@]}"; do
    [ -d "$dir" ] || { echo "   (no directory $dir)"; continue; }
    find "$dir" -type d -name invalid -prune -o -type f -name '*.ferry' -print | sort |
      while IFS= read -r file; do
        case "$file" in "$ROOT"/tests/ui/*) continue ;; esac
        head -n 1 "$file" | grep -q '// expect-error' && continue
        echo "$file"
      done >> "$TMP/files.txt"
  done
  cp "$TMP/files.txt" "$TMP/examples.txt"
  ls "$VSCODE"/test/grammar/*.ferry >> "$TMP/files.txt"
  node "$VSCODE/scripts/expand-snippets.js" "$TMP/snippets" >/dev/null || return 1
  ls "$TMP"/snippets/*.ferry >> "$TMP/files.txt"
}

files_parse() {
  collect_files || return 1
  echo "   parsing $(wc -l < "$TMP/files.txt") files ($(wc -l < "$TMP/examples.txt") from ${DIRS[*]#"$ROOT"/})"
  # Prints one line per file with an ERROR or MISSING node, and fails if there is one.
  (cd "$GRAMMAR" && ts parse --quiet --paths "$TMP/files.txt")
}

textmate_tests() {
  (cd "$VSCODE" && npm run -s test:grammar) || return 1
  mapfile -t files < "$TMP/examples.txt"
  (cd "$VSCODE" && node scripts/check-tokens.js test/grammar "$TMP/snippets" ${files[@]+"${files[@]}"})
}

vsix_packages() {
  (cd "$VSCODE" && sh scripts/package.sh "$TMP/ferry.vsix" > "$TMP/vsce.log" 2>&1) || {
    cat "$TMP/vsce.log"
    return 1
  }
  node "$VSCODE/scripts/check-vsix.js" "$TMP/ferry.vsix"
}

neovim_smoke() {
  local nvim=${FERRY_NVIM:-$(command -v nvim || true)}
  if [ -z "$nvim" ]; then
    echo "   skipped: no nvim on PATH (set FERRY_NVIM=/path/to/nvim to run it)"
    return 0
  fi
  if ! "$nvim" --headless --clean -c 'if has("nvim-0.11") | qa! | else | cq | endif' >/dev/null 2>&1; then
    echo "   skipped: $nvim is older than Neovim 0.11"
    return 0
  fi
  mkdir -p "$TMP/nvim/parser"
  tree-sitter build --output "$TMP/nvim/parser/ferry.so" "$GRAMMAR" || return 1
  (cd "$ROOT" && timeout 60 "$nvim" --headless --clean --cmd "set rtp^=$NEOVIM,$TMP/nvim" \
    -l "$NEOVIM/test/smoke.lua" "$VSCODE/test/grammar/job.ferry")
}

step "generated parser is in sync with grammar.js" generated_in_sync
step "tree-sitter corpus tests" corpus_tests
step "queries compile; editor copies in sync" queries_compile
step "every .ferry file parses without ERROR/MISSING" files_parse
step "TextMate grammar tests; no invalid.illegal tokens" textmate_tests
step "VS Code extension packages into a .vsix" vsix_packages
step "Neovim smoke test" neovim_smoke

echo
echo "grammar/check.sh finished in $(($(date +%s) - started))s"
[ $failed -eq 0 ] || printf '  failed: %s\n' "${failures[@]}"
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
