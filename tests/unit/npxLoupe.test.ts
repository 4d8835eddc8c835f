/**
 * `npx loupe …` as a user types it: the system's npx (here npm 11 on Node 20) runs the project's bin
 * on the project's own Node. npm checked the package's `engines` against its own Node and printed ten
 * lines of EBADENGINE warnings on every run with a fresh npx cache; the run must print only Loupe's
 * own output, and Loupe's errors still.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const REPO = path.resolve(__dirname, '../..');

/** PATH without the project's node_modules/.bin, as in the user's shell (npm puts it there for us). */
const userPath = (process.env.PATH ?? '')
  .split(path.delimiter)
  .filter((p) => !p.includes(`node_modules${path.sep}.bin`))
  .join(path.delimiter);

const npx = ['npx', 'npx.cmd']
  .flatMap((name) => userPath.split(path.delimiter).map((dir) => path.join(dir, name)))
  .find((file) => fs.existsSync(file));
if (!npx) console.log('[npx loupe] skipped: no npx on PATH outside the project');

let cache: string;
beforeEach(() => {
  cache = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-npx-cache-'));
});
afterEach(() => fs.rmSync(cache, { recursive: true, force: true }));

/** `npx loupe ARGS` from the project folder, with a fresh npm cache (as on a new machine or in CI). */
const run = (...args: string[]) =>
  spawnSync(npx!, ['loupe', ...args], {
    cwd: REPO,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, PATH: userPath, npm_config_cache: cache, npm_config_update_notifier: 'false', npm_config_fund: 'false' },
  });

describe.skipIf(!npx)('npx loupe', () => {
  it('prints Loupe\'s output and nothing from npm', () => {
    const result = run('--version');
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('0.1.0\n');
    expect(result.status).toBe(0);
  });

  it('still shows Loupe\'s own errors and exit code', () => {
    const result = run('frobnicate');
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^loupe: unknown command "frobnicate"\n/);
    expect(result.stderr).not.toMatch(/npm (warn|WARN)/);
  });
});
