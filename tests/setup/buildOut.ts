/**
 * Vitest's global setup: the unit tests run the `loupe` command (bin/loupe.cjs loads the built
 * out/main/cli.js) and the packaging test packs out/, so out/ is rebuilt first when any source or
 * build file is newer than it. A fresh clone has it from `npm install` (the `prepare` script).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const REPO = path.resolve(__dirname, '../..');
const BUILT = path.join(REPO, 'out/main/cli.js');
const INPUTS = ['src', 'electron.vite.config.ts', 'package.json', 'tsconfig.json'];

/** The newest modification time under `file` (a file or a folder), in ms. */
function newest(file: string): number {
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  return fs.readdirSync(file).reduce((max, name) => Math.max(max, newest(path.join(file, name))), stat.mtimeMs);
}

/** Builds out/ with electron-vite unless it is newer than every input. */
export default function setup(): void {
  const built = fs.statSync(BUILT, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  const inputs = Math.max(...INPUTS.map((input) => newest(path.join(REPO, input))));
  if (built > inputs) return;
  console.log('[setup] out/ is older than the sources: electron-vite build');
  const bin = path.join(REPO, 'node_modules/electron-vite/bin/electron-vite.js');
  execFileSync(process.execPath, [bin, 'build', '--logLevel', 'warn'], { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] });
}
