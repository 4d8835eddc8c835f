/**
 * Every agreement figure against the reference implementations linguists cite, on the same items:
 * scikit-learn's cohen_kappa_score, statsmodels' fleiss_kappa and NLTK's AnnotationTask (kappa,
 * multi_kappa, pi, alpha), to 1e-9 (tests/unit/agreementReference.py, in Debian's Python). Character
 * items are built there again from the spans, character by character, independently of
 * src/shared/agreement/characters.ts. And the published worked examples, by hand.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { addItems } from '../../src/shared/agreement/characters';
import {
  cohenKappa,
  daviesFleissKappa,
  fleissKappa,
  type Item,
  krippendorffAlpha,
  meanCohenKappa,
  pairsOf,
} from '../../src/shared/agreement/coefficients';
import { type AgreementDocument, type AgreementSpan, type Layer, piecesOf } from '../../src/shared/agreement/layers';
import { AgreementBuilder, type AgreementReport, type Coefficients } from '../../src/shared/agreement/report';
import { alignSpans, matchCounts, scores } from '../../src/shared/agreement/spans';
import { segmentDistance, type Unit, unitizingAlpha } from '../../src/shared/agreement/unitizing';
import { DEBIAN_PYTHON, python, requireTool, skipWithout } from '../externalTools';

const REFERENCES = python(['sklearn', 'statsmodels', 'nltk'], ['python3-sklearn', 'python3-statsmodels', 'python3-nltk']);
const SCRIPT = path.join(__dirname, 'agreementReference.py');

function reference<T>(request: unknown): T {
  requireTool(REFERENCES);
  // -I: Debian's modules only, whatever the working folder holds.
  const r = spawnSync(DEBIAN_PYTHON, ['-I', SCRIPT], { input: JSON.stringify(request), encoding: 'utf8', maxBuffer: 64 << 20, timeout: 300_000 });
  if (r.status !== 0) throw new Error(`agreementReference.py failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** A tiny seeded generator (LCG): the same seed, the same fixtures. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const close = (actual: number | null, expected: number | null | undefined, what: string) => {
  if (expected === null || expected === undefined) expect(actual, what).toBeNull();
  else {
    expect(actual, what).not.toBeNull();
    expect(Math.abs(actual! - expected), `${what}: ${actual} against ${expected}`).toBeLessThanOrEqual(1e-9);
  }
};

interface Figures {
  cohen: Record<string, number | null>;
  fleiss: number | null;
  alpha: number | null;
  nltk_kappa?: number | null;
  nltk_multi_kappa?: number | null;
  nltk_pi?: number | null;
}

describe.skipIf(skipWithout(REFERENCES))('coefficients, against scikit-learn, statsmodels and NLTK', () => {
  it('on 40 random item sets: 2–4 annotators, 2–4 values, missing values and ties', () => {
    const rnd = random(15);
    const fixtures: { raters: number; items: (string | null)[][] }[] = [];
    for (let f = 0; f < 40; f++) {
      const raters = 2 + Math.floor(rnd() * 3);
      const values = ['A', 'B', 'C', 'D'].slice(0, 2 + Math.floor(rnd() * 3));
      const missing = f % 4 === 0 ? 0 : rnd() * 0.3;
      const agree = rnd(); // how often an annotator copies the first one's value (ties, agreement)
      const items = Array.from({ length: 20 + Math.floor(rnd() * 80) }, () => {
        const first = values[Math.floor(rnd() * values.length)]!;
        return Array.from({ length: raters }, (_, r) => {
          if (rnd() < missing) return null;
          return r > 0 && rnd() < agree ? first : values[Math.floor(rnd() * values.length)]!;
        });
      });
      fixtures.push({ raters, items });
    }
    const want = reference<Figures[]>({ kind: 'items', fixtures });
    let nltkChecked = 0;
    fixtures.forEach((fixture, f) => {
      const all = Array.from({ length: fixture.raters }, (_, i) => i);
      const single: Item[] = fixture.items.map((values) => ({ values, weight: 1 }));
      // The same items merged into weighted patterns, as character items are: the same figures.
      const mergedMap = new Map<string, Item>();
      addItems(mergedMap, single);
      const merged = [...mergedMap.values()];
      expect(merged.length).toBeLessThan(single.length);
      for (const items of [single, merged]) {
        const w = want[f]!;
        for (const [a, b] of pairsOf(all)) close(cohenKappa(items, a, b).value, w.cohen[`${a}-${b}`], `fixture ${f} Cohen ${a}-${b}`);
        close(fleissKappa(items, all).value, w.fleiss, `fixture ${f} Fleiss`);
        close(krippendorffAlpha(items, all).value, w.alpha, `fixture ${f} alpha`);
        if ('nltk_kappa' in w) {
          const complete = items.filter((it) => it.values.every((v) => v !== null));
          close(meanCohenKappa(complete, all).value, w.nltk_kappa, `fixture ${f} NLTK kappa`);
          close(daviesFleissKappa(items, all).value, w.nltk_multi_kappa, `fixture ${f} NLTK multi_kappa`);
          close(fleissKappa(items, all).value, w.nltk_pi, `fixture ${f} NLTK pi (Fleiss)`);
          nltkChecked++;
        }
      }
    });
    expect(nltkChecked).toBeGreaterThan(40);
  });
});

/** Several annotators' spans over random documents: a shared reading, each annotator departing from it. */
function spanCorpus(seed: number): { annotators: string[]; labels: string[]; documents: AgreementDocument[] } {
  const rnd = random(seed);
  const annotators = ['王芳', 'li', 'sam'];
  const labels = ['quote', 'official', 'pledge', 'slogan'];
  const documents: AgreementDocument[] = [];
  let id = 0;
  for (let d = 0; d < 14; d++) {
    const length = 15 + Math.floor(rnd() * 110);
    const truth: AgreementSpan[] = [];
    for (let s = 0; s < 2 + Math.floor(rnd() * 6); s++) {
      const start = Math.floor(rnd() * (length - 3));
      const end = Math.min(length, start + 1 + Math.floor(rnd() * 20));
      // slogan stays rare: in some documents nobody uses it
      truth.push({ id: `t${d}-${s}`, label: labels[Math.floor(rnd() * (d % 3 === 0 ? 3 : 4))]!, start, end });
    }
    const layers: (Layer | null)[] = annotators.map((_, who) => {
      if ((d === 3 && who === 2) || (d === 7 && who === 0) || (d === 9 && who !== 1)) return null; // not annotated (d 9: one layer only)
      const spans: AgreementSpan[] = [];
      truth.forEach((t, s) => {
        const r = rnd();
        const sid = `${who}-${d}-${s}`;
        if (r < 0.1) return; // missed
        if (r < 0.2) spans.push({ ...t, id: sid, label: labels[Math.floor(rnd() * 4)]! });
        else if (r < 0.3) spans.push({ ...t, id: sid, end: Math.min(length, t.end + 1 + Math.floor(rnd() * 3)) });
        else if (r < 0.35 && t.end - t.start > 4) {
          const cut = t.start + 2;
          spans.push({ ...t, id: sid, fragments: [[t.start, cut], [cut + 1, t.end]] });
        } else spans.push({ ...t, id: sid });
        if (rnd() < 0.1) spans.push({ ...t, id: `${sid}x` }); // the same span twice
      });
      if (rnd() < 0.3) spans.push({ id: `${who}-${d}-extra`, label: 'pledge', start: 0, end: Math.min(length, 5) });
      return { spans, links: [] };
    });
    documents.push({ id: ++id, name: `doc ${id}`, length, layers });
  }
  // Attribute values, from a stream of their own (the spans above stay what they were): a choice
  // (kind, on two labels: two figures), several choices (topics) and a number (level), often
  // missing (absent, null, empty), often agreeing on the truth's value.
  const values = random(seed + 1000);
  const pick = <T,>(list: readonly T[]): T => list[Math.floor(values() * list.length)]!;
  const truthValue = new Map<string, Record<string, unknown>>();
  for (const doc of documents) {
    for (const layer of doc.layers) {
      for (const span of layer?.spans ?? []) {
        const t = `${doc.id}:${span.start}:${span.label}`;
        if (!truthValue.has(t)) truthValue.set(t, { kind: pick(['direct', 'indirect']), topics: pick([['water'], ['water', 'roads'], ['roads']]), level: pick([1, 2]) });
        const truth = truthValue.get(t)!;
        const attrs: Record<string, unknown> = {};
        for (const name of span.label === 'official' ? ['level'] : span.label === 'slogan' ? [] : ['kind', 'topics']) {
          const r = values();
          if (r < 0.15) continue; // absent
          attrs[name] = r < 0.2 ? null : r < 0.25 ? '' : r < 0.75 ? truth[name] : name === 'kind' ? pick(['direct', 'indirect', '间接']) : name === 'topics' ? pick([['roads', 'water'], ['water']]) : pick([1, 2, 3]);
        }
        (span as { attrs?: Record<string, unknown> }).attrs = attrs;
      }
    }
  }
  return { annotators, labels, documents };
}

