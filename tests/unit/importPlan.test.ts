import { describe, expect, it } from 'vitest';
import { CHUNK_GROUPS, planImportChunks } from '../../src/shared/importPlan';

const file = (name: string, size = 10) => ({ name, data: new Uint8Array(size) });

describe('planImportChunks', () => {
  it('keeps a brat pair together and sends a folder’s annotation.conf with each of its chunks', () => {
    const files = [
      file('a/annotation.conf'),
      ...Array.from({ length: CHUNK_GROUPS + 5 }, (_, i) => [file(`a/doc${i}.txt`), file(`a/doc${i}.ann`)]).flat(),
      file('b/x.txt'),
    ];
    const chunks = planImportChunks(files);
    expect(chunks.length).toBe(2);
    for (const chunk of chunks) {
      const names = chunk.map((f) => f.name);
      for (const n of names.filter((x) => x.endsWith('.txt') && x.startsWith('a/'))) expect(names).toContain(n.replace('.txt', '.ann'));
      if (names.some((n) => n.startsWith('a/doc'))) expect(names).toContain('a/annotation.conf');
    }
    // every other file exactly once
    const sent = chunks.flat().map((f) => f.name).filter((n) => !n.endsWith('annotation.conf'));
    expect(sent.sort()).toEqual(files.map((f) => f.name).filter((n) => !n.endsWith('annotation.conf')).sort());
  });

  it('sends the nearest annotation.conf above a folder, as brat looks for it', () => {
    const chunks = planImportChunks([file('corpus/annotation.conf'), file('corpus/train/a.txt'), file('corpus/train/a.ann'), file('other/b.txt')]);
    expect(chunks).toHaveLength(1);
    expect(chunks[0]!.map((f) => f.name)).toContain('corpus/annotation.conf');
  });

  it('splits by size, but never below one group', () => {
    const big = [file('one.txt', 20 * 1024 * 1024), file('two.txt', 20 * 1024 * 1024)];
    expect(planImportChunks(big).map((c) => c.length)).toEqual([1, 1]);
    expect(planImportChunks([])).toEqual([]);
    expect(planImportChunks([file('annotation.conf')])).toEqual([[file('annotation.conf')]]);
  });
});
