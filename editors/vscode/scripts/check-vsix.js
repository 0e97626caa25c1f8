#!/usr/bin/env node
// Checks a packaged Ferry extension: lists the .vsix, then asserts that its package.json
// contributes the language, grammar, language configuration and snippets and names a
// `main` entry point, and that every file they name is inside the .vsix and (for JSON)
// parses. Usage: node scripts/check-vsix.js FERRY.vsix

'use strict';
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

/** Reads the central directory of a zip file: name -> () => Buffer of the contents. */
function readZip(buffer) {
  let eocd = -1;
  for (let i = buffer.length - 22; i >= Math.max(0, buffer.length - 65557); i--) {
    if (buffer.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
  }
  if (eocd < 0) throw new Error('not a zip file (no end of central directory)');
  const count = buffer.readUInt16LE(eocd + 10);
  let offset = buffer.readUInt32LE(eocd + 16);
  const entries = new Map();
  for (let i = 0; i < count; i++) {
    if (buffer.readUInt32LE(offset) !== 0x02014b50) throw new Error('corrupt central directory');
    const method = buffer.readUInt16LE(offset + 10);
    const compressedSize = buffer.readUInt32LE(offset + 20);
    const nameLength = buffer.readUInt16LE(offset + 28);
    const extraLength = buffer.readUInt16LE(offset + 30);
    const commentLength = buffer.readUInt16LE(offset + 32);
    const local = buffer.readUInt32LE(offset + 42);
    const name = buffer.toString('utf8', offset + 46, offset + 46 + nameLength);
    entries.set(name, () => {
      const start = local + 30 + buffer.readUInt16LE(local + 26) + buffer.readUInt16LE(local + 28);
      const data = buffer.subarray(start, start + compressedSize);
      if (method === 0) return data;
      if (method === 8) return zlib.inflateRawSync(data);
      throw new Error(`${name}: unsupported compression method ${method}`);
    });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

function main() {
  const vsix = process.argv[2];
  if (!vsix) {
    console.error('usage: check-vsix.js FERRY.vsix');
    process.exit(2);
  }
  const entries = readZip(fs.readFileSync(vsix));
  console.log(`${vsix}:`);
  for (const name of [...entries.keys()].sort()) console.log(`  ${name}`);

  const failures = [];
  const check = (ok, message) => { if (!ok) failures.push(message); };
  const inVsix = file => `extension/${path.posix.normalize(file.replace(/^\.\//, ''))}`;
  const readJson = file => {
    const entry = entries.get(inVsix(file));
    if (!entry) { failures.push(`${file} is not in the vsix`); return undefined; }
    try { return JSON.parse(entry().toString('utf8')); } catch (error) {
      failures.push(`${file} is not valid JSON: ${error.message}`);
      return undefined;
    }
  };

  const manifest = readJson('package.json');
  if (manifest) {
    const contributes = manifest.contributes || {};
    const language = (contributes.languages || []).find(l => l.id === 'ferry');
    check(language, 'package.json contributes no language "ferry"');
    if (language) {
      check((language.extensions || []).includes('.ferry'), 'the ferry language does not claim *.ferry');
      check(language.configuration, 'the ferry language has no configuration');
      if (language.configuration) readJson(language.configuration);
    }
    const grammar = (contributes.grammars || []).find(g => g.language === 'ferry');
    check(grammar, 'package.json contributes no grammar for ferry');
    if (grammar) {
      check(grammar.scopeName === 'source.ferry', 'the grammar scope is not source.ferry');
      const tm = readJson(grammar.path);
      if (tm) check(tm.scopeName === 'source.ferry', `${grammar.path} has scopeName ${tm.scopeName}`);
    }
    const snippets = (contributes.snippets || []).find(s => s.language === 'ferry');
    check(snippets, 'package.json contributes no snippets for ferry');
    if (snippets) readJson(snippets.path);
    check(manifest.main, 'package.json has no main entry point');
    if (manifest.main) {
      const main = /\.js$/.test(manifest.main) ? manifest.main : `${manifest.main}.js`;
      check(entries.has(inVsix(main)), `the main entry point ${main} is not in the vsix`);
    }
    const settings = ((contributes.configuration || {}).properties) || {};
    check(settings['ferry.path'], 'package.json has no ferry.path setting');
    check(settings['ferry.trace.server'], 'package.json has no ferry.trace.server setting');
  }

  if (failures.length) {
    for (const failure of failures) console.error(`check-vsix: ${failure}`);
    process.exit(1);
  }
  console.log(`check-vsix: ok (${entries.size} entries; language, grammar, configuration, snippets, main)`);
}

main();