interface SpanFigures {
  corpus: Figures;
  byLabel: Record<string, Figures>;
  byDocument: Record<string, Figures>;
  spans: Record<string, { exact: number[]; overlap: number[] }>;
  attributes: Record<string, Figures>;
}

function expectFigures(got: Coefficients, want: Figures, report: AgreementReport, what: string): void {
  const index = (name: string) => report.annotators.indexOf(name);
  const cohen = got.cohen.map((p) => {
    const w = want.cohen[`${index(p.a)}-${index(p.b)}`];
    close(p.kappa.value, w, `${what} Cohen ${p.a}-${p.b}`);
    return w;
  });
  close(got.fleiss.value, want.fleiss, `${what} Fleiss`);
  close(got.alpha.value, want.alpha, `${what} alpha`);
  if (want.nltk_multi_kappa !== undefined) close(got.daviesFleiss.value, want.nltk_multi_kappa, `${what} NLTK multi_kappa`);
  // Over all pairs, each over the items both coded (NLTK's kappa, on complete items, is this mean there).
  const mean = cohen.some((k) => k === null || k === undefined) ? null : (cohen as number[]).reduce((x, y) => x + y, 0) / cohen.length;
  close(got.meanCohen.value, mean, `${what} mean Cohen`);
}

describe.skipIf(skipWithout(REFERENCES))('character items and span matches, against the references on items built again from the spans', () => {
  for (const seed of [1, 2]) {
    it(`corpus, every label and every document agree with scikit-learn, statsmodels and NLTK (seed ${seed})`, () => {
      const corpus = spanCorpus(seed);
      const builder = new AgreementBuilder(corpus.annotators, corpus.labels);
      for (const doc of corpus.documents) builder.add(doc);
      const report = builder.report();
      const want = reference<SpanFigures>({
        kind: 'spans',
        annotators: corpus.annotators,
        labels: corpus.labels,
        documents: corpus.documents.map((d) => ({ id: d.id, length: d.length, layers: d.layers })),
      });
      expect(report.documents).toBe(13); // the one with a single layer is not compared
      expectFigures(report.characters.corpus, want.corpus, report, 'corpus');
      for (const label of corpus.labels) expectFigures(report.characters.byLabel[label]!, want.byLabel[label]!, report, label);
      expect(report.byDocument.map((d) => String(d.id)).sort()).toEqual(Object.keys(want.byDocument).sort());
      let nltk = 0;
      for (const doc of report.byDocument) {
        const w = want.byDocument[String(doc.id)]!;
        if (w.nltk_multi_kappa !== undefined) nltk++;
        expectFigures(doc.characters, w, report, `document ${doc.id}`);
      }
      expect(nltk).toBeGreaterThan(5);
      for (const pair of report.spans.pairs) {
        const w = want.spans[`${report.annotators.indexOf(pair.a)}-${report.annotators.indexOf(pair.b)}`]!;
        for (const kind of ['exact', 'overlap'] as const) {
          const c = pair[kind];
          expect([c.spansA, c.spansB, c.foundA, c.foundB], `${kind} ${pair.a}-${pair.b}`).toEqual(w[kind]);
        }
      }
      // Attribute values of spans drawn alike, per label and attribute.
      expect(Object.keys(report.attributes).sort()).toEqual(Object.keys(want.attributes).sort());
      expect(Object.keys(report.attributes).sort()).toEqual(['official.level', 'pledge.kind', 'pledge.topics', 'quote.kind', 'quote.topics']);
      for (const [name, figures] of Object.entries(report.attributes)) {
        expectFigures(figures, want.attributes[name]!, report, `attribute ${name}`);
        // Not vacuous: each has pairable items and a figure (its values vary).
        expect(figures.alpha.items, name).toBeGreaterThanOrEqual(4);
        expect(figures.alpha.value, name).not.toBeNull();
      }
      // Missing layers: Fleiss' κ has fewer items (all three coded) than α (two or more).
      expect(report.characters.corpus.fleiss.items).toBeLessThan(report.characters.corpus.alpha.items);
    });
  }
});

