/**
 * The agreement report as flat tables, for CSV (and a data scientist's pandas): every figure one row
 * of FIGURE_HEADER (long format: filter by section, label, measure), and the disagreements one row
 * each with the two spans' places, in code points, to find them in the text.
 */
import type { Coefficients, AgreementReport, PairScores } from './report';
import type { UnitizingFigure } from './unitizing';

export const FIGURE_HEADER = ['section', 'document_id', 'document', 'label', 'label_b', 'measure', 'annotator_a', 'annotator_b', 'value', 'items'] as const;

export const DISAGREEMENT_HEADER = [
  'document_id',
  'document',
  'annotator_a',
  'annotator_b',
  'kind',
  'span_a',
  'label_a',
  'start_a',
  'end_a',
  'span_b',
  'label_b',
  'start_b',
  'end_b',
] as const;

type Cell = string | number | null;

interface Scope {
  section: string;
  documentId: number | null;
  document: string | null;
  label: string | null;
}

function coefficientRows(scope: Scope, c: Coefficients): Cell[][] {
  const row = (measure: string, a: string | null, b: string | null, value: number | null, items: number): Cell[] => [
    scope.section,
    scope.documentId,
    scope.document,
    scope.label,
    null,
    measure,
    a,
    b,
    value,
    items,
  ];
  return [
    ...c.cohen.map((p) => row('cohen_kappa', p.a, p.b, p.kappa.value, p.kappa.items)),
    row('mean_cohen_kappa', null, null, c.meanCohen.value, c.meanCohen.items),
    row('davies_fleiss_kappa', null, null, c.daviesFleiss.value, c.daviesFleiss.items),
    row('fleiss_kappa', null, null, c.fleiss.value, c.fleiss.items),
    row('krippendorff_alpha', null, null, c.alpha.value, c.alpha.items),
  ];
}

function spanRows(scope: Scope, pairs: readonly PairScores[]): Cell[][] {
  return pairs.flatMap((p) =>
    (['exact', 'overlap'] as const).flatMap((kind) => {
      const s = p[kind];
      const row = (measure: string, value: number | null, items: number): Cell[] => [scope.section, scope.documentId, scope.document, scope.label, null, `${kind}_${measure}`, p.a, p.b, value, items];
      return [row('precision', s.precision, s.spansB), row('recall', s.recall, s.spansA), row('f1', s.f1, s.spansA + s.spansB)];
    }),
  );
}

const unitizingRow = (scope: Scope, u: UnitizingFigure): Cell[] => [scope.section, scope.documentId, scope.document, scope.label, null, 'unitizing_alpha', null, null, u.value, null];

/** Every figure of the report, one row each (FIGURE_HEADER). */
export function figureRows(report: AgreementReport): Cell[][] {
  const corpus = (section: string, label: string | null = null): Scope => ({ section, documentId: null, document: null, label });
  const rows: Cell[][] = [];
  rows.push(...coefficientRows(corpus('characters'), report.characters.corpus));
  for (const [label, c] of Object.entries(report.characters.byLabel)) rows.push(...coefficientRows(corpus('characters', label), c));
  rows.push(unitizingRow(corpus('unitizing'), report.unitizing.corpus));
  for (const [label, u] of Object.entries(report.unitizing.byLabel)) rows.push(unitizingRow(corpus('unitizing', label), u));
  rows.push(...spanRows(corpus('spans'), report.spans.pairs));
  for (const [label, pairs] of Object.entries(report.spans.byLabel)) rows.push(...spanRows(corpus('spans', label), pairs));
  for (const l of report.links) {
    for (const [measure, value, items] of [['precision', l.precision, l.spansB], ['recall', l.recall, l.spansA], ['f1', l.f1, l.spansA + l.spansB]] as const) {
      rows.push(['links', null, null, null, null, measure, l.a, l.b, value, items]);
    }
  }
  for (const [name, c] of Object.entries(report.attributes)) rows.push(...coefficientRows(corpus('attributes', name), c));
  for (const { a, b, cells } of report.confusion) for (const cell of cells) rows.push(['confusion', null, null, cell.a, cell.b, 'spans', a, b, cell.count, null]);
  for (const d of report.byDocument) {
    const scope = (section: string): Scope => ({ section, documentId: d.id, document: d.name, label: null });
    rows.push(...coefficientRows(scope('characters'), d.characters));
    rows.push(unitizingRow(scope('unitizing'), d.unitizing));
    rows.push(...spanRows(scope('spans'), d.spans));
  }
  return rows;
}

/** The disagreements, one row each (DISAGREEMENT_HEADER). */
export function disagreementRows(report: AgreementReport): Cell[][] {
  return report.disagreements.map((d) => [
    d.document,
    d.documentName,
    d.a,
    d.b,
    d.kind,
    d.spanA?.id ?? null,
    d.spanA?.label ?? null,
    d.spanA?.start ?? null,
    d.spanA?.end ?? null,
    d.spanB?.id ?? null,
    d.spanB?.label ?? null,
    d.spanB?.start ?? null,
    d.spanB?.end ?? null,
  ]);
}
