/**
 * File › Import as the app runs it (state/importFlow.ts) over the real service: the label choices
 * before importing, the report, and “Import them anyway” — with the dialogs answered by the test.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { zipSync } from 'fflate';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLoupeService, type LoupeService } from '../../src/main/services/loupeService';
import { translate } from '../../src/shared/i18n';
import { emptyImportReport, type ImportFile } from '../../src/shared/types';
import type { ChoiceRow } from '../../src/renderer/state/dialogs';
import { type ImportHost, mayBringLabels, REPORT_LINES_PER_KIND, reportLines, runImport } from '../../src/renderer/state/importFlow';
import { CORPUS_FIXTURES } from '../fixturePaths';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const ARTICLE: ImportFile = { name: 'jinzhong.txt', data: new Uint8Array(fs.readFileSync(path.join(CORPUS_FIXTURES, 'jinzhong-two-sessions.txt'))) };
const TITLE = '攀“高”逐“新” 共绘美好未来';
const TAGGED: ImportFile = {
  name: 'tagged.jsonl',
  data: utf8(
    JSON.stringify({
      title: '张华',
      text: '张华说：“我们提前完成了巡查。”',
      spans: [
        { id: 'q', label: 'Quote', start: 5, end: 15 },
        { id: 'p', label: 'PER', start: 0, end: 2 },
      ],
    }),
  ),
};
const t = (key: Parameters<typeof translate>[1], params?: Record<string, string | number>) => translate('en', key, params);

let dir: string;
let service: LoupeService;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-import-flow-'));
  service = createLoupeService({ dataDir: dir });
});
afterEach(() => {
  service.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A host over the service whose dialogs answer as told, recording what they were shown. */
function hostAnswering(answers: { choose?: (rows: ChoiceRow[]) => Record<string, string> | null; anyway?: boolean } = {}) {
  const shown: { kind: string; title: string; lines: string[]; rows?: ChoiceRow[]; confirm?: string; cancel?: string }[] = [];
  const importFiles = vi.fn(service.importFiles);
  const host: ImportHost = {
    api: { importFiles, importPaths: service.importPaths, importProgress: service.importProgress, cancelImport: service.cancelImport, corpusInfo: service.corpusInfo },
    t,
    describeError: (e) => (e instanceof Error ? e.message : String(e)),
    progress: () => undefined,
    imported: async () => undefined,
    chooseEach: async (title, lines, rows) => {
      shown.push({ kind: 'choices', title, lines, rows });
      return answers.choose ? answers.choose(rows) : null;
    },
    showMessage: async (title, lines) => {
      shown.push({ kind: 'message', title, lines });
    },
    confirmAction: async (title, lines, confirm, cancel) => {
      shown.push({ kind: 'confirm', title, lines, confirm, ...(cancel ? { cancel } : {}) });
      return answers.anyway ?? false;
    },
  };
  return { host, shown, importFiles };
}
const titles = async () => (await service.listDocuments({})).map((d) => d.title).filter((x) => x === TITLE || x === '张华');