describe('published worked examples', () => {
  it('Krippendorff’s α, nominal: 0.743 for the reliability data of Krippendorff (2011), “Computing Krippendorff’s Alpha-Reliability”, with missing values', () => {
    // Four observers, twelve units; '.' is a missing value. Unit 12 has one value only (not pairable).
    const rows = ['1 2 3 3 2 1 4 1 2 . . .', '1 2 3 3 2 2 4 1 2 5 . 3', '. 3 3 3 2 3 4 2 2 5 1 .', '1 2 3 3 2 4 4 1 2 5 1 .'].map((r) =>
      r.split(' ').map((v) => (v === '.' ? null : v)),
    );
    const items: Item[] = rows[0]!.map((_, u) => ({ values: rows.map((r) => r[u]!), weight: 1 }));
    const alpha = krippendorffAlpha(items, [0, 1, 2, 3]);
    expect(alpha.value!).toBeCloseTo(0.743, 3);
    expect(alpha.items).toBe(11);
  });

  it('Fleiss’ κ: 0.210 for the example of 10 subjects, 14 raters, 5 categories (Fleiss 1971 as tabulated on Wikipedia’s “Fleiss’ kappa”)', () => {
    const table = [
      [0, 0, 0, 0, 14],
      [0, 2, 6, 4, 2],
      [0, 0, 3, 5, 6],
      [0, 3, 9, 2, 0],
      [2, 2, 8, 1, 1],
      [7, 7, 0, 0, 0],
      [3, 2, 6, 3, 0],
      [2, 5, 3, 2, 2],
      [6, 5, 2, 1, 0],
      [0, 2, 2, 3, 7],
    ];
    const items: Item[] = table.map((counts) => ({ values: counts.flatMap((n, c) => Array<string>(n).fill(String(c + 1))), weight: 1 }));
    expect(fleissKappa(items, Array.from({ length: 14 }, (_, i) => i)).value!).toBeCloseTo(0.21, 3);
  });

  it('Cohen’s κ: 0.4 for 50 items, 20 yes–yes, 5 yes–no, 10 no–yes, 15 no–no (Wikipedia’s “Cohen’s kappa” example)', () => {
    const items: Item[] = [
      { values: ['yes', 'yes'], weight: 20 },
      { values: ['yes', 'no'], weight: 5 },
      { values: ['no', 'yes'], weight: 10 },
      { values: ['no', 'no'], weight: 15 },
    ];
    const k = cohenKappa(items, 0, 1);
    expect(k.value!).toBeCloseTo(0.4, 12);
    expect(k.items).toBe(50);
  });

  it('is undefined, not 1 or 0, where no value varies', () => {
    const items: Item[] = [{ values: ['0', '0', '0'], weight: 40 }];
    expect(cohenKappa(items, 0, 1).value).toBeNull();
    expect(fleissKappa(items, [0, 1, 2]).value).toBeNull();
    expect(krippendorffAlpha(items, [0, 1, 2]).value).toBeNull();
    expect(cohenKappa([], 0, 1)).toEqual({ value: null, items: 0 });
  });
});

