/**
 * The agreement report of a corpus between chosen annotators, built one document at a time (a corpus
 * of 2,000 documents is never in memory at once): character-level coefficients for the corpus, each
 * label and each document; span-level precision/recall/F1 for every pair; links whose two ends agree;
 * attribute values of spans that agree; the label confusion of every pair and the list of their
 * disagreements. docs/agreement.md defines every figure.
 */
import { compareCodePoints } from '../offsets';
import { addItems, characterItems } from './characters';
import {
  type Coefficient,
  cohenKappa,
  daviesFleissKappa,
  fleissKappa,
  type Item,
  krippendorffAlpha,
  meanCohenKappa,
  pairsOf,
} from './coefficients';
import { type AgreementDocument, type AgreementLink, type AgreementSpan, piecesOf, presentIn } from './layers';
import { type Unit, type UnitizingFigure, unitizingAlpha } from './unitizing';
import { addCounts, type Aligned, alignPrepared, type DisagreementKind, type MatchCounts, matchLayers, NO_MATCHES, prepareLayer, scores } from './spans';

/** More annotators than this are refused (character items keep who coded as bits of a number). */
export const MAX_ANNOTATORS = 30;

export interface PairCoefficient {
  a: string;
  b: string;
  kappa: Coefficient;
}

/** The chance-corrected coefficients of one set of items. */
export interface Coefficients {
  /** Cohen's κ of every pair of annotators. */
  cohen: PairCoefficient[];
  /** Cohen's κ averaged over the pairs. */
  meanCohen: Coefficient;
  daviesFleiss: Coefficient;
  fleiss: Coefficient;
  alpha: Coefficient;
}

export interface Scores {
  precision: number | null;
  recall: number | null;
  f1: number | null;
}

/** Span-level figures of b against reference a. */
export interface PairScores {
  a: string;
  b: string;
  exact: MatchCounts & Scores;
  overlap: MatchCounts & Scores;
}

export interface ConfusionCell {
  /** null: a span the other annotator has and this one has not. */
  a: string | null;
  b: string | null;
  count: number;
}

export type SpanPlace = Pick<AgreementSpan, 'id' | 'label' | 'start' | 'end' | 'fragments'>;

export interface Disagreement {
  document: number;
  documentName: string;
  a: string;
  b: string;
  kind: DisagreementKind;
  spanA: SpanPlace | null;
  spanB: SpanPlace | null;
}

export interface DocumentAgreement {
  id: number;
  name: string;
  /** The annotators (of those compared) who annotated it. */
  annotators: string[];
  characters: Coefficients;
  /** Unitizing α between the annotators who annotated it, over all labels. */
  unitizing: UnitizingFigure;
  spans: PairScores[];
}

export interface AgreementReport {
  annotators: string[];
  labels: string[];
  /** Documents at least two of the annotators annotated (the others are not compared). */
  documents: number;
  characters: { corpus: Coefficients; byLabel: Record<string, Coefficients> };
  /** Unitizing α over the documents every annotator annotated, as one continuum (`documents` of them). */
  unitizing: { documents: number; corpus: UnitizingFigure; byLabel: Record<string, UnitizingFigure> };
  spans: {
    pairs: PairScores[];
    byLabel: Record<string, PairScores[]>;
    /** F1 averaged over the pairs. */
    meanF1: { exact: number | null; overlap: number | null };
  };
  links: (MatchCounts & Scores & { a: string; b: string })[];
  /** By `label.attribute` (quote.kind): the values of spans drawn alike. */
  attributes: Record<string, Coefficients>;
  confusion: { a: string; b: string; cells: ConfusionCell[] }[];
  byDocument: DocumentAgreement[];
  disagreements: Disagreement[];
}

const withScores = (c: MatchCounts): MatchCounts & Scores => ({ ...c, ...scores(c) });

/** All the coefficients of `items` between annotators `raters` (indexes into `names`). */
export function coefficientsOf(items: readonly Item[], raters: readonly number[], names: readonly string[]): Coefficients {
  return {
    cohen: pairsOf(raters).map(([a, b]) => ({ a: names[a]!, b: names[b]!, kappa: cohenKappa(items, a, b) })),
    meanCohen: meanCohenKappa(items, raters),
    daviesFleiss: daviesFleissKappa(items, raters),
    fleiss: fleissKappa(items, raters),
    alpha: krippendorffAlpha(items, raters),
  };
}

