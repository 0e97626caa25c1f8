#!/usr/bin/env node
// Tokenizes .ferry files with the extension's TextMate grammar (the same engine VS Code
// uses) and fails if any token is scoped `invalid.illegal`.
// Usage: node scripts/check-tokens.js FILE_OR_DIR... (directories are searched for *.ferry)

'use strict';
const fs = require('fs');
const path = require('path');
const vsctm = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

const GRAMMAR = path.join(__dirname, '..', 'syntaxes', 'ferry.tmLanguage.json');

function ferryFiles(target) {
  if (!fs.statSync(target).isDirectory()) return [target];
  return fs.readdirSync(target, { withFileTypes: true }).flatMap(entry => {
    const full = path.join(target, entry.name);
    if (entry.isDirectory()) return ferryFiles(full);
    return entry.name.endsWith('.ferry') ? [full] : [];
  });
}

async function loadGrammar() {
  const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: patterns => new oniguruma.OnigScanner(patterns),
      createOnigString: text => new oniguruma.OnigString(text),
    }),
    loadGrammar: async scopeName => scopeName === 'source.ferry'
      ? vsctm.parseRawGrammar(fs.readFileSync(GRAMMAR, 'utf8'), GRAMMAR)
      : null,
  });
  return registry.loadGrammar('source.ferry');
}

function illegalTokens(grammar, text) {
  const found = [];
  let state = vsctm.INITIAL;
  text.split(/\r?\n/).forEach((line, row) => {
    const result = grammar.tokenizeLine(line, state);
    for (const token of result.tokens) {
      const scope = token.scopes.find(s => s.startsWith('invalid.illegal'));
      if (scope) {
        const snippet = line.slice(token.startIndex, token.endIndex);
        found.push(`${row + 1}:${token.startIndex + 1}: ${scope} ${JSON.stringify(snippet)}`);
      }
    }
    state = result.ruleStack;
  });
  return found;
}

async function main() {
  const targets = process.argv.slice(2);
  if (targets.length === 0) {
    console.error('usage: check-tokens.js FILE_OR_DIR...');
    process.exit(2);
  }
  const grammar = await loadGrammar();
  const files = targets.flatMap(ferryFiles).sort();
  let bad = 0;
  for (const file of files) {
    for (const problem of illegalTokens(grammar, fs.readFileSync(file, 'utf8'))) {
      console.error(`${file}:${problem}`);
      bad++;
    }
  }
  console.log(`tokenized ${files.length} file(s) with the TextMate grammar: ${bad} invalid.illegal token(s)`);
  process.exit(bad === 0 ? 0 : 1);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
