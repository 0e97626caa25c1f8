#!/usr/bin/env node
// Expands every snippet of snippets/ferry.json with its default text (first choice,
// placeholder defaults, mirrors) and writes each to OUT_DIR/<n>.ferry, so that
// grammar/check.sh can check that the snippets produce valid Ferry.
// Usage: node scripts/expand-snippets.js OUT_DIR

'use strict';
const fs = require('fs');
const path = require('path');

const SNIPPETS = path.join(__dirname, '..', 'snippets', 'ferry.json');

/** Parses snippet syntax into a list of strings and { index, parts?, choice? } nodes. */
function parse(text) {
  let pos = 0;
  function parseUntil(stop) {
    const nodes = [];
    let literal = '';
    const flush = () => { if (literal) nodes.push(literal); literal = ''; };
    while (pos < text.length && !stop(text[pos])) {
      const c = text[pos];
      if (c === '\\' && pos + 1 < text.length) {
        literal += text[pos + 1];
        pos += 2;
      } else if (c === '$' && /[0-9]/.test(text[pos + 1] || '')) {
        flush();
        const m = /^[0-9]+/.exec(text.slice(pos + 1));
        nodes.push({ index: m[0] });
        pos += 1 + m[0].length;
      } else if (c === '$' && text[pos + 1] === '{' && /[0-9]/.test(text[pos + 2] || '')) {
        flush();
        const m = /^[0-9]+/.exec(text.slice(pos + 2));
        pos += 2 + m[0].length;
        const node = { index: m[0] };
        if (text[pos] === ':') {
          pos++;
          node.parts = parseUntil(ch => ch === '}');
        } else if (text[pos] === '|') {
          const end = text.indexOf('|}', pos + 1);
          node.choice = text.slice(pos + 1, end).split(/(?<!\\),/)[0].replace(/\\(.)/g, '$1');
          pos = end + 1;
        }
        if (text[pos] !== '}') throw new Error(`unclosed placeholder in ${JSON.stringify(text)}`);
        pos++;
        nodes.push(node);
      } else {
        literal += c;
        pos++;
      }
    }
    flush();
    return nodes;
  }
  return parseUntil(() => false);
}

function expand(body) {
  const nodes = parse(body);
  const defaults = new Map();
  const collect = list => list.forEach(node => {
    if (typeof node === 'string') return;
    if (node.parts) collect(node.parts);
    if (!defaults.has(node.index) && (node.parts || node.choice !== undefined)) defaults.set(node.index, node);
  });
  collect(nodes);
  const render = (list, seen) => list.map(node => {
    if (typeof node === 'string') return node;
    const source = node.parts || node.choice !== undefined ? node : defaults.get(node.index);
    if (!source || seen.has(node.index)) return '';
    if (source.choice !== undefined) return source.choice;
    return render(source.parts, new Set([...seen, node.index]));
  }).join('');
  return render(nodes, new Set());
}

function main() {
  const outDir = process.argv[2];
  if (!outDir) {
    console.error('usage: expand-snippets.js OUT_DIR');
    process.exit(2);
  }
  fs.mkdirSync(outDir, { recursive: true });
  const snippets = JSON.parse(fs.readFileSync(SNIPPETS, 'utf8'));
  Object.entries(snippets).forEach(([name, snippet], i) => {
    const body = Array.isArray(snippet.body) ? snippet.body.join('\n') : snippet.body;
    const file = path.join(outDir, `${String(i).padStart(2, '0')}-${name.replace(/[^A-Za-z0-9]+/g, '_')}.ferry`);
    fs.writeFileSync(file, expand(body) + '\n');
  });
  console.log(`expanded ${Object.keys(snippets).length} snippets into ${outDir}`);
}

main();