/** A value of an attribute as an item value (several choices in a fixed order). */
const attrValue = (v: unknown): string | null => (v === undefined || v === null || v === '' ? null : typeof v === 'string' ? v : JSON.stringify(v));

const meanOf = (values: readonly (number | null)[]): number | null =>
  values.length === 0 || values.some((v) => v === null) ? null : (values as number[]).reduce((x, y) => x + y, 0) / values.length;

/** The mean span F1 (`kind`: exact or overlap) over some pairs; null when one is undefined or there is none. */
export const meanF1 = (pairs: readonly PairScores[] | undefined, kind: 'exact' | 'overlap'): number | null => meanOf((pairs ?? []).map((p) => p[kind].f1));

/** The documents, least agreement first (character α; those with no figure last). */
export const documentsByAgreement = (docs: readonly DocumentAgreement[]): DocumentAgreement[] =>
  [...docs].sort((a, b) => (a.characters.alpha.value ?? 2) - (b.characters.alpha.value ?? 2));

/** A span's id, label and place, as a disagreement names it (not its attribute values). */
const placeOf = (s: AgreementSpan): SpanPlace => ({ id: s.id, label: s.label, start: s.start, end: s.end, ...(s.fragments ? { fragments: s.fragments } : {}) });

/** The spans' pieces of the annotators `present` as units, rater numbered by their place in `present`. */
function unitsOf(doc: AgreementDocument, present: readonly number[]): Unit[] {
  return present.flatMap((who, rater) =>
    doc.layers[who]!.spans.flatMap((span) => piecesOf(span, doc.length).map(([s, e]) => ({ begin: s, length: e - s, rater, category: span.label }))),
  );
}

export class AgreementBuilder {
  private readonly k: number;
  private readonly all: number[];
  private readonly pairs: [number, number][];
  private documents = 0;
  private readonly corpusItems = new Map<string, Item>();
  private readonly labelItems = new Map<string, Map<string, Item>>();
  private readonly attributeItems = new Map<string, Map<string, Item>>();
  private readonly exact: MatchCounts[];
  private readonly lenient: MatchCounts[];
  private readonly exactByLabel = new Map<string, MatchCounts[]>();
  private readonly lenientByLabel = new Map<string, MatchCounts[]>();
  private readonly links: MatchCounts[];
  /** Per pair: a's label (null: none) → b's label → how many aligned spans. */
  private readonly confusion: Map<string | null, Map<string | null, number>>[];
  private readonly byDocument: DocumentAgreement[] = [];
  /** Units of the documents every annotator annotated, on one continuum (each document after the last). */
  private readonly units: Unit[] = [];
  private continuum = 0;
  private unitizedDocuments = 0;
  private readonly disagreements: Disagreement[] = [];

  /** `labels`: the labels whose character items are counted (the corpus schema's, and any other spans carry). */
  constructor(
    readonly annotators: readonly string[],
    readonly labels: readonly string[],
  ) {
    if (annotators.length < 2) throw new Error('agreement needs at least two annotators');
    if (annotators.length > MAX_ANNOTATORS) throw new Error(`agreement compares at most ${MAX_ANNOTATORS} annotators at once`);
    if (new Set(annotators).size !== annotators.length) throw new Error('an annotator is named twice');
    this.k = annotators.length;
    this.all = annotators.map((_, i) => i);
    this.pairs = pairsOf(this.all);
    this.exact = this.pairs.map(() => NO_MATCHES);
    this.lenient = this.pairs.map(() => NO_MATCHES);
    this.links = this.pairs.map(() => NO_MATCHES);
    this.confusion = this.pairs.map(() => new Map());
    for (const label of labels) this.labelItems.set(label, new Map());
  }

