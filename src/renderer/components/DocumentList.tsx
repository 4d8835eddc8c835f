import { useTranslation } from 'react-i18next';
import type { DocumentSummary } from '../../shared/types';

interface Props {
  documents: DocumentSummary[];
  openId: number | null;
  /** The open document's span count as the editor has it (ahead of the database while saving). */
  liveSpanCount: number | null;
  onOpen(id: number): void;
  onRename(id: number): void;
}

/** The corpus's documents: title and span count. */
export function DocumentList({ documents, openId, liveSpanCount, onOpen, onRename }: Props) {
  const { t } = useTranslation();
  return (
    <nav className="document-list" aria-label={t('docs.title')}>
      <h2>{t('docs.title')}</h2>
      {documents.length === 0 ? (
        <p className="placeholder">{t('docs.empty')}</p>
      ) : (
        <ul>
          {documents.map((d) => {
            const count = d.id === openId && liveSpanCount !== null ? liveSpanCount : d.spanCount;
            return (
              <li key={d.id}>
                <button
                  type="button"
                  className="document-item"
                  aria-current={d.id === openId ? 'page' : undefined}
                  onClick={() => onOpen(d.id)}
                  onDoubleClick={() => onRename(d.id)}
                  onKeyDown={(e) => {
                    if (e.key === 'F2') {
                      e.preventDefault();
                      onRename(d.id);
                    }
                  }}
                  title={t('docs.renameHint')}
                >
                  <span className="document-title">{d.title}</span>
                  <span className="document-count">{t('docs.spanCount', { count })}</span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </nav>
  );
}
