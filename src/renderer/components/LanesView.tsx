/**
 * A document's layers side by side (issue 15): the text once, and under each line one lane per
 * annotator (and the gold layer last), each span a bar of its label's colour. In curation mode the
 * clusters the curator decides on (see shared/curation.ts) are marked, and the keyboard settles them:
 * next/previous disagreement, accept annotator 1…9's version, reject, edit in the gold layer.
 *
 * The bars are background images of inline runs of text (one run per stretch between span edges), so
 * they wrap with the text, Chinese lines included; each run is top-aligned in a line box tall enough
 * for its lanes.
 */
import { useEffect, useMemo, useRef, useState, type CSSProperties, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { candidateKey, type CurationCandidate, type CurationCluster, type CurationView } from '../../shared/curation';
import type { CurationStatus, Label } from '../../shared/types';
import { documentLanguage } from '../editor/language';
import type { LanesState } from '../state/appController';

interface Props {
  lanes: LanesState;
  labels: readonly Label[];
  readOnly: boolean;
  onClose(): void;
  onCurate(spans: string[], accept: string[]): void;
  onStatus(status: CurationStatus): void;
  onAcceptAgreed(): void;
  onEdit(range: [number, number], spanId: string | null): void;
  onStartCuration(): void;
  onHelp(): void;
}

interface Row {
  layer: string;
  gold: boolean;
}

interface Segment {
  start: number;
  text: string;
  bars: { row: number; label: string }[];
  clusters: number[];
}

const BAR = 3;
const STEP = 5;

/** Lanes (rows) of every layer, and the text cut at every span and cluster edge. */
function layout(view: CurationView, withGold: boolean): { rows: Row[]; paragraphs: Segment[][] } {
  const chars = Array.from(view.text);
  const layers = [...view.layers.map((l) => ({ layer: l, gold: false })), ...(withGold ? [{ layer: view.goldLayer, gold: true }] : [])];
  const rows: Row[] = [];
  const placed: { row: number; label: string; fragments: [number, number][] }[] = [];
  for (const { layer, gold } of layers) {
    // Spans of one layer that overlap (a pledge inside a quote) go on rows of their own.
    const ends: number[] = [];
    const spans = [...layer.spans].sort((a, b) => a.fragments[0]![0] - b.fragments[0]![0]);
    const first = rows.length;
    for (const s of spans) {
      const start = s.fragments[0]![0];
      const end = s.fragments[s.fragments.length - 1]![1];
      let depth = ends.findIndex((e) => e <= start);
      if (depth < 0) depth = ends.push(end) - 1;
      else ends[depth] = end;
      placed.push({ row: first + depth, label: s.label, fragments: s.fragments });
    }
    for (let d = 0; d < Math.max(1, ends.length); d++) rows.push({ layer: layer.annotator, gold });
  }
  const cuts = new Set<number>([0, chars.length]);
  chars.forEach((c, i) => {
    if (c === '\n') cuts.add(i).add(i + 1);
  });
  for (const p of placed) for (const [s, e] of p.fragments) cuts.add(s).add(e);
  for (const c of view.clusters) cuts.add(c.start).add(c.end);
  const edges = [...cuts].filter((c) => c >= 0 && c <= chars.length).sort((a, b) => a - b);
  const at = new Map(edges.map((e, i) => [e, i]));
  const segments: Segment[] = edges.slice(0, -1).map((s, i) => ({ start: s, text: chars.slice(s, edges[i + 1]).join(''), bars: [], clusters: [] }));
  for (const p of placed) for (const [s, e] of p.fragments) for (let i = at.get(s)!; i < at.get(e)!; i++) segments[i]!.bars.push({ row: p.row, label: p.label });
  view.clusters.forEach((c, ci) => {
    for (let i = at.get(c.start)!; i < at.get(c.end)!; i++) segments[i]!.clusters.push(ci);
  });
  const paragraphs: Segment[][] = [[]];
  for (const seg of segments) {
    if (seg.text === '\n') paragraphs.push([]);
    else paragraphs[paragraphs.length - 1]!.push(seg);
  }
  return { rows, paragraphs };
}

const excerpt = (chars: readonly string[], c: CurationCandidate): string => c.fragments.map(([s, e]) => chars.slice(s, e).join('')).join(' … ');

/** The open clusters' indices, or every cluster's, in text order. */
const indices = (clusters: readonly CurationCluster[], openOnly: boolean): number[] => clusters.flatMap((c, i) => (!openOnly || !c.resolved ? [i] : []));

export function LanesView(props: Props) {
  const { t } = useTranslation();
  const { lanes, labels, readOnly } = props;
  const { view, mode, busy } = lanes;
  const curating = mode === 'curate';
  // Viewing every layer, a gold layer shows only where there is one.
  const withGold = curating || view.goldLayer.spans.length > 0;
  const { rows, paragraphs } = useMemo(() => layout(view, withGold), [view, withGold]);
  const chars = useMemo(() => Array.from(view.text), [view.text]);
  const colours = useMemo(() => new Map(labels.map((l) => [l.name, l.color])), [labels]);
  const [current, setCurrent] = useState(() => indices(view.clusters, true)[0] ?? (view.clusters.length ? 0 : -1));
  const advanceFrom = useRef<number | null>(null);
  const box = useRef<HTMLDivElement>(null);

  // After a decision, on to the next open cluster (from where the curator was).
  useEffect(() => {
    const from = advanceFrom.current;
    advanceFrom.current = null;
    if (from === null) {
      setCurrent((c) => Math.min(c, view.clusters.length - 1));
      return;
    }
    const open = indices(view.clusters, true);
    setCurrent(open.find((i) => view.clusters[i]!.start >= from) ?? open[0] ?? Math.min(Math.max(0, current), view.clusters.length - 1));
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only a new view moves on
  }, [view]);

  useEffect(() => box.current?.focus(), []);
  // A button disabled while a step is stored lets go of the keyboard: it comes back to the view.
  useEffect(() => {
    if (!busy && (document.activeElement === null || document.activeElement === document.body)) box.current?.focus({ preventScroll: true });
  }, [busy]);
  useEffect(() => {
    box.current?.querySelector('[data-first-of-current]')?.scrollIntoView({ block: 'nearest' });
  }, [current, view]);

  const cluster: CurationCluster | undefined = view.clusters[current];
  const totalRows = rows.length;
  const pad = totalRows * STEP + 2;
  const textStyle = { '--lanes-pad': `${pad}px` } as CSSProperties;

  const move = (step: 1 | -1, openOnly: boolean) => {
    const list = indices(view.clusters, openOnly);
    if (!list.length) return;
    const next = step > 0 ? list.find((i) => i > current) ?? list[0]! : [...list].reverse().find((i) => i < current) ?? list[list.length - 1]!;
    setCurrent(next);
  };
  const spansOf = (c: CurationCluster) => c.candidates.flatMap((x) => x.spans.map((s) => s.id));
  const decide = (accepted: CurationCandidate[]) => {
    if (!cluster || readOnly || busy) return;
    advanceFrom.current = cluster.start;
    props.onCurate(spansOf(cluster), accepted.flatMap((x) => x.spans.map((s) => s.id)));
  };
  const acceptAnnotator = (k: number) => {
    const layer = view.layers[k];
    if (!cluster || !layer) return;
    decide(cluster.candidates.filter((c) => c.spans.some((s) => s.annotator === layer.annotator)));
  };
  const acceptMost = () => {
    if (!cluster) return;
    const most = Math.max(...cluster.candidates.map((c) => c.spans.length));
    const top = cluster.candidates.filter((c) => c.spans.length === most);
    if (top.length === 1) decide(top);
  };
  const edit = () => {
    if (!cluster || readOnly || busy) return;
    const inGold = cluster.candidates.find((c) => c.gold)?.gold ?? null;
    props.onEdit([cluster.start, cluster.end], inGold);
  };

  const onKey = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    // On a button (one just clicked), Enter and Space are the button's; every other key is the view's.
    const target = event.target as HTMLElement;
    if (target.closest('select, input, textarea')) return;
    if (target.closest('button') && (event.key === 'Enter' || event.key === ' ')) return;
    const key = event.key;
    let handled = true;
    if (key === 'Escape') props.onClose();
    else if (key === '?') props.onHelp();
    else if (key === 'n' || key === 'ArrowDown' || key === 'j') move(1, curating);
    else if (key === 'p' || key === 'ArrowUp' || key === 'k') move(-1, curating);
    else if (key === 'ArrowRight') move(1, false);
    else if (key === 'ArrowLeft') move(-1, false);
    else if (!curating && key === 'c') props.onStartCuration();
    else if (curating && /^[1-9]$/.test(key)) acceptAnnotator(Number(key) - 1);
    else if (curating && (key === 'a' || key === 'Enter')) acceptMost();
    else if (curating && (key === 'x' || key === 'Delete' || key === 'Backspace')) decide([]);
    else if (curating && key === 'e') edit();
    else if (curating && key === 'g' && !readOnly) props.onAcceptAgreed();
    else if (curating && key === 'd' && !readOnly) props.onStatus(view.status === 'done' ? 'in_progress' : 'done');
    else handled = false;
    if (handled) event.preventDefault();
  };

  const segmentStyle = (seg: Segment): CSSProperties | undefined => {
    if (!seg.bars.length) return undefined;
    const images = seg.bars.map((b) => {
      const c = colours.get(b.label) ?? '#888';
      return `linear-gradient(${c}, ${c})`;
    });
    return {
      backgroundImage: images.join(', '),
      backgroundSize: seg.bars.map(() => `100% ${BAR}px`).join(', '),
      backgroundPosition: seg.bars.map((b) => `0 calc(100% - ${(totalRows - 1 - b.row) * STEP + 1}px)`).join(', '),
    };
  };
  const segmentClass = (seg: Segment): string => {
    const classes = ['lanes-seg'];
    if (seg.clusters.includes(current)) classes.push('is-current');
    else if (view.layers.length > 1 && seg.clusters.some((c) => !view.clusters[c]!.resolved && !view.clusters[c]!.agreed)) classes.push('is-disputed');
    else if (curating && seg.clusters.some((c) => !view.clusters[c]!.resolved)) classes.push('is-agreed-open');
    return classes.join(' ');
  };
  const selectAt = (seg: Segment) => {
    if (!seg.clusters.length) return;
    // The innermost cluster under the click.
    const best = [...seg.clusters].sort((a, b) => view.clusters[a]!.end - view.clusters[a]!.start - (view.clusters[b]!.end - view.clusters[b]!.start))[0]!;
    setCurrent(best);
  };

  const statusText = view.status === 'done' ? t('lanes.statusDone') : view.status === 'in_progress' ? t('lanes.statusInProgress') : t('lanes.statusNone');
  let firstOfCurrent = false;

  return (
    <div
      className="lanes-view"
      ref={box}
      tabIndex={0}
      role="region"
      aria-label={curating ? t('lanes.curateLabel', { title: view.title, gold: view.gold }) : t('lanes.allLabel', { title: view.title })}
      aria-busy={busy}
      onKeyDown={onKey}
    >
      <div className="lanes-head">
        <h2>{curating ? t('lanes.curateHeading', { title: view.title, gold: view.gold }) : t('lanes.allHeading', { title: view.title })}</h2>
        <ol className="lanes-legend" aria-label={t('lanes.legend')}>
          {view.layers.map((l, i) => (
            <li key={l.annotator}>
              <kbd>{i + 1}</kbd> {l.annotator} <span className="lanes-count">({l.spans.length})</span>
            </li>
          ))}
          {withGold && (
            <li className="is-gold">
              ★ {view.gold} <span className="lanes-count">({view.goldLayer.spans.length})</span>
            </li>
          )}
        </ol>
        <p className="lanes-summary" role="status">
          {t('lanes.summary', { ...view.counts })}
          {curating && ` · ${statusText}`}
        </p>
        <div className="lanes-actions">
          {curating ? (
            <>
              <button type="button" disabled={readOnly || busy} onClick={() => props.onAcceptAgreed()}>
                {t('lanes.acceptAgreed')} <kbd>G</kbd>
              </button>
              <button type="button" disabled={readOnly || busy} onClick={() => props.onStatus(view.status === 'done' ? 'in_progress' : 'done')}>
                {view.status === 'done' ? t('lanes.reopen') : t('lanes.markDone')} <kbd>D</kbd>
              </button>
            </>
          ) : (
            <button type="button" onClick={() => props.onStartCuration()}>
              {t('lanes.startCuration')} <kbd>C</kbd>
            </button>
          )}
          <button type="button" onClick={() => props.onClose()}>
            {t('lanes.close')} <kbd>Esc</kbd>
          </button>
        </div>
      </div>
      <div className="lanes-body">
        <div className="lanes-text" style={textStyle} lang={documentLanguage(view)}>
          {paragraphs.map((segments, pi) => (
            <p key={pi}>
              {segments.length === 0
                ? '\u00a0'
                : segments.map((seg) => {
                    const mark = seg.clusters.includes(current) && !firstOfCurrent;
                    if (mark) firstOfCurrent = true;
                    return (
                      <span
                        key={seg.start}
                        className={segmentClass(seg)}
                        style={segmentStyle(seg)}
                        data-start={seg.start}
                        {...(mark ? { 'data-first-of-current': '' } : {})}
                        onClick={() => selectAt(seg)}
                      >
                        {seg.text}
                      </span>
                    );
                  })}
            </p>
          ))}
        </div>
        {cluster && (
          <aside className="lanes-cluster" aria-label={t('lanes.clusterLabel')}>
            <h3>
              {t('lanes.cluster', { n: current + 1, total: view.clusters.length })}{' '}
              {view.layers.length < 2 ? (
                <span className="lanes-badge">{t('lanes.oneLayer')}</span>
              ) : (
                <span className={`lanes-badge ${cluster.agreed ? 'is-agreed' : 'is-disputed'}`}>{cluster.agreed ? t('lanes.agreed') : t('lanes.disputed')}</span>
              )}{' '}
              {curating && <span className={`lanes-badge ${cluster.resolved ? 'is-resolved' : 'is-open'}`}>{cluster.resolved ? t('lanes.resolved') : t('lanes.open')}</span>}
            </h3>
            <ul>
              {view.layers.map((l, i) => {
                const mine = cluster.candidates.filter((c) => c.spans.some((s) => s.annotator === l.annotator));
                return (
                  <li key={l.annotator}>
                    <span className="lanes-who">
                      <kbd>{i + 1}</kbd> {l.annotator}
                    </span>
                    {mine.length === 0 ? (
                      <span className="lanes-none">{t('lanes.nothing')}</span>
                    ) : (
                      mine.map((c) => (
                        <span key={candidateKey(c.label, c.fragments)} className="lanes-candidate">
                          <span className="lanes-label" style={{ borderColor: colours.get(c.label) ?? '#888' }}>
                            {c.label}
                          </span>{' '}
                          «{excerpt(chars, c)}» <span className="lanes-count">{c.fragments.map(([s, e]) => `${s}–${e}`).join(', ')}</span>
                          {c.gold && <span className="lanes-badge is-gold"> ★ {view.gold}</span>}
                          {c.decision === 'rejected' && !c.gold && <span className="lanes-badge is-rejected"> {t('lanes.rejected')}</span>}
                        </span>
                      ))
                    )}
                    {curating && (
                      <button type="button" disabled={readOnly || busy} onClick={() => acceptAnnotator(i)}>
                        {mine.length ? t('lanes.acceptThis', { name: l.annotator }) : t('lanes.acceptNothing', { name: l.annotator })}
                      </button>
                    )}
                  </li>
                );
              })}
            </ul>
            {curating && (
              <div className="lanes-actions">
                <button type="button" disabled={readOnly || busy} onClick={() => decide([])}>
                  {t('lanes.reject')} <kbd>X</kbd>
                </button>
                <button type="button" disabled={readOnly || busy} onClick={edit}>
                  {t('lanes.edit', { gold: view.gold })} <kbd>E</kbd>
                </button>
              </div>
            )}
            <p className="lanes-keys">{curating ? t('lanes.keysCurate') : t('lanes.keysAll')}</p>
          </aside>
        )}
        {!cluster && <p className="lanes-empty">{t('lanes.noClusters')}</p>}
      </div>
    </div>
  );
}
