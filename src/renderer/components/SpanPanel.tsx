import { useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Label } from '../../shared/types';
import { type SpanList, spanListExcerpts } from '../editor/spanList';

interface Props {
  list: SpanList;
  labels: Label[];
  selectedId: string | null;
  onSelect(id: string): void;
}

/** Height of one row in CSS pixels (`.span-item` in styles.css has the same). */
export const SPAN_ROW_HEIGHT = 30;
/** Rows drawn above and below the visible ones, so fast scrolling shows no gaps. */
const OVERSCAN = 12;

/** The rows to draw: those in `viewport` (pixels below the list's top) and a margin around them. */
export function visibleRows(count: number, scrollTop: number, height: number, rowHeight = SPAN_ROW_HEIGHT): { first: number; last: number } {
  const shown = Math.ceil(Math.max(height, rowHeight) / rowHeight) + 2 * OVERSCAN;
  // Scrolled past the end (the list just got shorter): the last rows, not none.
  const first = Math.max(0, Math.min(Math.floor(scrollTop / rowHeight) - OVERSCAN, count - shown));
  return { first, last: Math.min(count, first + shown) };
}

/**
 * The open document's spans in text order; clicking one selects it in the editor. Only the rows in
 * view are in the DOM (a long report has tens of thousands of spans): the list keeps its full height
 * with padding, and each row has a fixed height.
 */
export function SpanPanel({ list, labels, selectedId, onSelect }: Props) {
  const { spans } = list;
  const { t } = useTranslation();
  const index = useMemo(() => new Map(labels.map((l, i) => [l.name, i])), [labels]);
  const panelRef = useRef<HTMLElement>(null);
  const listRef = useRef<HTMLOListElement>(null);
  const [viewport, setViewport] = useState({ top: 0, height: 800 });

  const measure = () => {
    const panel = panelRef.current;
    const list = listRef.current;
    if (!panel) return;
    const offset = list ? list.offsetTop - panel.offsetTop : 0;
    setViewport((v) => {
      const top = panel.scrollTop - offset;
      return v.top === top && v.height === panel.clientHeight ? v : { top, height: panel.clientHeight };
    });
  };

  useLayoutEffect(() => {
    const panel = panelRef.current;
    if (!panel) return;
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(panel);
    return () => observer.disconnect();
  }, []);

  // The selected span's row comes into view (the list may not have drawn it yet).
  const selectedIndex = useMemo(() => (selectedId === null ? -1 : spans.findIndex((s) => s.id === selectedId)), [spans, selectedId]);
  useLayoutEffect(() => {
    const panel = panelRef.current;
    const list = listRef.current;
    if (!panel || !list || selectedIndex < 0) return;
    const offset = list.offsetTop - panel.offsetTop;
    const rowTop = offset + selectedIndex * SPAN_ROW_HEIGHT;
    if (rowTop < panel.scrollTop) panel.scrollTop = rowTop;
    else if (rowTop + SPAN_ROW_HEIGHT > panel.scrollTop + panel.clientHeight) panel.scrollTop = rowTop + SPAN_ROW_HEIGHT - panel.clientHeight;
    // Only when the selection moves, not on every edit of the list.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [selectedId]);

  const { first, last } = visibleRows(spans.length, viewport.top, viewport.height);
  const rows = spans.slice(first, last);
  const excerpts = spanListExcerpts(list, rows);
  return (
    <aside className="span-panel" aria-label={t('spans.title')} ref={panelRef} onScroll={measure}>
      <h2>
        {t('spans.title')} <span className="count">{spans.length}</span>
      </h2>
      {spans.length === 0 ? (
        <p className="placeholder">{t('spans.empty')}</p>
      ) : (
        <ol
          ref={listRef}
          style={{ paddingTop: first * SPAN_ROW_HEIGHT, paddingBottom: (spans.length - last) * SPAN_ROW_HEIGHT }}
        >
          {rows.map((s, k) => (
            <li key={s.id} aria-setsize={spans.length} aria-posinset={first + k + 1}>
              <button
                type="button"
                className={`span-item lp-label-${index.get(s.label) ?? 0}`}
                aria-current={s.id === selectedId ? 'true' : undefined}
                data-span-id={s.id}
                title={excerpts[k]}
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => onSelect(s.id)}
              >
                <span className="swatch" aria-hidden="true" />
                <span className="span-label">{s.label}</span>
                <span className="span-excerpt">{excerpts[k]}</span>
                {s.fragments.length > 1 && <span className="span-fragments">{t('spans.fragments', { count: s.fragments.length })}</span>}
              </button>
            </li>
          ))}
        </ol>
      )}
    </aside>
  );
}
