import { useTranslation } from 'react-i18next';
import type { Label } from '../../shared/types';
import type { EditorSpan } from './EditorPane';

interface Props {
  spans: EditorSpan[];
  labels: Label[];
  selectedId: string | null;
  onSelect(id: string): void;
}

/** The open document's spans in text order; clicking one selects it in the editor. */
export function SpanPanel({ spans, labels, selectedId, onSelect }: Props) {
  const { t } = useTranslation();
  const index = new Map(labels.map((l, i) => [l.name, i]));
  return (
    <aside className="span-panel" aria-label={t('spans.title')}>
      <h2>
        {t('spans.title')} <span className="count">{spans.length}</span>
      </h2>
      {spans.length === 0 ? (
        <p className="placeholder">{t('spans.empty')}</p>
      ) : (
        <ol>
          {spans.map((s) => (
            <li key={s.id}>
              <button
                type="button"
                className={`span-item lp-label-${index.get(s.label) ?? 0}`}
                aria-current={s.id === selectedId ? 'true' : undefined}
                data-span-id={s.id}
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => onSelect(s.id)}
              >
                <span className="swatch" aria-hidden="true" />
                <span className="span-label">{s.label}</span>
                <span className="span-excerpt">{s.excerpt}</span>
                {s.fragments > 1 && <span className="span-fragments">{t('spans.fragments', { count: s.fragments })}</span>}
              </button>
            </li>
          ))}
        </ol>
      )}
    </aside>
  );
}