  /** Adds one document (its layers by annotator index, null for an annotator who did not annotate it). */
  add(doc: AgreementDocument): void {
    if (doc.layers.length !== this.k) throw new Error(`document ${doc.id} has ${doc.layers.length} layers for ${this.k} annotators`);
    const present = presentIn(doc);
    if (present.length < 2) return;
    this.documents++;
    const names = this.annotators;

    // Character items: per label, and the document's own (all labels together).
    const perLabel = characterItems(doc, this.labels);
    const docItems = new Map<string, Item>();
    for (const [label, items] of perLabel) {
      addItems(this.labelItems.get(label)!, items);
      addItems(this.corpusItems, items);
      addItems(docItems, items);
    }

    const docPairs: PairScores[] = [];
    // Each layer's pieces are found once for all its pairs.
    const prepared = doc.layers.map((layer) => layer && prepareLayer(layer.spans, doc.length));
    this.pairs.forEach(([ia, ib], p) => {
      const la = doc.layers[ia];
      const lb = doc.layers[ib];
      if (!la || !lb) return;
      const { exact, overlap } = matchLayers(prepared[ia]!, prepared[ib]!);
      const docExact = this.tally(p, exact, this.exact, this.exactByLabel);
      const docLenient = this.tally(p, overlap, this.lenient, this.lenientByLabel);
      docPairs.push({ a: names[ia]!, b: names[ib]!, exact: withScores(docExact), overlap: withScores(docLenient) });

      const aligned = alignPrepared(prepared[ia]!.spans, prepared[ib]!.spans);
      this.addAlignment(p, aligned, doc);
      this.addLinks(p, aligned, la.links, lb.links);
    });

    this.addAttributes(doc);
    const docUnits = unitsOf(doc, present);
    if (present.length === this.k) {
      for (const u of docUnits) this.units.push({ ...u, begin: u.begin + this.continuum });
      this.continuum += doc.length;
      this.unitizedDocuments++;
    }
    this.byDocument.push({
      id: doc.id,
      name: doc.name,
      annotators: present.map((i) => names[i]!),
      characters: coefficientsOf([...docItems.values()], present, names),
      unitizing: unitizingAlpha({ raters: present.length, begin: 0, length: doc.length, units: docUnits }).overall,
      spans: docPairs,
    });
  }

  /** Adds pair `p`'s counts of one document (by label) to the corpus's and the labels'; returns the document's. */
  private tally(p: number, counts: Map<string, MatchCounts>, corpus: MatchCounts[], byLabel: Map<string, MatchCounts[]>): MatchCounts {
    let doc = NO_MATCHES;
    for (const [label, c] of counts) {
      doc = addCounts(doc, c);
      corpus[p] = addCounts(corpus[p]!, c);
      const list = byLabel.get(label) ?? this.pairs.map(() => NO_MATCHES);
      list[p] = addCounts(list[p]!, c);
      byLabel.set(label, list);
    }
    return doc;
  }

  private addAlignment(p: number, aligned: readonly Aligned[], doc: AgreementDocument): void {
    const [ia, ib] = this.pairs[p]!;
    const cells = this.confusion[p]!;
    for (const x of aligned) {
      const la = x.a?.label ?? null;
      const lb = x.b?.label ?? null;
      let row = cells.get(la);
      if (!row) cells.set(la, (row = new Map()));
      row.set(lb, (row.get(lb) ?? 0) + 1);
      if (x.kind) {
        this.disagreements.push({
          document: doc.id,
          documentName: doc.name,
          a: this.annotators[ia]!,
          b: this.annotators[ib]!,
          kind: x.kind,
          spanA: x.a && placeOf(x.a),
          spanB: x.b && placeOf(x.b),
        });
      }
    }
  }

  /** Links of each annotator whose two ends are spans both annotators agree on; matched by type and ends. */
  private addLinks(p: number, aligned: readonly Aligned[], linksA: readonly AgreementLink[], linksB: readonly AgreementLink[]): void {
    const aToB = new Map<string, string>();
    for (const x of aligned) if (x.kind === null && x.a && x.b) aToB.set(x.a.id, x.b.id);
    const bIds = new Set(aToB.values());
    const mappedA = linksA.filter((l) => aToB.has(l.from) && aToB.has(l.to));
    const mappedB = linksB.filter((l) => bIds.has(l.from) && bIds.has(l.to));
    const inB = new Map<string, number>();
    for (const l of mappedB) {
      const key = JSON.stringify([l.type, l.from, l.to]);
      inB.set(key, (inB.get(key) ?? 0) + 1);
    }
    let matched = 0;
    for (const l of mappedA) {
      const key = JSON.stringify([l.type, aToB.get(l.from), aToB.get(l.to)]);
      const left = inB.get(key) ?? 0;
      if (left > 0) {
        matched++;
        inB.set(key, left - 1);
      }
    }
    this.links[p] = addCounts(this.links[p]!, { spansA: mappedA.length, spansB: mappedB.length, foundA: matched, foundB: matched });
  }

