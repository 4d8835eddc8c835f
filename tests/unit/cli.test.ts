import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const REPO = path.resolve(__dirname, '../..');
const CORPUS = path.resolve(REPO, '../shared/corpus');
const BIN = path.join(REPO, 'bin/loupe.cjs');

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-cli-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const loupe = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8' });

describe('loupe CLI', () => {
  it('imports (reporting a bad file), reports stats and exports the imported texts as JSONL', () => {
    const corpus = path.join(dir, 'c.loupe');
    const junk = path.join(dir, 'junk.bin');
    fs.writeFileSync(junk, Buffer.from([0, 1, 2, 3, 0, 0, 0xff, 0]));
    const imp = loupe('import', corpus, path.join(CORPUS, 'jinzhong-two-sessions.gb18030.txt'), junk, path.join(CORPUS, 'tricky-offsets.txt'));
    expect(imp.stdout).toMatch(/2 imported, 1 failed/);
    expect(imp.stderr).toMatch(/junk\.bin/);
    expect(imp.status).toBe(1);

    const stats = loupe('stats', corpus);
    expect(stats.status).toBe(0);
    expect(stats.stdout).toMatch(/documents: 2/);
    expect(stats.stdout).toMatch(/quote: 0/);

    const out = path.join(dir, 'out.jsonl');
    const exp = loupe('export', corpus, '--format', 'jsonl', '--out', out);
    expect(exp.status).toBe(0);
    const docs = fs.readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { title: string; offset_unit: string });
    expect(docs.map((d) => d.title)).toEqual(['攀“高”逐“新” 共绘美好未来', expect.stringContaining('𠮷')]);
    expect(docs[0]!.offset_unit).toBe('codepoint');
  });

  it('fails clearly: unknown command, bad format, missing corpus', () => {
    const unknown = loupe('frobnicate');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command "frobnicate"/);
    const format = loupe('export', path.join(dir, 'c.loupe'), '--format', 'xml', '--out', 'x');
    expect(format.status).toBe(2);
    expect(format.stderr).toMatch(/--format must be one of jsonl, json, csv/);
    const missing = loupe('stats', path.join(dir, 'nothing.loupe'));
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/no corpus at/);
    expect(fs.existsSync(path.join(dir, 'nothing.loupe'))).toBe(false);
  });

  it('refuses to run on a Node older than 22.12 with a message saying so', () => {
    // The system's own Node may be new enough; fake an old one by overriding the version check input.
    const result = spawnSync(
      process.execPath,
      ['-e', `Object.defineProperty(process.versions, 'node', { value: '20.11.0' }); require(${JSON.stringify(BIN)})`, '--', 'stats'],
      { encoding: 'utf8' },
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/Node 20\.11\.0 is too old; Loupe needs Node 22\.12/);
  });
});
