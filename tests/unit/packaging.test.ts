/**
 * The app as the installers ship it: electron-builder packs the unpacked Linux app (`--linux dir`)
 * around a stand-in Electron binary (no real one can be had here), and the test reads what a user
 * would get: app.asar holds out/, resources/, package.json and the runtime modules only, with this
 * platform's better-sqlite3 prebuild unpacked beside it and no other; the fuses are flipped; and
 * the main bundle, loaded from the archive under Node with a stub `electron`, finds every module it
 * requires, both when it would open a window and when it runs as the `loupe` command.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { extractAll, listPackage } from '@electron/asar';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORPUS_FIXTURES } from '../fixturePaths';

const REPO = path.resolve(__dirname, '../..');
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
/** A fuse's states as the wire stores them ('0' and '1'; @electron/fuses does not export its enum). */
const DISABLE = 0x30;
const ENABLE = 0x31;
const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

let work: string;
let resources: string;
let entries: string[];
let build: ReturnType<typeof spawnSync>;

/** A file electron-builder takes for the Electron executable: the fuse sentinel, wire version 1, its length, the fuses. */
function standInElectron(dir: string): void {
  const wireLength = Object.values(FuseV1Options).filter((v) => typeof v === 'number').length;
  // Electron's own defaults, so that each fuse the test expects changed has to be flipped
  const fuses = Buffer.alloc(wireLength, DISABLE);
  for (const on of [FuseV1Options.RunAsNode, FuseV1Options.EnableNodeOptionsEnvironmentVariable, FuseV1Options.EnableNodeCliInspectArguments]) fuses[on] = ENABLE;
  fs.mkdirSync(path.join(dir, 'resources'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'locales'), { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'electron'),
    Buffer.concat([Buffer.from('#!/bin/sh\n# stand-in Electron for the packaging test\n'), Buffer.from(SENTINEL), Buffer.from([1, wireLength]), fuses, Buffer.from('\n')]),
    { mode: 0o755 },
  );
  fs.writeFileSync(path.join(dir, 'LICENSE'), 'stand-in\n');
}

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-packaging-'));
  const dist = path.join(work, 'electron-dist');
  standInElectron(dist);
  build = spawnSync(
    process.execPath,
    [
      path.join(REPO, 'node_modules/electron-builder/cli.js'),
      '--linux',
      'dir',
      `--${process.arch}`,
      `-c.electronDist=${dist}`,
      '-c.electronVersion=45.5.0',
      `-c.directories.output=${path.join(work, 'dist')}`,
      '--publish',
      'never',
    ],
    { cwd: REPO, encoding: 'utf8', timeout: 240_000 },
  );
  resources = path.join(work, 'dist', process.arch === 'x64' ? 'linux-unpacked' : `linux-${process.arch}-unpacked`, 'resources');
  entries = build.status === 0 ? listPackage(path.join(resources, 'app.asar'), { isPack: false }).map((e) => e.split(path.sep).join('/')) : [];
}, 300_000);

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('the packaged Linux app', () => {
  it('is built by electron-builder', () => {
    expect(build.status, `${build.stdout}\n${build.stderr}`).toBe(0);
  });

  it('holds out/, resources/, package.json and runtime modules only', () => {
    const top = [...new Set(entries.map((e) => e.split('/')[1]))].sort();
    expect(top).toEqual(['node_modules', 'out', 'package.json', 'resources']);
    expect(entries).toContain('/out/main/index.js');
    expect(entries).toContain('/out/main/cli.js');
    expect(entries).toContain('/out/main/importWorker.js');
    expect(entries).toContain('/out/main/integrityWorker.js');
    expect(entries).toContain('/out/main/agreementReadWorker.js');
    expect(entries).toContain('/out/preload/index.js');
    expect(entries).toContain('/out/renderer/index.html');
    expect(entries.filter((e) => e.endsWith('.map'))).toEqual([]);
    const modules = new Set(entries.filter((e) => e.startsWith('/node_modules/')).map((e) => e.split('/').slice(2, e.split('/')[2]!.startsWith('@') ? 4 : 3).join('/')));
    for (const name of Object.keys(pkg.dependencies)) expect(modules, name).toContain(name);
    // bundled into out/renderer, or tools of the checkout: none is loaded at run time
    for (const name of ['react', 'react-dom', 'react-i18next', 'i18next', 'prosemirror-view', 'prosemirror-model', 'tsx', 'esbuild', 'electron', 'vite', 'typescript', 'vitest']) {
      expect(modules, name).not.toContain(name);
    }
  });

  it('unpacks this platform\'s better-sqlite3 prebuild and ships no other', () => {
    const own = `${process.platform}-${process.arch}.node`;
    const prebuilds = path.join(resources, 'app.asar.unpacked/node_modules/better-sqlite3/prebuilds');
    expect(fs.readdirSync(prebuilds)).toEqual([own]);
    expect(entries.filter((e) => e.endsWith('.node'))).toEqual([`/node_modules/better-sqlite3/prebuilds/${own}`]);
    expect(entries.filter((e) => /better-sqlite3\/(deps|src)\//.test(e))).toEqual([]);
  });

  it('flips the fuses electron-builder.yml asks for in the executable', async () => {
    const wire = await getCurrentFuseWire(path.join(resources, '..', 'loupe'));
    expect(wire[FuseV1Options.RunAsNode]).toBe(DISABLE);
    expect(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(DISABLE);
    expect(wire[FuseV1Options.EnableNodeCliInspectArguments]).toBe(DISABLE);
    expect(wire[FuseV1Options.EnableCookieEncryption]).toBe(ENABLE);
    expect(wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(ENABLE);
    expect(wire[FuseV1Options.OnlyLoadAppFromAsar]).toBe(ENABLE);
  });

  describe('its main bundle, loaded from the archive with a stub electron', () => {
    let app: string;
    beforeAll(() => {
      app = path.join(work, 'extracted');
      if (build.status === 0) extractAll(path.join(resources, 'app.asar'), app);
    });

    /** Runs out/main/index.js from the extracted archive with `args` after the executable; what the stub saw. */
    const runMain = (args: string[], cwd: string) => {
      const script = `
        const Module = require('node:module');
        const calls = [];
        const app = new Proxy({}, { get: (_t, name) => (...a) => { calls.push(String(name));
          if (name === 'requestSingleInstanceLock') return false;
          if (name === 'exit') { process.stderr.write('\\n' + JSON.stringify({ calls, exit: a[0] })); process.exit(a[0]); }
        } });
        const electron = { app, BrowserWindow: {}, dialog: {}, Menu: {}, session: {}, ipcMain: {}, shell: {}, nativeTheme: {}, screen: {} };
        const resolve = Module._resolveFilename;
        Module._resolveFilename = function (request, ...rest) { return request === 'electron' ? 'electron' : resolve.call(this, request, ...rest); };
        require.cache.electron = { id: 'electron', filename: 'electron', loaded: true, exports: electron };
        process.argv = ['/opt/Loupe/loupe', ...${JSON.stringify(args)}];
        require(${JSON.stringify(path.join(app, 'out/main/index.js'))});
        setTimeout(() => process.stderr.write('\\n' + JSON.stringify({ calls })), 500);
      `;
      const run = spawnSync(process.execPath, ['-e', script], { cwd, encoding: 'utf8', env: { ...process.env, LOUPE_DATA_DIR: path.join(work, 'data'), NODE_PATH: '' }, timeout: 60_000 });
      const last = run.stderr.trim().split('\n').at(-1) ?? '';
      return { ...run, seen: (last.startsWith('{') ? JSON.parse(last) : { calls: [] }) as { calls: string[]; exit?: number } };
    };

    it('loads every module it needs when it would open a window', () => {
      const run = runMain([], work);
      expect(run.stderr).not.toMatch(/Error|Cannot find module/);
      expect(run.seen.calls).toEqual(expect.arrayContaining(['setName', 'setPath', 'enableSandbox', 'requestSingleInstanceLock', 'quit']));
    });

    it('runs `loupe import` (its import worker thread too) and `loupe export --format xlsx` as the installed command, loading exceljs and better-sqlite3 from the archive', () => {
      const corpus = path.join(work, 'news.loupe');
      const imported = runMain(['import', corpus, path.join(CORPUS_FIXTURES, 'tricky-offsets.txt')], work);
      expect(imported.stdout).toMatch(/^1 document imported, 0 files skipped, 0 failed$/m);
      expect(imported.seen.exit).toBe(0);
      expect(imported.seen.calls).not.toContain('requestSingleInstanceLock');
      const xlsx = path.join(work, 'news.xlsx');
      const exported = runMain(['export', corpus, '--format', 'xlsx', '--out', xlsx], work);
      expect(exported.seen.exit, exported.stderr).toBe(0);
      expect(fs.readFileSync(xlsx).subarray(0, 2).toString()).toBe('PK');
    });

    it('names only modules the archive holds', () => {
      const named = new Set<string>();
      for (const dir of ['out/main', 'out/preload']) {
        for (const file of fs.readdirSync(path.join(app, dir)).filter((f) => f.endsWith('.js'))) {
          const code = fs.readFileSync(path.join(app, dir, file), 'utf8');
          for (const m of code.matchAll(/\b(?:require|import)\("([^".][^"]*)"\)/g)) named.add(m[1]!);
        }
      }
      const external = [...named].filter((name) => !name.startsWith('node:') && name !== 'electron');
      // package.json's dependencies are exactly what the main bundle loads at run time; a package only
      // the renderer uses is bundled into out/renderer and belongs in devDependencies
      expect(external.sort(), 'dependencies in package.json vs modules out/main and out/preload require').toEqual(Object.keys(pkg.dependencies).sort());
      for (const name of external) {
        expect(() => require.resolve(name, { paths: [path.join(app, 'out/main')] }), name).not.toThrow();
        expect(require.resolve(name, { paths: [path.join(app, 'out/main')] }).startsWith(app), name).toBe(true);
      }
    });
  });
});
