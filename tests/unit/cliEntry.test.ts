/**
 * The `loupe` command as built: bin/loupe.cjs runs out/main/cli.js under plain Node (no tsx), answers
 * --version without loading the rest of the CLI, says what to do when the build is missing; and the
 * Electron app tells a command (`Loupe import …`) from a start that should open a window.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliArgsOfElectron } from '../../src/main/cli/electronArgs';

const REPO = path.resolve(__dirname, '../..');
const BUILT = path.join(REPO, 'out/main/cli.js');

describe('the built loupe command', () => {
  it('answers --version without loading a dependency or tsx', () => {
    const script = `require(${JSON.stringify(BUILT)}).runCli(['--version']).then((code) => {
      process.stderr.write(JSON.stringify({ code, loaded: Object.keys(require.cache) }));
    });`;
    const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(run.stdout).toBe('0.1.0\n');
    const { code, loaded } = JSON.parse(run.stderr) as { code: number; loaded: string[] };
    expect(code).toBe(0);
    expect(loaded.filter((file) => file.includes(`${path.sep}node_modules${path.sep}`))).toEqual([]);
    expect(loaded.map((file) => path.relative(REPO, file)).sort()).toEqual([path.join('out', 'main', 'cli.js'), expect.stringMatching(/^out[\\/]main[\\/]version-.*\.js$/)]);
  });

  it('runs a real command through the built CLI, not the TypeScript sources', () => {
    const run = spawnSync(process.execPath, [path.join(REPO, 'bin/loupe.cjs'), 'stats'], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^loupe: name a corpus file/);
    expect(fs.readFileSync(path.join(REPO, 'bin/loupe.cjs'), 'utf8')).not.toMatch(/tsx|src\//);
  });

  it('says how to build when out/main/cli.js is missing', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-unbuilt-'));
    try {
      fs.mkdirSync(path.join(dir, 'bin'));
      fs.copyFileSync(path.join(REPO, 'bin/loupe.cjs'), path.join(dir, 'bin/loupe.cjs'));
      const run = spawnSync(process.execPath, [path.join(dir, 'bin/loupe.cjs'), '--version'], { cwd: dir, encoding: 'utf8' });
      expect(run.status).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/^loupe: the command line is not built yet \(out[\\/]main[\\/]cli\.js is missing\)\.\nRun `npm run build` in /);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the Electron app as the loupe command', () => {
  it('takes a command after the executable when packaged, after the app path when not', () => {
    expect(cliArgsOfElectron(['/opt/Loupe/loupe', 'stats', 'c.loupe'], false)).toEqual(['stats', 'c.loupe']);
    expect(cliArgsOfElectron(['/opt/Loupe/loupe', '--no-sandbox', 'export', 'c.loupe', '--format', 'jsonl'], false)).toEqual(['export', 'c.loupe', '--format', 'jsonl']);
    expect(cliArgsOfElectron(['electron', '.', '--version'], true)).toEqual(['--version']);
  });

  it('opens a window for no arguments, a corpus file, or Chromium switches', () => {
    expect(cliArgsOfElectron(['/opt/Loupe/loupe'], false)).toBeNull();
    expect(cliArgsOfElectron(['/opt/Loupe/loupe', '/home/ed/news.loupe'], false)).toBeNull();
    expect(cliArgsOfElectron(['/opt/Loupe/loupe', '--data-dir=/tmp/x'], false)).toBeNull();
    expect(cliArgsOfElectron(['electron', '.'], true)).toBeNull();
    // unpackaged, the app path is not a command even if the folder were called "web"
    expect(cliArgsOfElectron(['electron', 'web'], true)).toBeNull();
  });
});
