/**
 * View › Agreement: how far the corpus's annotators agree (docs/agreement.md), between those ticked:
 * a table by label (κ, α, unitizing α, span F1), the pairs, a plot of α by label and of the documents
 * that agree least, the label confusion of a pair and the disagreements, each one click from its text.
 * The report saves as CSV (the figures, as `loupe agreement --format csv` writes them) or JSON.
 */
import { type ReactNode, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AgreementSummary, LoupeApi } from '../../shared/contract';
import type { HostBridge } from '../../shared/host';
import { type AgreementReport, type Disagreement, documentsByAgreement, meanF1 } from '../../shared/agreement/report';
import { disagreementRows, DISAGREEMENT_HEADER, FIGURE_HEADER, figureRows } from '../../shared/agreement/table';
import { csvFile } from '../../shared/csv';
import { describeError } from '../i18n';
import { useEscape } from './useEscape';

interface Props {
  api: LoupeApi;
  host: HostBridge;
  corpusName: string;
  onShow(documentId: number, annotator: string, spanId: string): void;
  /** A document of the report, every layer side by side. */
  onShowDocument(documentId: number): void;
  /** Accept all agreed (into a gold layer) between these annotators; true when something was done. */
  onAcceptAgreed(annotators: string[]): Promise<boolean>;
  onClose(): void;
}

/** How many disagreements are listed (the CSV has them all). */
const LISTED = 200;

const fig = (v: number | null | undefined): string => (v === null || v === undefined ? '–' : v.toFixed(3));

/** `name` cut to about `width` half-width characters (a Chinese character counts two), with an ellipsis. */
function clip(name: string, width: number): string {
  let used = 0;
  let out = '';
  for (const c of name) {
    used += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]|[\u{20000}-\u{3fffd}]/u.test(c) ? 2 : 1;
    if (used > width) return `${out}…`;
    out += c;
  }
  return out;
}

