/**
 * The atomic-file module (src/main/files/atomicFile.ts) that settings, schema files, exports, backups
 * and copies of a corpus are written through: the target is as it was or whole, and what a killed
 * process left beside it is cleared by the next write.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AtomicWriteError,
  copyFileAtomicSync,
  removeStaleTemporariesSync,
  replaceFileSync,
  temporaryPath,
  writeFileAtomicSync,
  writeFilesAtomically,
} from '../../src/main/files/atomicFile';

/** The id of a process that has ended (a child run to its end). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-atomic-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const listing = (): string[] => fs.readdirSync(dir).sort();

describe('atomic files', () => {
  it('names a temporary after its target, this process and a random part, beside the target', () => {
    const target = path.join(dir, 'corpus.jsonl');
    const tmp = temporaryPath(target);
    expect(path.dirname(tmp)).toBe(dir);
    expect(path.basename(tmp)).toMatch(new RegExp(`^\\.corpus\\.jsonl\\.${process.pid}\\.[0-9a-f]{12}\\.tmp$`));
    expect(temporaryPath(target)).not.toBe(tmp);
  });

  it('replaces a small file and clears what killed writers left for it, nothing else', () => {
    const target = path.join(dir, 'settings.json');
    fs.writeFileSync(target, '{"old":true}');
    const dead = deadPid();
    const mine = [
      `.settings.json.${dead}.0123456789ab.tmp`,
      `.settings.json.${dead}.0123456789ab.tmp-wal`,
    ];
    const kept = [
      `.settings.json.${process.ppid}.0123456789ab.tmp`, // a writer still running
      `.other.json.${dead}.0123456789ab.tmp`, // another target's
      '.settings.json.backup', // not a temporary at all
    ];
    for (const name of [...mine, ...kept]) fs.writeFileSync(path.join(dir, name), 'left');
    writeFileAtomicSync(target, '{"new":true}');
    expect(fs.readFileSync(target, 'utf8')).toBe('{"new":true}');
    expect(listing()).toEqual([...kept, 'settings.json'].sort());
  });

  it('leaves the target as it was, and no temporary, when writing the new content fails', () => {
    const target = path.join(dir, 'schema.json');
    fs.writeFileSync(target, 'the old schema');
    expect(() =>
      replaceFileSync(target, (tmp) => {
        fs.writeFileSync(tmp, 'half of');
        throw new Error('disk went away');
      }),
    ).toThrow('disk went away');
    expect(fs.readFileSync(target, 'utf8')).toBe('the old schema');
    expect(listing()).toEqual(['schema.json']);
  });

  it('copies a file whole', () => {
    const source = path.join(dir, 'backup.loupe');
    fs.writeFileSync(source, Buffer.alloc(100_000, 7));
    const target = path.join(dir, 'restored.loupe');
    copyFileAtomicSync(source, target);
    expect(fs.readFileSync(target).equals(fs.readFileSync(source))).toBe(true);
    expect(listing()).toEqual(['backup.loupe', 'restored.loupe']);
  });

  it('in a folder of ours, clears the temporaries of killed writers whatever their target', () => {
    const dead = deadPid();
    const stale = [`.2026-01-01T00-00-00-000Z.loupe.${dead}.0123456789ab.tmp`, `.2026-01-01T00-00-00-000Z.loupe.${dead}.0123456789ab.tmp-shm`];
    const running = `.2026-01-02T00-00-00-000Z.loupe.${process.ppid}.0123456789ab.tmp`;
    for (const name of [...stale, running]) fs.writeFileSync(path.join(dir, name), 'left');
    removeStaleTemporariesSync(path.join(dir, 'last-backup.json'), { anyTarget: true });
    expect(listing()).toEqual([running]);
  });

  it('streams several files and renames them only when all are whole; a failure midway leaves the old ones', async () => {
    const a = path.join(dir, 'out.csv');
    const b = path.join(dir, 'out.links.csv');
    await writeFilesAtomically([a, b], function* () {
      yield [0, 'spans\n'];
      yield [1, new TextEncoder().encode('links\n')];
      yield [0, '晋中'.repeat(600_000)]; // larger than a write buffer
    });
    expect(fs.readFileSync(a, 'utf8')).toBe(`spans\n${'晋中'.repeat(600_000)}`);
    expect(fs.readFileSync(b, 'utf8')).toBe('links\n');
    await expect(
      writeFilesAtomically([a, b], function* () {
        yield [0, 'new spans\n'];
        yield [1, 'new links\n'];
        throw new Error('database went away');
      }),
    ).rejects.toThrow('database went away');
    expect(fs.readFileSync(b, 'utf8')).toBe('links\n');
    expect(listing()).toEqual(['out.csv', 'out.links.csv']);
  });

  it('names the target whose folder is missing', async () => {
    const target = path.join(dir, 'missing', 'out.jsonl');
    const failure = await writeFilesAtomically([target], () => [[0, 'x']]).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AtomicWriteError);
    expect((failure as AtomicWriteError).target).toBe(target);
    expect(((failure as AtomicWriteError).error as NodeJS.ErrnoException).code).toBe('ENOENT');
    expect(listing()).toEqual([]);
  });
});
