#!/usr/bin/env node
'use strict';
// The `loupe` command. It checks the Node version before loading anything that would crash on an
// old one (better-sqlite3 13 needs Node 22), then runs the CLI that `npm run build` compiled to
// out/main/cli.js (`npm install` builds it through the `prepare` script).
// The check lives here, not in package.json's `engines`: npm compares `engines` with the Node npm
// itself runs on (the system's, often older), not the one the project installs and `npx loupe` runs
// this file with, and printed ten lines of EBADENGINE warnings for a requirement that was met.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  process.stderr.write(
    `loupe: Node ${process.versions.node} is too old; Loupe needs Node 22.12 or newer.\n` +
      'Inside the project, run it as `npx loupe …` or through `npm run`, which use the Node the project installs.\n',
  );
  process.exit(1);
}
const path = require('node:path');
const built = path.join(__dirname, '..', 'out', 'main', 'cli.js');
let cli;
try {
  cli = require(built);
} catch (error) {
  if (error.code !== 'MODULE_NOT_FOUND' || !String(error.message).includes(built)) throw error;
  process.stderr.write(
    `loupe: the command line is not built yet (${path.relative(process.cwd(), built) || built} is missing).\n` +
      `Run \`npm run build\` in ${path.resolve(__dirname, '..')} once (\`npm install\` does it too), then try again.\n`,
  );
  process.exit(1);
}
cli.runCli(process.argv.slice(2)).then((code) => {
  if (code !== undefined) process.exitCode = code;
});