describe('span matches, alignment, links and attributes, worked by hand', () => {
  const s = (id: string, label: string, start: number, end: number, extra: Partial<AgreementSpan> = {}): AgreementSpan => ({ id, label, start, end, ...extra });

  it('exact and overlap precision, recall and F1 (a as the reference)', () => {
    const a = [s('a1', 'quote', 0, 10), s('a2', 'official', 12, 15), s('a3', 'pledge', 20, 30)];
    const b = [s('b1', 'quote', 0, 10), s('b2', 'official', 12, 16), s('b3', 'quote', 20, 30), s('b4', 'slogan', 40, 42)];
    const { exact, overlap } = matchCounts(a, b, 50);
    const sum = (m: typeof exact) => [...m.values()].reduce((x, y) => ({ spansA: x.spansA + y.spansA, spansB: x.spansB + y.spansB, foundA: x.foundA + y.foundA, foundB: x.foundB + y.foundB }));
    expect(sum(exact)).toEqual({ spansA: 3, spansB: 4, foundA: 1, foundB: 1 });
    expect(sum(overlap)).toEqual({ spansA: 3, spansB: 4, foundA: 2, foundB: 2 });
    expect(scores(sum(exact))).toEqual({ precision: 0.25, recall: 1 / 3, f1: (2 * 0.25 * (1 / 3)) / (0.25 + 1 / 3) });
    expect(scores({ spansA: 0, spansB: 0, foundA: 0, foundB: 0 })).toEqual({ precision: null, recall: null, f1: null });
    expect(scores({ spansA: 2, spansB: 0, foundA: 0, foundB: 0 }).f1).toBe(0);
  });

  it('a span in pieces matches only the same pieces exactly, and overlaps by any piece', () => {
    const a = [s('a1', 'quote', 0, 10, { fragments: [[0, 4], [6, 10]] })];
    const same = matchCounts(a, [s('b1', 'quote', 0, 10, { fragments: [[0, 4], [6, 10]] })], 20);
    const whole = matchCounts(a, [s('b1', 'quote', 0, 10)], 20);
    const gap = matchCounts(a, [s('b1', 'quote', 4, 6)], 20);
    expect(same.exact.get('quote')!.foundA).toBe(1);
    expect(whole.exact.get('quote')!.foundA).toBe(0);
    expect(whole.overlap.get('quote')!.foundA).toBe(1);
    expect(gap.overlap.get('quote')!.foundA).toBe(0); // only the gap in common
  });

  it('overlap matches are those of a plain pairwise search, over dense random layers with spans in pieces', () => {
    const rnd = random(4242);
    const spanAt = (id: string): AgreementSpan => {
      const label = ['quote', 'pledge'][Math.floor(rnd() * 2)]!;
      const start = Math.floor(rnd() * 190);
      const end = start + 1 + Math.floor(rnd() * 12);
      if (rnd() < 0.3) {
        const cut = start + 1 + Math.floor(rnd() * 5);
        return s(id, label, start, end + 6, { fragments: [[start, cut], [cut + 2 + Math.floor(rnd() * 3), end + 6]] });
      }
      return s(id, label, start, end);
    };
    // Written plainly: a span is found when some span of the other layer with its label has a character in common.
    const found = (x: AgreementSpan, other: readonly AgreementSpan[]): boolean =>
      other.some((y) => y.label === x.label && piecesOf(x, 200).some(([s1, e1]) => piecesOf(y, 200).some(([s2, e2]) => Math.min(e1, e2) > Math.max(s1, s2))));
    for (let round = 0; round < 200; round++) {
      const a = Array.from({ length: Math.floor(rnd() * 30) }, (_, i) => spanAt(`a${i}`));
      const b = Array.from({ length: Math.floor(rnd() * 30) }, (_, i) => spanAt(`b${i}`));
      const { overlap } = matchCounts(a, b, 200);
      for (const label of ['quote', 'pledge']) {
        const la = a.filter((x) => x.label === label);
        const lb = b.filter((x) => x.label === label);
        const counts = overlap.get(label) ?? { spansA: 0, spansB: 0, foundA: 0, foundB: 0 };
        expect(counts).toEqual({ spansA: la.length, spansB: lb.length, foundA: la.filter((x) => found(x, lb)).length, foundB: lb.filter((x) => found(x, la)).length });
      }
    }
  });

  it('aligns one to one: same span first, then same range with another label, then the largest overlap', () => {
    const a = [s('a1', 'quote', 0, 10), s('a2', 'official', 12, 15), s('a3', 'pledge', 20, 30), s('a4', 'quote', 50, 55)];
    const b = [s('b1', 'quote', 0, 10), s('b2', 'pledge', 12, 15), s('b3', 'pledge', 22, 30), s('b4', 'quote', 25, 28), s('b5', 'slogan', 40, 42)];
    const aligned = alignSpans(a, b, 60).map((x) => [x.a?.id ?? null, x.b?.id ?? null, x.kind]);
    expect(aligned).toEqual([
      ['a1', 'b1', null],
      ['a2', 'b2', 'label'],
      ['a3', 'b3', 'boundary'], // 8 characters in common against b4's 3
      [null, 'b4', 'only-b'],
      [null, 'b5', 'only-b'],
      ['a4', null, 'only-a'],
    ]);
  });

  it('a report: the confusion of labels, the disagreements to click, links whose ends agree, attribute values of agreed spans', () => {
    const a: Layer = {
      spans: [s('a1', 'quote', 0, 10, { attrs: { tone: 'firm' } }), s('a2', 'official', 12, 15, { attrs: { rank: 'county' } }), s('a3', 'pledge', 20, 30)],
      links: [{ id: 'l1', type: 'said_by', from: 'a1', to: 'a2' }],
    };
    const b: Layer = {
      spans: [s('b1', 'quote', 0, 10, { attrs: { tone: 'soft' } }), s('b2', 'official', 12, 15, { attrs: { rank: 'county' } }), s('b3', 'slogan', 20, 30)],
      links: [{ id: 'm1', type: 'said_by', from: 'b1', to: 'b2' }, { id: 'm2', type: 'said_by', from: 'b3', to: 'b2' }],
    };
    const builder = new AgreementBuilder(['a', 'b'], ['quote', 'official', 'pledge', 'slogan']);
    builder.add({ id: 7, name: '县委', length: 40, layers: [a, b] });
    builder.add({ id: 8, name: 'only a', length: 40, layers: [a, null] });
    const report = builder.report();
    expect(report.documents).toBe(1);
    expect(report.confusion[0]!.cells).toEqual([
      { a: 'official', b: 'official', count: 1 },
      { a: 'pledge', b: 'slogan', count: 1 },
      { a: 'quote', b: 'quote', count: 1 },
    ]);
    expect(report.disagreements).toEqual([
      { document: 7, documentName: '县委', a: 'a', b: 'b', kind: 'label', spanA: a.spans[2], spanB: b.spans[2] },
    ]);
    // b's second link ends at a span a labelled otherwise: not comparable; the first is matched.
    expect(report.links[0]).toMatchObject({ spansA: 1, spansB: 1, foundA: 1, foundB: 1, f1: 1 });
    expect(report.attributes['quote.tone']!.cohen[0]!.kappa.items).toBe(1);
    expect(report.attributes['official.rank']!.cohen[0]!.kappa).toEqual({ value: null, items: 1 }); // one value, no variation
    expect(report.spans.pairs[0]!.exact).toMatchObject({ spansA: 3, spansB: 3, foundA: 2, foundB: 2 });
    expect(report.spans.byLabel.pledge![0]!.exact.f1).toBe(0);
  });
});

