import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exportFrom } from '../../src/main/services/loupeService';
import { CorpusStore } from '../../src/main/store/corpusStore';
import { parseArgs } from '../../src/shared/contract';
import { defaultSchema } from '../../src/shared/labels';
import type { Fragment, SpanInput } from '../../src/shared/types';
import { OFFSET_UNITS } from '../../src/shared/types';
import { PY_CUT } from './pythonSlicing';

let dir: string;
let store: CorpusStore;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-fragments-'));
  store = CorpusStore.open(path.join(dir, 'c.loupe'), { create: true });
  store.addToSchema(defaultSchema());
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const TEXT = '他说:“𠮷野家👍🏽的牛丼”——赵书记补充道——“🇨🇳第一”。\n第二段👨‍👩‍👧。';

/** A span over the given pieces of TEXT (each found after the previous), located in code points by search. */
function spanOver(id: string, label: string, pieces: string[]): SpanInput & { fragments: Fragment[] } {
  let from = 0;
  const fragments = pieces.map((piece): Fragment => {
    const at = TEXT.indexOf(piece, from);
    if (at < 0) throw new Error(`test setup: "${piece}" not found`);
    from = at + piece.length;
    const start = Array.from(TEXT.slice(0, at)).length;
    return [start, start + Array.from(piece).length];
  });
  return { id, label, start: fragments[0]![0], end: fragments[fragments.length - 1]![1], fragments };
}

const PIECES: Record<string, string[]> = {
  broken: ['“𠮷野家👍🏽的牛丼”', '“🇨🇳第一”'],
  three: ['𠮷', '👍🏽', '👨‍👩‍👧'],
  whole: ['赵书记'],
};
const spans = () => [spanOver('broken', 'quote', PIECES.broken!), spanOver('three', 'slogan', PIECES.three!), spanOver('whole', 'official', PIECES.whole!)];

describe('fragmented spans', () => {
  it('are stored and read back; a contiguous span has one fragment', () => {
    const id = store.insertDocument({ title: 'T', text: TEXT, spans: spans() });
    const doc = store.getDocument(id);
    const cps = Array.from(TEXT);
    for (const s of doc.spans) {
      expect(s.fragments.map(([a, b]) => cps.slice(a, b).join('')), s.id).toEqual(PIECES[s.id]);
    }
    const whole = doc.spans.find((s) => s.id === 'whole')!;
    expect(whole.fragments).toEqual([[whole.start, whole.end]]);
    expect(store.db.prepare("SELECT fragments FROM spans WHERE id = 'whole'").get()).toEqual({ fragments: null });
    // A save that moves the text moves the fragments with it.
    const shifted = spans().map((s) => ({ ...s, start: s.start + 2, end: s.end + 2, fragments: s.fragments.map(([a, b]): Fragment => [a + 2, b + 2]) }));
    store.saveDocument({ id, baseRevision: doc.revision, text: `𠮷𠮷${TEXT}`, upsert: shifted, remove: [] });
    const moved = store.getDocument(id);
    const movedCps = Array.from(moved.text);
    for (const s of moved.spans) expect(s.fragments.map(([a, b]) => movedCps.slice(a, b).join(''))).toEqual(PIECES[s.id]);
  });

  it('are refused when unsorted, overlapping, touching, empty or outside start..end, with nothing written', () => {
    const id = store.insertDocument({ title: 'T', text: TEXT, spans: spans() });
    const before = store.getDocument(id);
    const bad: Fragment[][] = [
      [[20, 25], [4, 15]], // unsorted
      [[4, 15], [10, 25]], // overlapping
      [[4, 15], [15, 25]], // touching: that is one fragment
      [[4, 4], [20, 25]], // empty
      [[3, 15], [20, 25]], // starts before the span
      [[4, 15], [20, 26]], // ends after the span
      [[5, 15], [20, 25]], // does not reach the span's start
    ];
    for (const fragments of bad) {
      const span = { id: 'broken', label: 'quote', start: 4, end: 25, fragments };
      expect(() => store.saveDocument({ id, baseRevision: before.revision, upsert: [span], remove: [] }), JSON.stringify(fragments)).toThrow(
        'span broken has fragments that are not sorted, apart, and within 4–25',
      );
      expect(() => parseArgs('saveDocument', { corpusId: 'c', id, baseRevision: 0, upsert: [span], remove: [] })).toThrow(
        /upsert\.0\.fragments: fragments must be sorted/,
      );
      expect(() => store.insertDocument({ title: 'X', text: TEXT, spans: [{ ...span, id: 'new' }] })).toThrow(/not sorted, apart/);
    }
    expect(store.getDocument(id)).toEqual(before);
    expect(store.documentCount()).toBe(1);
  });

  for (const unit of OFFSET_UNITS) {
    it(`export in ${unit} so that Python slicing of the text (so encoded) gives each fragment's text`, async () => {
      store.insertDocument({ title: 'T', text: TEXT, spans: spans() });
      const jsonl = path.join(dir, 'out.jsonl');
      const json = path.join(dir, 'out.json');
      const csv = path.join(dir, 'out.csv');
      await exportFrom(store, { format: 'jsonl', path: jsonl, offsets: unit });
      await exportFrom(store, { format: 'json', path: json, offsets: unit });
      const result = await exportFrom(store, { format: 'csv', path: csv, offsets: unit });
      expect(result.files).toEqual([csv, path.join(dir, 'out.links.csv')]);
      const script = String.raw`
import csv, json, sys
jsonl_path, json_path, csv_path, unit = sys.argv[1:5]
pieces = json.loads(sys.argv[5])

${PY_CUT}
with open(jsonl_path, encoding="utf-8") as f:
    doc = json.loads(f.read())
with open(json_path, encoding="utf-8") as f:
    assert json.load(f)["documents"] == [doc]
assert doc["offset_unit"] == unit
seen = 0
for s in doc["spans"]:
    assert [cut(doc["text"], a, b) for a, b in s["fragments"]] == pieces[s["id"]], (s["id"], s["fragments"])
    assert cut(doc["text"], s["start"], s["end"]) == s["text"]
    seen += 1
with open(csv_path, encoding="utf-8-sig", newline="") as f:
    for r in csv.DictReader(f):
        fragments = [[int(x) for x in p.split("-")] for p in r["fragments"].split(";")]
        assert [cut(doc["text"], a, b) for a, b in fragments] == pieces[r["span_id"]], r
        seen += 1
print("ok", seen)
`;
      const py = spawnSync('python3', ['-X', 'utf8', '-c', script, jsonl, json, csv, unit, JSON.stringify(PIECES)], { encoding: 'utf8' });
      expect(py.error).toBeUndefined();
      expect(py.stderr).toBe('');
      expect(py.status).toBe(0);
      expect(py.stdout.trim()).toBe('ok 6');
    });
  }
});
