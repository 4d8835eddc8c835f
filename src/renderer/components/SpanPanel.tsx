import { useEffect, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { Label } from '../../shared/types';
import type { SpanList, SpanListStore } from '../editor/spanList';
import { useVirtualRows } from './useVirtualRows';

interface Props {
  /** The rows: which spans, in which order (changed only when they change). */
  list: SpanList;
  /** The newest spans, which the excerpts are read from (they change as the user types). */
  live: SpanListStore;
  labels: Label[];
  selectedId: string | null;
  onSelect(id: string): void;
}

/** A row's height before it is measured: one line (`.span-item` in styles.css). */
const ROW_ESTIMATE = 30;

/**
 * The open document's spans in text order; clicking one selects it in the editor. Only the rows in
 * view are in the DOM (a long report has tens of thousands of spans); the selected span's row is
 * scrolled into view when the selection moves. As the user types, the excerpts of the rows in view
 * are redrawn straight into the DOM from `live`, without a React commit (see spanList.ts).
 */
export function SpanPanel({ list, live, labels, selectedId, onSelect }: Props) {
  const { spans } = list;
  const { t } = useTranslation();
  const index = useMemo(() => new Map(labels.map((l, i) => [l.name, i])), [labels]);
  const selectedIndex = useMemo(() => (selectedId === null ? -1 : spans.findIndex((s) => s.id === selectedId)), [spans, selectedId]);
  const { scrollRef, virtualizer, rowProps } = useVirtualRows({
    count: spans.length,
    estimateSize: ROW_ESTIMATE,
    getKey: (i) => spans[i]!.id,
    selectedIndex,
    selectedKey: selectedId,
  });

  // The excerpts of the rows drawn, as the newest spans read: at each new list, without React.
  useEffect(() => {
    const redraw = () => {
      const scroller = scrollRef.current;
      if (!scroller) return;
      const buttons = [...scroller.querySelectorAll<HTMLButtonElement>('li[data-index] > button[data-span-id]')];
      const indexes = buttons.map((b) => Number((b.parentElement as HTMLElement).dataset.index));
      const texts = live.excerpts(list, indexes);
      buttons.forEach((button, k) => {
        const text = texts[k]!;
        if (button.title === text || list.spans[indexes[k]!]?.id !== button.dataset.spanId) return;
        button.title = text;
        const excerpt = button.querySelector('.span-excerpt');
        if (excerpt) excerpt.textContent = text;
      });
    };
    return live.subscribe(redraw);
  }, [live, list, scrollRef]);

  const items = virtualizer.getVirtualItems();
  const excerpts = live.excerpts(list, items.map((item) => item.index));
  return (
    <aside className="span-panel" aria-label={t('spans.title')}>
      <h2>
        {t('spans.title')} <span className="count">{spans.length}</span>
      </h2>
      {/* The scroller stays while the list is empty: the virtualiser attaches to it once, not at each document. */}
      <div className="list-scroll" ref={scrollRef}>
        {spans.length === 0 ? (
          <p className="placeholder">{t('spans.empty')}</p>
        ) : (
          <ol className="virtual-rows" style={{ height: virtualizer.getTotalSize() }}>
            {items.map((item, k) => {
              const s = spans[item.index]!;
              return (
                <li key={item.key} aria-setsize={spans.length} aria-posinset={item.index + 1} {...rowProps(item.index, item.start)}>
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
              );
            })}
          </ol>
        )}
      </div>
    </aside>
  );
}