describe('Krippendorff’s unitizing α, as DKPro Agreement computes it, on the examples its tests reproduce', () => {
  // dkpro/dkpro-statistics, dkpro-statistics-agreement/src/test/java/org/dkpro/statistics/agreement/unitizing/:
  // Krippendorff2004Test, Krippendorff1995Test and UnitizingAgreementTest; the same expected values and tolerances.
  const unit = (begin: number, length: number, rater: number, category: string): Unit => ({ begin, length, rater, category });

  it('Krippendorff (2004), Content Analysis 2nd ed. p. 254 (= Figure 2 of “Measuring the reliability of qualitative text analysis data”)', () => {
    const study = {
      raters: 2,
      begin: 150,
      length: 300,
      units: [
        unit(225, 70, 0, 'c'), unit(370, 30, 0, 'c'), unit(220, 80, 1, 'c'), unit(355, 20, 1, 'c'), unit(400, 20, 1, 'c'),
        unit(180, 60, 0, 'k'), unit(300, 50, 0, 'k'), unit(180, 60, 1, 'k'), unit(300, 50, 1, 'k'),
      ],
    };
    const result = unitizingAlpha(study);
    expect(Math.abs(result.overall.value! - 0.8591)).toBeLessThanOrEqual(0.0005);
    const c = result.byCategory.get('c')!;
    expect(Math.abs(c.observed - 0.0144)).toBeLessThanOrEqual(0.0001);
    expect(Math.abs(c.expected - 0.0532)).toBeLessThanOrEqual(0.0001);
    expect(Math.abs(c.value! - 0.7286)).toBeLessThanOrEqual(0.0001);
    // Exactly, as fractions: D_O = 13/900, D_E = 69179/1299825.
    expect(c.observed).toBeCloseTo(13 / 900, 14);
    expect(c.expected).toBeCloseTo(69179 / 1299825, 14);
    const k = result.byCategory.get('k')!;
    expect(k.observed).toBe(0);
    expect(Math.abs(k.expected - 0.049)).toBeLessThanOrEqual(0.0001);
    expect(k.value).toBe(1);
  });

  it('the distances of DKPro’s testDistanceMetric1/2 and UnitizingAgreementTest', () => {
    const md = (b1: number, l1: number, c1: string | null, b2: number, l2: number, c2: string | null) => segmentDistance(b1, l1, c1 !== null, b2, l2, c2 !== null);
    expect(md(2, 3, null, 2, 2, 'X') + md(5, 6, 'X', 4, 7, null)).toBe(40);
    expect(md(3, 2, null, 3, 2, 'X') + md(5, 6, 'X', 5, 6, null)).toBe(40);
    expect([md(5, 6, 'X', 4, 2, 'X'), md(5, 6, 'X', 5, 2, 'X'), md(5, 6, 'X', 6, 2, 'X'), md(5, 6, 'X', 7, 2, 'X'), md(5, 6, 'X', 6, 4, 'X'), md(5, 6, 'X', 5, 6, 'X')]).toEqual([26, 16, 10, 8, 2, 0]);
    expect([md(225, 70, 'c', 220, 80, 'c'), md(370, 30, 'c', 355, 20, 'c'), md(400, 50, null, 400, 20, 'c')]).toEqual([50, 850, 400]);
    expect([md(0, 1, null, 0, 2, null), md(1, 8, 'A', 0, 2, null), md(1, 8, 'A', 2, 1, 'A'), md(1, 8, 'A', 3, 1, null), md(1, 8, 'A', 4, 1, 'A')]).toEqual([0, 0, 37, 0, 25]);
    expect([md(1, 8, 'A', 5, 1, null), md(1, 8, 'A', 6, 1, 'A'), md(1, 8, 'A', 7, 4, null), md(9, 2, null, 7, 4, null)]).toEqual([0, 29, 0, 0]);
  });

  it('UnitizingAgreementTest: one long unit against three short ones, a single unit, an empty study', () => {
    const r = unitizingAlpha({ raters: 2, begin: 0, length: 10, units: [unit(1, 8, 0, 'A'), unit(2, 1, 1, 'A'), unit(4, 1, 1, 'A'), unit(6, 1, 1, 'A')] });
    const a = r.byCategory.get('A')!;
    expect(Math.abs(a.observed - 0.91)).toBeLessThanOrEqual(0.0001);
    expect(Math.abs(a.expected - 0.5351)).toBeLessThanOrEqual(0.0001);
    expect(Math.abs(a.value! - -0.7003)).toBeLessThanOrEqual(0.0001);
    expect(unitizingAlpha({ raters: 3, begin: 0, length: 20, units: [unit(0, 1, 0, 'X')] }).overall.value).toBeCloseTo(0, 12);
    expect(unitizingAlpha({ raters: 3, begin: 0, length: 20, units: [] }).overall.value).toBeNull(); // DKPro: NaN
  });

  it('Krippendorff (1995), Sociological Methodology 25, p. 57: the four two-coder examples A–D', () => {
    const base: Record<string, [number, number, number][]> = {
      A: [[2, 8, 0], [14, 6, 0], [4, 4, 1], [15, 2, 1]],
      B: [[0, 18, 0], [0, 2, 1], [2, 1, 1], [3, 1, 1], [4, 1, 1], [5, 1, 1], [6, 3, 1], [9, 1, 1]],
      C: [[2, 6, 0], [10, 2, 0], [14, 4, 0], [20, 2, 0], [0, 2, 1], [4, 4, 1], [10, 4, 1], [16, 2, 1], [20, 2, 1]],
      D: [[0, 2, 0], [2, 8, 0], [10, 4, 0], [14, 6, 0], [20, 4, 0], [0, 4, 1], [4, 4, 1], [8, 7, 1], [15, 2, 1], [17, 7, 1]],
    };
    const example = (stretch: number) => ({
      raters: 2,
      begin: 0,
      length: Math.trunc(24 * stretch),
      units: Object.entries(base).flatMap(([category, units]) => units.map(([o, l, r]) => unit(Math.trunc(o * stretch), Math.trunc(l * stretch), r, category))),
    });
    const one = unitizingAlpha(example(1)).byCategory;
    const observed: Record<string, number> = { A: 0.03125, B: 2.26736, C: 0.02777, D: 0.38715 };
    for (const [c, want] of Object.entries(observed)) expect(Math.abs(one.get(c)!.observed - want), c).toBeLessThanOrEqual(0.00001);
    const long = unitizingAlpha(example(50000)).byCategory;
    const expected: Record<string, number> = { A: 0.0699, B: 1.17731, C: 0.08642, D: 0.41445 };
    const alpha: Record<string, number> = { A: 0.553, B: -0.926, C: 0.679, D: 0.066 };
    for (const c of Object.keys(base)) {
      expect(Math.abs(long.get(c)!.expected - expected[c]!), c).toBeLessThanOrEqual(0.005);
      expect(Math.abs(long.get(c)!.value! - alpha[c]!), c).toBeLessThanOrEqual(0.02);
    }
    // testVaryingLengths, category C: D_O stays 0.02777 while the continuum stretches.
    const varying: [number, number, number][] = [[12 / 24, 0.05494, 0.494], [120 / 24, 0.08234, 0.663], [1200 / 24, 0.086, 0.677], [12000 / 24, 0.08638, 0.678]];
    for (const [stretch, de, a] of varying) {
      const c = unitizingAlpha(example(stretch)).byCategory.get('C')!;
      expect(Math.abs(c.observed - 0.02777)).toBeLessThanOrEqual(0.00001);
      expect(Math.abs(c.expected - de)).toBeLessThanOrEqual(stretch === 0.5 ? 0.00001 : 0.005);
      expect(Math.abs(c.value! - a)).toBeLessThanOrEqual(0.02);
    }
  });

  it('merges an annotator’s overlapping units of one category before measuring (DKPro leaves them undefined)', () => {
    const merged = unitizingAlpha({ raters: 2, begin: 0, length: 30, units: [unit(2, 8, 0, 'q'), unit(2, 8, 1, 'q')] });
    const overlapping = unitizingAlpha({ raters: 2, begin: 0, length: 30, units: [unit(2, 5, 0, 'q'), unit(4, 6, 0, 'q'), unit(2, 8, 1, 'q')] });
    expect(overlapping.byCategory.get('q')).toEqual(merged.byCategory.get('q'));
    expect(merged.overall.value).toBe(1);
  });
});

