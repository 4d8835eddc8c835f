import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DocumentStatus, DocumentSummary } from '../../shared/types';
import { DOCUMENT_STATUSES } from '../../shared/types';
import { useVirtualRows } from './useVirtualRows';

/** A row's height before it is measured: a one-line title over its status (`.document-item`). */
const ROW_ESTIMATE = 51;

interface Props {
  documents: DocumentSummary[];
  openId: number | null;
  /** The open document's span count as the editor has it (ahead of the database while saving). */
  liveSpanCount: number | null;
  onOpen(id: number): void;
  onRename(id: number): void;
  /** A read-only corpus: documents open, but are not renamed. */
  readOnly?: boolean;
}

/**
 * The corpus's documents: title, status and span count, filterable by status. Only the rows in view
 * are in the DOM (a corpus may hold tens of thousands); a long title wraps, so rows differ in height.
 */
export function DocumentList({ documents, openId, liveSpanCount, onOpen, onRename, readOnly = false }: Props) {
  const { t } = useTranslation();
  const [filter, setFilter] = useState<DocumentStatus | 'all'>('all');
  const counts = new Map<DocumentStatus, number>();
  for (const d of documents) counts.set(d.status, (counts.get(d.status) ?? 0) + 1);
  const shown = filter === 'all' ? documents : documents.filter((d) => d.status === filter);
  const openIndex = openId === null ? -1 : shown.findIndex((d) => d.id === openId);
  const { scrollRef, virtualizer, rowProps } = useVirtualRows({
    count: shown.length,
    estimateSize: ROW_ESTIMATE,
    getKey: (i) => shown[i]!.id,
    selectedIndex: openIndex,
    selectedKey: openId,
  });
  return (
    <nav className="document-list" aria-label={t('docs.title')}>
      <h2>{t('docs.title')}</h2>
      <label className="document-filter">
        <span>{t('docs.filter')}</span>
        <select value={filter} onChange={(e) => setFilter(e.target.value as DocumentStatus | 'all')}>
          <option value="all">{t('docs.filterAll', { count: documents.length })}</option>
          {DOCUMENT_STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`status.doc.${s}`)} ({counts.get(s) ?? 0})
            </option>
          ))}
        </select>
      </label>
      {/* The scroller stays while the list is empty: the virtualiser attaches to it once. */}
      <div className="list-scroll" ref={scrollRef}>
        {documents.length === 0 ? (
          <p className="placeholder">{t('docs.empty')}</p>
        ) : shown.length === 0 ? (
          <p className="placeholder">{t('docs.noneWithStatus')}</p>
        ) : (
          <ul className="virtual-rows" style={{ height: virtualizer.getTotalSize() }}>
            {virtualizer.getVirtualItems().map((item) => {
              const d = shown[item.index]!;
              const count = d.id === openId && liveSpanCount !== null ? liveSpanCount : d.spanCount;
              return (
                <li key={item.key} aria-setsize={shown.length} aria-posinset={item.index + 1} {...rowProps(item.index, item.start)}>
                  <button
                    type="button"
                    className="document-item"
                    aria-current={d.id === openId ? 'page' : undefined}
                    onClick={() => onOpen(d.id)}
                    onDoubleClick={() => !readOnly && onRename(d.id)}
                    onKeyDown={(e) => {
                      if (e.key === 'F2' && !readOnly) {
                        e.preventDefault();
                        onRename(d.id);
                      }
                    }}
                    title={readOnly ? undefined : t('docs.renameHint')}
                  >
                    <span className="document-title">{d.title}</span>
                    <span className="document-meta">
                      <span className={`document-status is-${d.status}`}>{t(`status.doc.${d.status}`)}</span>
                      <span className="document-count">{t('docs.spanCount', { count })}</span>
                      {d.curation && (
                        <span className={`doc-curation is-${d.curation.status}`} title={d.curation.gold}>
                          {d.curation.status === 'done' ? `★ ${t('docs.curated')}` : `☆ ${t('docs.curating')}`}
                        </span>
                      )}
                    </span>
                  </button>
                </li>
              );
            })}
          </ul>
        )}
      </div>
    </nav>
  );
}
