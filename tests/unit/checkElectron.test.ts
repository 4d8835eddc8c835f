/**
 * `npm start` without an Electron binary: electron-vite said only "Electron uninstall". A check runs
 * first and says what is missing and how to get it (or to use the browser build), exiting 1.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const REPO = path.resolve(__dirname, '../..');
const CHECK = path.join(REPO, 'bin/check-electron.cjs');

/** Whether this checkout has an Electron binary, found as electron-vite finds it. */
function electronInstalled(): boolean {
  const pathFile = path.join(REPO, 'node_modules/electron/path.txt');
  return fs.existsSync(pathFile) && fs.existsSync(path.join(REPO, 'node_modules/electron/dist', fs.readFileSync(pathFile, 'utf8').trim()));
}

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-electron-check-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => {
  const copy = { ...process.env, ...extra };
  if (!('ELECTRON_EXEC_PATH' in extra)) delete copy.ELECTRON_EXEC_PATH;
  return copy;
};

describe('the Electron check before npm start', () => {
  it.skipIf(electronInstalled())('npm start here (no binary) says what is missing, how to get it, and exits 1 before building', () => {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const result = spawnSync(npm, ['start'], { cwd: REPO, encoding: 'utf8', env: env(), timeout: 60_000 });
    expect(result.stderr).toMatch(/loupe: cannot start the app: the Electron binary was never downloaded \(node_modules\/electron\/path\.txt is missing\)/);
    expect(result.stderr).toMatch(/npx install-electron/);
    expect(result.stderr).toMatch(/npm run web/);
    expect(result.stderr).not.toMatch(/Electron uninstall/);
    expect(result.stdout).not.toMatch(/building/); // electron-vite never ran
    expect(result.status).toBe(1);
  });

  it('names a missing ELECTRON_EXEC_PATH, and passes one that exists', () => {
    const missing = path.join(dir, 'electron');
    const refused = spawnSync(process.execPath, [CHECK], { encoding: 'utf8', env: env({ ELECTRON_EXEC_PATH: missing }) });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(`ELECTRON_EXEC_PATH names ${missing}, which does not exist`);
    fs.writeFileSync(missing, '');
    const passed = spawnSync(process.execPath, [CHECK], { encoding: 'utf8', env: env({ ELECTRON_EXEC_PATH: missing }) });
    expect(passed.stderr).toBe('');
    expect(passed.status).toBe(0);
  });
});
