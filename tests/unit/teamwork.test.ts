/**
 * Hand out and merge back (issue 15): the lead hands copies to two annotators (one blind), each tags
 * in their own copy as their app would (one also fixes a document's text), and `loupe merge` brings
 * both layers into the lead's corpus: every span on the same words, the edited document aligned,
 * what cannot be placed reported, nothing of the lead's overwritten, a second merge adding nothing.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli } from './cliRun';
import { loseIndexEntry } from './damage';
import { corpusAgreement } from '../../src/main/services/agreement';
import { noteToAdd } from '../../src/main/services/teamwork';
import { openCorpusStore } from '../../src/main/services/loupeService';
import type { CorpusStore } from '../../src/main/store/corpusStore';

const DOCS = [
  '县委书记周振华在会上说：“今年我们要把问题找准，把责任压实。”',
  '会议强调，要坚持人民至上，推动高质量发展，全力以赴抓落实。',
  '市长表示，明年将新建学校十所，确保群众满意。',
];

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-team-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));


/** The code point range of `words` in `text`. */
const at = (text: string, words: string): [number, number] => {
  const i = [...text.slice(0, text.indexOf(words))].length;
  return [i, i + [...words].length];
};

function withStore<T>(file: string, annotator: string | null, f: (store: CorpusStore) => T): T {
  const store = openCorpusStore(file, { create: false });
  store.annotator = annotator;
  try {
    return f(store);
  } finally {
    store.close();
  }
}

/** Tags `words` of document `id` as `label` in the store's layer, as the editor's save would. */
function tag(store: CorpusStore, id: number, spanId: string, label: string, words: string): void {
  const text = store.getDocument(id).text;
  const [start, end] = at(text, words);
  store.saveDocument({ id, upsert: [{ id: spanId, label, start, end }], remove: [] });
}

const wordsOf = (store: CorpusStore, id: number, annotator: string): string[] => {
  const doc = store.getDocument(id, [], annotator);
  const cps = [...doc.text];
  return doc.spans.map((s) => `${s.label}:${cps.slice(s.start, s.end).join('')}`);
};

function leadCorpus(): string {
  const file = path.join(dir, 'lead.loupe');
  const store = openCorpusStore(file, { create: true });
  try {
    for (const [i, text] of DOCS.entries()) store.insertDocument({ title: `第${i + 1}篇`, text });
    store.annotator = 'lead';
    tag(store, 1, 'lead1', 'official', '县委书记周振华');
    store.annotator = null;
    tag(store, 3, 'old1', 'official', '市长'); // made before annotators: nobody's
  } finally {
    store.close();
  }
  return file;
}