  /** Attribute items: one per span that two or more annotators drew alike (same label and pieces). */
  private addAttributes(doc: AgreementDocument): void {
    // Nothing to pair when no span of the document has an attribute value.
    if (!doc.layers.some((layer) => layer?.spans.some((s) => s.attrs && Object.keys(s.attrs).length > 0))) return;
    const units = new Map<string, (AgreementSpan | null)[]>();
    doc.layers.forEach((layer, who) => {
      const seen = new Map<string, number>();
      for (const span of layer?.spans ?? []) {
        // The label, then the pieces (a label has no control characters: the key is unambiguous).
        const base = `${span.label}\u0000${piecesOf(span, doc.length).join(';')}`;
        const n = seen.get(base) ?? 0;
        seen.set(base, n + 1);
        const key = `${base}#${n}`;
        let unit = units.get(key);
        if (!unit) units.set(key, (unit = doc.layers.map(() => null)));
        unit[who] = span;
      }
    });
    for (const unit of units.values()) {
      if (unit.filter(Boolean).length < 2) continue;
      // Attributes belong to a label in the schema: quote.kind and pledge.kind are two figures.
      const label = unit.find(Boolean)!.label;
      const names = new Set(unit.flatMap((s) => Object.keys(s?.attrs ?? {})));
      for (const name of names) {
        const key = `${label}.${name}`;
        let items = this.attributeItems.get(key);
        if (!items) this.attributeItems.set(key, (items = new Map()));
        addItems(items, [{ values: unit.map((s) => (s ? attrValue(s.attrs?.[name]) : null)), weight: 1 }]);
      }
    }
  }

  report(): AgreementReport {
    const names = this.annotators;
    const pairScores = (exact: readonly MatchCounts[], lenient: readonly MatchCounts[]): PairScores[] =>
      this.pairs.map(([a, b], p) => ({ a: names[a]!, b: names[b]!, exact: withScores(exact[p]!), overlap: withScores(lenient[p]!) }));
    const pairs = pairScores(this.exact, this.lenient);
    const spanLabels = [...new Set([...this.labels, ...this.exactByLabel.keys()])];
    const none = this.pairs.map(() => NO_MATCHES);
    const unitizing = unitizingAlpha({ raters: this.k, begin: 0, length: this.continuum, units: this.units });
    const noUnits: UnitizingFigure = { value: null, observed: 0, expected: 0 };
    return {
      annotators: [...names],
      labels: [...this.labels],
      documents: this.documents,
      characters: {
        corpus: coefficientsOf([...this.corpusItems.values()], this.all, names),
        byLabel: Object.fromEntries(this.labels.map((l) => [l, coefficientsOf([...this.labelItems.get(l)!.values()], this.all, names)])),
      },
      unitizing: {
        documents: this.unitizedDocuments,
        corpus: unitizing.overall,
        byLabel: Object.fromEntries(spanLabels.map((l) => [l, unitizing.byCategory.get(l) ?? noUnits])),
      },
      spans: {
        pairs,
        byLabel: Object.fromEntries(spanLabels.map((l) => [l, pairScores(this.exactByLabel.get(l) ?? none, this.lenientByLabel.get(l) ?? none)])),
        meanF1: { exact: meanOf(pairs.map((p) => p.exact.f1)), overlap: meanOf(pairs.map((p) => p.overlap.f1)) },
      },
      links: this.pairs.map(([a, b], p) => ({ a: names[a]!, b: names[b]!, ...withScores(this.links[p]!) })),
      attributes: Object.fromEntries([...this.attributeItems].map(([name, items]) => [name, coefficientsOf([...items.values()], this.all, names)])),
      confusion: this.pairs.map(([a, b], p) => ({
        a: names[a]!,
        b: names[b]!,
        cells: [...this.confusion[p]!]
          .flatMap(([la, row]) => [...row].map(([lb, count]) => ({ a: la, b: lb, count })))
          // Code-point order: the same in every locale, so the CSV/JSON do not change with the user's
          // (no label, null, sorts as "null" and after a label of that name).
          .sort(
            (x, y) =>
              compareCodePoints(String(x.a), String(y.a)) ||
              Number(x.a === null) - Number(y.a === null) ||
              compareCodePoints(String(x.b), String(y.b)) ||
              Number(x.b === null) - Number(y.b === null),
          ),
      })),
      byDocument: this.byDocument,
      disagreements: this.disagreements,
    };
  }
}