describe('unitizing α in a report', () => {
  it('reproduces Krippendorff’s 2004 example from two annotators’ spans, over the documents both annotated as one continuum', () => {
    const sp = (id: string, label: string, start: number, length: number): AgreementSpan => ({ id, label, start: start - 150, end: start - 150 + length });
    const a: Layer = { spans: [sp('a1', 'c', 225, 70), sp('a2', 'c', 370, 30), sp('a3', 'k', 180, 60), sp('a4', 'k', 300, 50)], links: [] };
    const b: Layer = { spans: [sp('b1', 'c', 220, 80), sp('b2', 'c', 355, 20), sp('b3', 'c', 400, 20), sp('b4', 'k', 180, 60), sp('b5', 'k', 300, 50)], links: [] };
    const builder = new AgreementBuilder(['a', 'b'], ['c', 'k']);
    builder.add({ id: 1, name: 'figure 2', length: 300, layers: [a, b] });
    builder.add({ id: 2, name: 'a only', length: 500, layers: [a, null] }); // not on the continuum
    const report = builder.report();
    expect(report.unitizing.documents).toBe(1);
    expect(report.unitizing.corpus.value!).toBeCloseTo(7925853267 / 9230432738, 12);
    expect(report.unitizing.byLabel.c!.value!).toBeCloseTo(201615 / 276716, 12);
    expect(report.unitizing.byLabel.k!.value).toBe(1);
    expect(report.byDocument[0]!.unitizing.value!).toBeCloseTo(7925853267 / 9230432738, 12);
  });
});