describe('loupe handout and loupe merge', () => {
  it('hand out (blind and not), tag in two copies, one with an edited text, merge both back, twice', async () => {
    const lead = leadCorpus();
    const wang = path.join(dir, 'wang.loupe');
    const li = path.join(dir, 'li.loupe');
    // Spans of nobody must be given an owner unless the copy is blind.
    const refused = await cli('handout', lead, '--annotator', 'li', '--out', li);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/1 span has no annotator .* --owner NAME, or hand out blind/);
    expect(fs.existsSync(li)).toBe(false);

    const w = await cli('handout', lead, '--annotator', '王芳', '--out', wang, '--blind');
    expect(w.out).toMatch(/wrote a copy for 王芳 to .*wang\.loupe: 3 documents, 0 spans, blind/);
    const l = await cli('handout', lead, '--annotator', 'li', '--out', li, '--documents', '1,2', '--owner', 'lead');
    expect(l.out).toMatch(/2 documents, 1 span \(layers: lead\)/);
    expect((await cli('handout', lead, '--annotator', 'x', '--out', li)).err).toMatch(/already exists/);

    // 王芳 tags in her copy as her app would (her layer).
    withStore(wang, '王芳', (s) => {
      expect(s.listDocuments().map((d) => d.spanCount)).toEqual([0, 0, 0]);
      tag(s, 1, 'w1', 'official', '县委书记周振华');
      tag(s, 1, 'w2', 'quote', '今年我们要把问题找准，把责任压实。');
      tag(s, 2, 'w3', 'slogan', '人民至上');
      tag(s, 3, 'w4', 'pledge', '明年将新建学校十所');
    });
    // li sees the lead's layer in the copy, tags his own, and fixes a typo in document 2 first.
    withStore(li, 'li', (s) => {
      expect(s.getDocument(1).spans.map((x) => x.annotator)).toEqual(['lead']);
      tag(s, 1, 'l1', 'official', '周振华');
      tag(s, 1, 'l2', 'quote', '“今年我们要把问题找准，把责任压实。”');
      s.saveDocument({ id: 2, edit: { at: 0, remove: 0, insert: '本次' }, upsert: [], remove: [] });
      s.saveDocument({ id: 2, edit: { at: 7, remove: 4, insert: '群众第一' }, upsert: [], remove: [] }); // 人民至上 → 群众第一
      tag(s, 2, 'l3', 'slogan', '群众第一'); // on text the corpus does not have: cannot be placed
      tag(s, 2, 'l4', 'pledge', '推动高质量发展');
      s.saveDocument({ id: 2, upsert: [], remove: [], upsertLinks: [] });
    });

    const dry = await cli('merge', lead, wang, '--dry-run');
    expect(dry.out).toMatch(/would merge .*wang\.loupe \(handed out to 王芳\): 3 documents \(3 by id/);
    withStore(lead, null, (s) => expect(s.layersOf(1).map((x) => x.annotator)).toEqual(['lead']));

    const merged = await cli('merge', lead, wang, li);
    expect(merged.code).toBe(0);
    expect(merged.out).toMatch(/merged .*wang\.loupe \(handed out to 王芳\): 3 documents \(3 by id, 0 by text, 0 with an edited text aligned, 0 not found\)/);
    expect(merged.out).toMatch(/王芳: 4 spans and 0 links added to 3 documents/);
    expect(merged.out).toMatch(/merged .*li\.loupe \(handed out to li\): 2 documents \(1 by id, 0 by text, 1 with an edited text aligned/);
    expect(merged.out).toMatch(/li: 3 spans and 0 links added to 2 documents/);
    expect(merged.out).toMatch(/document 2 \(第2篇\), li: span l3 \(slogan, “群众第一”\) could not be placed/);

    withStore(lead, null, (s) => {
      expect(s.getDocument(2).text).toBe(DOCS[1]); // the lead's text stays as it was
      expect(wordsOf(s, 1, '王芳')).toEqual(['official:县委书记周振华', 'quote:今年我们要把问题找准，把责任压实。']);
      expect(wordsOf(s, 1, 'li')).toEqual(['official:周振华', 'quote:“今年我们要把问题找准，把责任压实。”']);
      expect(wordsOf(s, 2, 'li')).toEqual(['pledge:推动高质量发展']); // moved back over the aligned text
      expect(wordsOf(s, 1, 'lead')).toEqual(['official:县委书记周振华']);
      expect(s.getDocument(3).spans.find((x) => x.id === 'old1')!.annotator).toBeNull(); // the lead's own, untouched
      const { report } = corpusAgreement(s, { annotators: ['li', '王芳'] });
      expect(report.documents).toBe(2);
    });

    // A second merge of the same copies adds nothing.
    const again = await cli('merge', lead, wang, li);
    expect(again.out).toMatch(/王芳: 0 spans and 0 links added to 0 documents; 3 unchanged, 0 kept/);
    expect(again.out).toMatch(/li: 0 spans and 0 links added to 0 documents; 2 unchanged/);

    // The lead removes one of 王芳's spans after the merge: merging her old copy again does not bring it back.
    withStore(lead, '王芳', (s) => s.saveDocument({ id: 1, upsert: [], remove: ['w1'] }));
    const removed = await cli('merge', lead, wang);
    expect(removed.out).toMatch(/王芳: 0 spans and 0 links added to 0 documents; 3 unchanged, 0 kept as the corpus has them; 1 span removed in the corpus since the last merge, not brought back/);
    withStore(lead, null, (s) => expect(wordsOf(s, 1, '王芳')).toEqual(['quote:今年我们要把问题找准，把责任压实。']));
    // 王芳 goes on in her copy: a new span is merged; one she relabelled conflicts with the corpus's and is kept as the corpus has it.
    withStore(wang, '王芳', (s) => {
      tag(s, 2, 'w5', 'pledge', '推动高质量发展');
      const [start, end] = at(DOCS[2]!, '明年将新建学校十所');
      s.saveDocument({ id: 3, upsert: [{ id: 'w4', label: 'quote', start, end }], remove: [] });
    });
    const later = await cli('merge', lead, wang);
    expect(later.out).toMatch(/王芳: 1 span and 0 links added to 1 document; 1 unchanged, 1 kept as the corpus has them; 1 span removed/);
    expect(later.out).toMatch(/document 3 \(第3篇\), 王芳: the corpus's layer has 1 span\(s\) the copy has not/);
    withStore(lead, null, (s) => {
      expect(wordsOf(s, 2, '王芳')).toEqual(['slogan:人民至上', 'pledge:推动高质量发展']);
      expect(wordsOf(s, 3, '王芳')).toEqual(['pledge:明年将新建学校十所']);
    });
  });

  it('document notes written in a copy are added after the corpus’s, under the annotator’s name, once', async () => {
    const lead = leadCorpus();
    withStore(lead, 'lead', (s) => s.saveDocument({ id: 1, note: '待核实：发言时间', upsert: [], remove: [] }));
    const wang = path.join(dir, 'wang.loupe');
    await cli('handout', lead, '--annotator', '王芳', '--out', wang, '--blind');
    withStore(wang, '王芳', (s) => {
      expect(s.getDocument(1).note).toBe('待核实：发言时间'); // the copy starts with the corpus's note
      s.saveDocument({ id: 1, note: '待核实：发言时间\n引语出处不明', upsert: [], remove: [] });
      s.saveDocument({ id: 2, note: '标题有误', upsert: [], remove: [] });
    });
    const revision = withStore(lead, null, (s) => s.getDocument(1).revision);

    const dry = await cli('merge', lead, wang, '--dry-run');
    expect(dry.out).toMatch(/document notes written in the copy, added to the corpus's: 2/);
    withStore(lead, null, (s) => expect(s.getDocument(2).note).toBe(''));

    const merged = await cli('merge', lead, wang);
    expect(merged.out).toMatch(/document notes written in the copy, added to the corpus's: 2/);
    withStore(lead, null, (s) => {
      expect(s.getDocument(1).note).toBe('待核实：发言时间\n\n王芳: 引语出处不明'); // the corpus's kept, hers after it
      expect(s.getDocument(1).revision).toBeGreaterThan(revision); // an open window sees the change
      expect(s.getDocument(2).note).toBe('王芳: 标题有误');
      expect(s.getDocument(3).note).toBe('');
    });
    // Again: nothing more.
    const again = await cli('merge', lead, wang);
    expect(again.out).not.toMatch(/document notes/);
    withStore(lead, null, (s) => expect(s.getDocument(1).note).toBe('待核实：发言时间\n\n王芳: 引语出处不明'));
  });

  it('a copy’s note lines are compared whole with the corpus’s: a short line inside a longer one is still added', () => {
    expect(noteToAdd('待核实：发言时间', '待核实', '王芳')).toBe('待核实：发言时间\n\n王芳: 待核实');
    expect(noteToAdd('待核实：发言时间', '待核实：发言时间', '王芳')).toBeNull();
    // Merged before (as NAME: line, several lines under one name): nothing again.
    expect(noteToAdd('A\n\n王芳: X\nY', 'A\nX\nY', '王芳')).toBeNull();
    expect(noteToAdd('', ' \n ', '王芳')).toBeNull();
    expect(noteToAdd('', '标题有误\r\n出处？', '王芳')).toBe('王芳: 标题有误\n出处？');
  });

  it('merges nothing from a copy, or into a corpus, that fails its integrity check (run while the merge reads)', async () => {
    const lead = leadCorpus();
    const sha = (file: string): string => createHash('sha256').update(fs.readFileSync(file)).digest('hex');
    const handOut = async (name: string): Promise<string> => {
      const copy = path.join(dir, `${name}.loupe`);
      expect((await cli('handout', lead, '--annotator', name, '--out', copy, '--blind')).code).toBe(0);
      withStore(copy, name, (store) => tag(store, 2, `${name}1`, 'slogan', '人民至上'));
      return copy;
    };
    const damagedCopy = await handOut('ann');
    const goodCopy = await handOut('bo');
    // Another span of the annotator's, not a twin: only the copy's integrity check stops the merge.
    loseIndexEntry(damagedCopy, 'ann1', { label: 'quote' });
    const before = sha(lead);
    const fromDamaged = await cli('merge', lead, damagedCopy);
    expect(fromDamaged.code).toBe(1);
    expect(fromDamaged.err).toMatch(/ann\.loupe: .*is damaged: it fails SQLite's integrity check.*nothing of it was merged/);
    expect(sha(lead)).toBe(before);

    loseIndexEntry(lead, 'lead1');
    const damaged = sha(lead);
    const intoDamaged = await cli('merge', lead, goodCopy);
    expect(intoDamaged.code).toBe(1);
    expect(intoDamaged.err).toMatch(/bo\.loupe: .*lead\.loupe is damaged: it fails SQLite's integrity check.*nothing of it was merged/);
    expect(sha(lead)).toBe(damaged);
  });

  it('refuses clearly and merges nothing of a copy it cannot read', async () => {
    const lead = leadCorpus();
    const junk = path.join(dir, 'junk.loupe');
    fs.writeFileSync(junk, 'not a corpus');
    const r = await cli('merge', lead, junk);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/junk\.loupe: .*nothing of it was merged/);
    expect((await cli('merge', lead)).code).toBe(2);
    expect((await cli('handout', lead, '--out', path.join(dir, 'x.loupe'))).err).toMatch(/--annotator NAME is required/);
    expect((await cli('handout', lead, '--annotator', 'a', '--out', path.join(dir, 'x.loupe'), '--documents', '9'))).toMatchObject({ code: 2 });
  });
});
