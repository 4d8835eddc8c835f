/**
 * Find (/ or Ctrl+F): type, Enter selects the next match in the text and gives the keyboard back to
 * the editor, so Q, the label keys and [ ] act on it at once. Esc closes.
 */
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

interface Props {
  /** Selects the next match; false when there is none. */
  onFind(query: string): boolean;
  onClose(): void;
}

export function FindBar({ onFind, onClose }: Props) {
  const { t } = useTranslation();
  const [query, setQuery] = useState('');
  const [missing, setMissing] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  useEffect(() => inputRef.current?.focus(), []);
  return (
    <form
      className="find-bar"
      role="search"
      onSubmit={(e) => {
        e.preventDefault();
        const found = onFind(query);
        setMissing(!found);
        if (found) onClose();
      }}
    >
      <label htmlFor="find-input">{t('find.label')}</label>
      <input
        id="find-input"
        ref={inputRef}
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setMissing(false);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.preventDefault();
            e.stopPropagation();
            onClose();
          }
        }}
        aria-invalid={missing}
        autoComplete="off"
        spellCheck={false}
      />
      <button type="submit">{t('find.next')}</button>
      {missing && (
        <span role="status" className="find-missing">
          {t('find.none')}
        </span>
      )}
    </form>
  );
}