describe('importing in the app', () => {
  it('says an article imported again is already there, and “Import them anyway” makes the second copy', async () => {
    await runImport(hostAnswering().host, { files: [ARTICLE] });
    const declined = hostAnswering({ anyway: false });
    await runImport(declined.host, { files: [ARTICLE] });
    expect(declined.shown).toEqual([
      {
        kind: 'confirm',
        title: 'Import report',
        lines: [
          'Imported 0 file(s) (0 documents).',
          'Nothing new: the corpus already holds every document of these files.',
          `Already in the corpus, not imported again: jinzhong.txt (“${TITLE}”)`,
        ],
        confirm: 'Import them anyway',
        cancel: 'Close',
      },
    ]);
    expect(await titles()).toEqual([TITLE]);

    const accepted = hostAnswering({ anyway: true });
    await runImport(accepted.host, { files: [ARTICLE] });
    expect(await titles()).toEqual([TITLE, TITLE]);
    // The second round sent just that document, asking for it despite the copy.
    expect(accepted.importFiles.mock.calls.at(-1)![0]).toMatchObject({ duplicates: 'import', only: [{ name: 'jinzhong.txt', index: 0 }] });
  });

  it('“Import them anyway” works for an article that came in a zip', async () => {
    const zipped: ImportFile = { name: 'articles.zip', data: zipSync({ 'jinzhong.txt': ARTICLE.data, 'other.txt': utf8('另一篇\n正文。') }) };
    await runImport(hostAnswering().host, { files: [ARTICLE] });
    const accepted = hostAnswering({ anyway: true });
    await runImport(accepted.host, { files: [zipped] });
    expect(accepted.shown[0]!.lines).toContain(`Already in the corpus, not imported again: articles.zip/jinzhong.txt (“${TITLE}”)`);
    expect(await titles()).toEqual([TITLE, TITLE]);
    expect((await service.listDocuments({})).filter((d) => d.title === '另一篇')).toHaveLength(1);
  });

  it('asks where each label new to the corpus goes, and imports with that mapping', async () => {
    const { host, shown } = hostAnswering({ choose: () => ({ PER: 'official' }) });
    await runImport(host, { files: [TAGGED] });
    expect(shown[0]).toMatchObject({
      kind: 'choices',
      title: 'Labels new to this corpus',
      lines: [expect.stringMatching(/^The files use labels this corpus does not have/), 'Matched to the corpus regardless of case: Quote → quote'],
    });
    expect(shown[0]!.rows).toEqual([
      {
        name: 'PER',
        label: 'What to do with “PER”',
        options: [
          { value: '', label: 'Add as a new label' },
          { value: 'quote', label: 'Store as “quote”' },
          { value: 'official', label: 'Store as “official”' },
          { value: 'pledge', label: 'Store as “pledge”' },
          { value: 'slogan', label: 'Store as “slogan”' },
        ],
      },
    ]);
    expect(shown[1]).toMatchObject({ kind: 'message', lines: ['Imported 1 file(s) (1 documents).', 'Labels stored under a label of the corpus: Quote → quote, PER → official'] });
    const [doc] = (await service.listDocuments({})).filter((d) => d.title === '张华');
    const spans = (await service.getDocument({ id: doc!.id })).spans.map((s) => s.label);
    expect(spans).toEqual(['official', 'quote']);
    expect((await service.corpusInfo({})).labels.map((l) => l.name)).not.toContain('PER');
  });

  it('adds the label when told to, and imports nothing when the choice is cancelled', async () => {
    await runImport(hostAnswering({ choose: () => null }).host, { files: [TAGGED] });
    expect(await titles()).toEqual([]);
    await runImport(hostAnswering({ choose: () => ({ PER: '' }) }).host, { files: [TAGGED] });
    expect((await service.corpusInfo({})).labels.map((l) => l.name)).toContain('PER');
  });

  it('asks nothing before importing files that carry no annotations', async () => {
    const { host, shown, importFiles } = hostAnswering();
    await runImport(host, { files: [ARTICLE, { name: 'b.md', data: utf8('# 标题\n\n正文。') }] });
    expect(importFiles).toHaveBeenCalledTimes(1);
    expect(importFiles.mock.calls[0]![0]).not.toHaveProperty('dryRun');
    expect(shown).toEqual([]);
    expect(mayBringLabels([{ name: 'a.txt', data: utf8('') }, { name: 'a.ann', data: utf8('') }])).toBe(true);
    expect(mayBringLabels([{ name: 'x.jsonl', data: utf8('') }], 'text')).toBe(false);
  });

  it('imports anyway only the documents left out, not the rest of their file again', async () => {
    const first = { name: 'a.jsonl', data: utf8(`${JSON.stringify({ title: 'A', text: '甲文。' })}\n`) };
    await runImport(hostAnswering().host, { files: [first] });
    const both = { name: 'b.jsonl', data: utf8([{ title: 'A2', text: '甲文。' }, { title: 'C', text: '丙文。' }].map((d) => JSON.stringify(d)).join('\n')) };
    await runImport(hostAnswering({ anyway: true }).host, { files: [both] });
    expect((await service.listDocuments({})).map((d) => d.title).filter((x) => ['A', 'A2', 'C'].includes(x))).toEqual(['A', 'C', 'A2']);
  });

  it('the app sends paths in one call, the bar follows the Node side, and the report shows as for bytes', async () => {
    const folder = path.join(dir, 'chosen');
    fs.mkdirSync(folder);
    fs.writeFileSync(path.join(folder, 'a.txt'), '甲\n第一篇正文。');
    fs.writeFileSync(path.join(folder, 'b.md'), '# 乙\n\n第二篇正文。');
    const { host, shown, importFiles } = hostAnswering();
    const importPaths = vi.fn(service.importPaths);
    const bars: ({ done: number; total: number } | null)[] = [];
    const paths = [
      { path: path.join(folder, 'a.txt'), name: 'chosen/a.txt' },
      { path: path.join(folder, 'b.md'), name: 'chosen/b.md' },
      { path: path.join(folder, 'gone.txt'), name: 'chosen/gone.txt' },
    ];
    await runImport({ ...host, api: { ...host.api, importPaths }, progress: (s) => bars.push(s && { done: s.done, total: s.total }) }, { paths });
    expect(importFiles).not.toHaveBeenCalled();
    expect(importPaths).toHaveBeenCalledTimes(1);
    expect(bars[0]).toEqual({ done: 0, total: 3 });
    expect(bars.at(-1)).toBeNull();
    expect((await service.listDocuments({})).map((d) => d.title)).toEqual(expect.arrayContaining(['甲', '乙']));
    expect(shown).toHaveLength(1);
    expect(shown[0]!.lines).toContain('Imported 2 file(s) (2 documents).');
    expect(shown[0]!.lines).toContain('chosen/gone.txt: no such file or folder');
  });

  it('Cancel stops a browser upload after the chunk being sent; the report says so and what was kept', async () => {
    const files = Array.from({ length: 100 }, (_, i) => ({ name: `n${i}.txt`, data: utf8(`第${i}篇\n正文${i}。`) }));
    const { host, shown, importFiles } = hostAnswering();
    const before = (await service.corpusInfo({})).documentCount;
    await runImport({ ...host, progress: (s) => (s && s.done > 0 ? s.cancel() : undefined) }, { files });
    expect(importFiles).toHaveBeenCalledTimes(1);
    const kept = (await service.corpusInfo({})).documentCount - before;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(100);
    expect(shown[0]!.lines[0]).toBe(t('import.cancelled'));
    expect(shown[0]!.lines[1]).toBe(`Imported ${kept} file(s) (${kept} documents).`);
  });

  it('Cancel stops an import from paths after the batch being stored, and the report says what was kept', async () => {
    const folder = path.join(dir, 'many');
    fs.mkdirSync(folder);
    const paths = Array.from({ length: 3000 }, (_, i) => {
      const file = path.join(folder, `m${i}.txt`);
      fs.writeFileSync(file, `第${i}篇\n县委书记说，要办好第${i}件实事。`);
      return { path: file, name: `many/m${i}.txt` };
    });
    const { host, shown } = hostAnswering();
    const before = (await service.corpusInfo({})).documentCount;
    await runImport({ ...host, progress: (s) => (s && s.done > 0 ? s.cancel() : undefined) }, { paths });
    const kept = (await service.corpusInfo({})).documentCount - before;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(3000);
    expect(shown[0]!.lines[0]).toBe(t('import.cancelled'));
    expect(shown[0]!.lines[1]).toBe(`Imported ${kept} file(s) (${kept} documents).`);
  });

  it('lists at most a screenful of each kind of entry, and counts the rest', () => {
    const report = emptyImportReport();
    report.duplicates = Array.from({ length: REPORT_LINES_PER_KIND + 5 }, (_, i) => ({ name: `f${i}.txt`, title: `T${i}`, existingId: 1, index: 0 }));
    const lines = reportLines(report, t, String);
    expect(lines).toHaveLength(2 + REPORT_LINES_PER_KIND + 1);
    expect(lines.at(-1)).toBe('… and 5 more');
  });
});