/** Horizontal bars of values in [-1, 1] (α, κ), with their names; a missing value is drawn as such. */
/** A table of figures: a caption, the columns' names, and a row per thing (its name, then its figures). */
function FigureTable({ caption, columns, rows }: { caption: string; columns: string[]; rows: { key: string; head: ReactNode; cells: string[] }[] }) {
  return (
    <table className="agreement-table">
      <caption>{caption}</caption>
      <thead>
        <tr>
          {columns.map((c) => (
            <th key={c} scope="col">
              {c}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.key}>
            <th scope="row">{r.head}</th>
            {r.cells.map((cell, i) => (
              <td key={i}>{cell}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Bars({ title, rows }: { title: string; rows: { name: string; value: number | null }[] }) {
  const width = 240;
  const row = 20;
  const zero = width / 2;
  return (
    <figure className="agreement-plot">
      <figcaption>{title}</figcaption>
      <svg role="img" aria-label={title} width={width + 210} height={rows.length * row + 6}>
        <line x1={160 + zero} x2={160 + zero} y1={0} y2={rows.length * row} stroke="#888" />
        {rows.map((r, i) => {
          const v = r.value === null ? 0 : Math.max(-1, Math.min(1, r.value));
          const x = 160 + (v < 0 ? zero + v * zero : zero);
          return (
            <g key={`${r.name}-${i}`} transform={`translate(0 ${i * row})`}>
              <text x={155} y={14} textAnchor="end" fontSize={12}>
                {clip(r.name, 24)}
              </text>
              <rect x={x} y={4} width={Math.abs(v) * zero} height={12} fill={v < 0 ? '#c92a2a' : '#1c7ed6'} />
              <text x={160 + width + 4} y={14} fontSize={12}>
                {fig(r.value)}
              </text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}

export function AgreementDialog({ api, host, corpusName, onShow, onShowDocument, onAcceptAgreed, onClose }: Props) {
  const { t } = useTranslation();
  const [summary, setSummary] = useState<AgreementSummary | null>(null);
  const [chosen, setChosen] = useState<string[] | null>(null);
  const [pair, setPair] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  /** Bumped to read the report again (after a gold layer changed). */
  const [round, setRound] = useState(0);
  const closeRef = useRef<HTMLButtonElement>(null);
  useEscape(onClose);
  useEffect(() => closeRef.current?.focus(), []);

  // The report between the annotators ticked (all of them at first).
  useEffect(() => {
    let live = true;
    api.agreement(chosen ? { annotators: chosen } : {}).then(
      (s) => {
        if (!live) return;
        setError(null);
        setSummary(s);
        setPair(0);
        if (!chosen) setChosen(s.annotators.map((a) => a.name));
      },
      (e: unknown) => live && setError(describeError(e)),
    );
    return () => {
      live = false;
    };
  }, [api, chosen, round]);

  const report: AgreementReport | null = summary?.report ?? null;
  const toggle = (name: string) => setChosen((c) => (c?.includes(name) ? c.filter((n) => n !== name) : [...(c ?? []), name]));

  const save = async (kind: 'csv' | 'json') => {
    if (!report || !summary) return;
    // The dialog's report lists the first disagreements only: the files need them all.
    const full = await api.agreement({ annotators: report.annotators });
    const whole = full.report!;
    let ok: boolean;
    if (kind === 'json') ok = await host.saveTextFile(`${corpusName}.agreement.json`, `${JSON.stringify({ ...whole, unattributedSpans: full.unattributedSpans })}\n`);
    else {
      ok = await host.saveTextFile(`${corpusName}.agreement.csv`, csvFile(FIGURE_HEADER, figureRows(whole)));
      if (ok) ok = await host.saveTextFile(`${corpusName}.agreement.disagreements.csv`, csvFile(DISAGREEMENT_HEADER, disagreementRows(whole)));
    }
    if (ok) setSaved(t('agreement.saved'));
  };

  const labelRows = report
    ? [
        { name: t('agreement.allLabels'), c: report.characters.corpus, u: report.unitizing.corpus, spans: report.spans.pairs },
        ...report.labels.map((l) => ({ name: l, c: report.characters.byLabel[l]!, u: report.unitizing.byLabel[l], spans: report.spans.byLabel[l] })),
      ]
    : [];
  // Every document compared, least agreement first (α; those without a figure last); the files have them all.
  const docRows = report ? documentsByAgreement(report.byDocument) : [];
  const worstDocs = docRows.slice(0, 15);
  const attributeRows = report ? Object.entries(report.attributes) : [];
  const confusion = report?.confusion[pair];
  const showDisagreement = (d: Disagreement) => {
    const span = d.spanA ?? d.spanB!;
    onShow(d.document, d.spanA ? d.a : d.b, span.id);
  };

  return (
    <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
    <div className="dialog agreement-dialog" role="dialog" aria-modal="true" aria-label={t('agreement.title')}>
      <h2>{t('agreement.title')}</h2>
      {error && <p className="dialog-error">{error}</p>}
      {summary && summary.annotators.length < 2 && <p>{t('agreement.needTwo', { count: summary.annotators.length })}</p>}
      {summary && summary.annotators.length >= 2 && (
        <fieldset className="agreement-annotators">
          <legend>{t('agreement.annotators')}</legend>
          {summary.annotators.map((a) => (
            <label key={a.name}>
              <input type="checkbox" checked={chosen?.includes(a.name) ?? false} onChange={() => toggle(a.name)} />{' '}
              {t('agreement.annotator', { name: a.name, documents: a.documents, spans: a.spans })}
            </label>
          ))}
        </fieldset>
      )}
      {summary && !report && summary.annotators.length >= 2 && <p>{t('agreement.tickTwo')}</p>}
      {report && (
        <>
          <p>
            {t('agreement.compared', { documents: report.documents, unitized: report.unitizing.documents })}
            {summary!.unattributedSpans > 0 && ` ${t('agreement.unattributed', { count: summary!.unattributedSpans })}`}
          </p>
          <FigureTable
            caption={t('agreement.byLabel')}
            columns={[t('agreement.label'), t('agreement.meanCohen'), t('agreement.fleiss'), t('agreement.alpha'), t('agreement.alphaU'), t('agreement.exactF1'), t('agreement.overlapF1')]}
            rows={labelRows.map((r) => ({
              key: r.name,
              head: r.name,
              cells: [fig(r.c.meanCohen.value), fig(r.c.fleiss.value), fig(r.c.alpha.value), fig(r.u?.value), fig(meanF1(r.spans, 'exact')), fig(meanF1(r.spans, 'overlap'))],
            }))}
          />
          <FigureTable
            caption={t('agreement.pairs')}
            columns={[t('agreement.pair'), t('agreement.cohen'), t('agreement.exactPRF'), t('agreement.overlapF1'), t('agreement.linksF1')]}
            rows={report.spans.pairs.map((p, i) => ({
              key: `${p.a}|${p.b}`,
              head: `${p.a} – ${p.b}`,
              cells: [
                fig(report.characters.corpus.cohen[i]?.kappa.value),
                `${fig(p.exact.f1)} (${fig(p.exact.precision)} / ${fig(p.exact.recall)})`,
                fig(p.overlap.f1),
                fig(report.links[i]?.f1),
              ],
            }))}
          />
          {attributeRows.length > 0 && (
            <FigureTable
              caption={t('agreement.attributes')}
              columns={[t('agreement.attribute'), t('agreement.meanCohen'), t('agreement.fleiss'), t('agreement.alpha'), t('agreement.spans')]}
              rows={attributeRows.map(([name, c]) => ({
                key: name,
                head: name,
                cells: [fig(c.meanCohen.value), fig(c.fleiss.value), fig(c.alpha.value), String(c.alpha.items)],
              }))}
            />
          )}
          {docRows.length > 0 && (
            <div className="agreement-scroll">
              <FigureTable
                caption={t('agreement.byDocument', { shown: Math.min(docRows.length, LISTED), count: docRows.length })}
                columns={[t('agreement.document'), t('agreement.meanCohen'), t('agreement.alpha'), t('agreement.alphaU'), t('agreement.exactF1'), t('agreement.overlapF1')]}
                rows={docRows.slice(0, LISTED).map((d) => ({
                  key: String(d.id),
                  head: (
                    <button type="button" className="link-button" title={t('agreement.showDocument')} onClick={() => onShowDocument(d.id)}>
                      {d.name}
                    </button>
                  ),
                  cells: [fig(d.characters.meanCohen.value), fig(d.characters.alpha.value), fig(d.unitizing.value), fig(meanF1(d.spans, 'exact')), fig(meanF1(d.spans, 'overlap'))],
                }))}
              />
            </div>
          )}
          <div className="agreement-plots">
            <Bars title={t('agreement.plotLabels')} rows={labelRows.map((r) => ({ name: r.name, value: r.c.alpha.value }))} />
            <Bars title={t('agreement.plotDocuments')} rows={worstDocs.map((d) => ({ name: d.name, value: d.characters.alpha.value }))} />
          </div>
          {confusion && (
            <section>
              <h3>
                {t('agreement.confusion')}{' '}
                {report.confusion.length > 1 && (
                  <select aria-label={t('agreement.pair')} value={pair} onChange={(e) => setPair(Number(e.target.value))}>
                    {report.confusion.map((c, i) => (
                      <option key={`${c.a}|${c.b}`} value={i}>
                        {c.a} – {c.b}
                      </option>
                    ))}
                  </select>
                )}
              </h3>
              <table className="agreement-table">
                <thead>
                  <tr>
                    <th scope="col">{confusion.a}</th>
                    <th scope="col">{confusion.b}</th>
                    <th scope="col">{t('agreement.spans')}</th>
                  </tr>
                </thead>
                <tbody>
                  {confusion.cells.map((c) => (
                    <tr key={`${c.a}|${c.b}`}>
                      <td>{c.a ?? t('agreement.none')}</td>
                      <td>{c.b ?? t('agreement.none')}</td>
                      <td>{c.count}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          )}
          <section>
            <h3>{t('agreement.disagreements', { count: summary!.disagreements })}</h3>
            <ul className="agreement-disagreements">
              {report.disagreements.slice(0, LISTED).map((d, i) => (
                <li key={i}>
                  <button type="button" onClick={() => showDisagreement(d)}>
                    {t(`agreement.kind.${d.kind}`)} · {d.documentName} · {d.a}: {d.spanA ? `${d.spanA.label} ${d.spanA.start}–${d.spanA.end}` : '–'} · {d.b}:{' '}
                    {d.spanB ? `${d.spanB.label} ${d.spanB.start}–${d.spanB.end}` : '–'}
                  </button>
                </li>
              ))}
            </ul>
          </section>
        </>
      )}
      {saved && <p role="status">{saved}</p>}
      <div className="dialog-buttons">
        <button
          type="button"
          disabled={!report}
          onClick={() =>
            void onAcceptAgreed(report?.annotators ?? []).then(
              (done) => done && setRound((r) => r + 1),
              (e: unknown) => setError(describeError(e)),
            )
          }
        >
          {t('agreement.acceptAgreed')}
        </button>
        <button type="button" disabled={!report} onClick={() => void save('csv').catch((e: unknown) => setError(describeError(e)))}>
          {t('agreement.saveCsv')}
        </button>
        <button type="button" disabled={!report} onClick={() => void save('json').catch((e: unknown) => setError(describeError(e)))}>
          {t('agreement.saveJson')}
        </button>
        <button type="button" ref={closeRef} onClick={onClose}>
          {t('dialog.close')}
        </button>
      </div>
    </div>
    </div>
  );
}
