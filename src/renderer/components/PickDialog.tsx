import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Dialog } from '../state/dialogs';

/**
 * Some of many (the documents a hand-out copy gets): a checkbox each, a filter over their names,
 * All / None over those shown. Esc (DialogHost) or Cancel answers null; the confirm button needs one.
 */
export function PickDialog({ dialog }: { dialog: Extract<Dialog, { kind: 'pick' }> }) {
  const { t } = useTranslation();
  const [chosen, setChosen] = useState<ReadonlySet<string>>(() => new Set(dialog.initial));
  const [filter, setFilter] = useState('');
  const filterRef = useRef<HTMLInputElement>(null);
  useEffect(() => filterRef.current?.focus(), []);
  const shown = useMemo(() => {
    const words = filter.trim().toLocaleLowerCase();
    return words ? dialog.items.filter((item) => item.label.toLocaleLowerCase().includes(words)) : dialog.items;
  }, [dialog.items, filter]);
  const setAll = (on: boolean) =>
    setChosen((c) => {
      const next = new Set(c);
      for (const item of shown) {
        if (on) next.add(item.value);
        else next.delete(item.value);
      }
      return next;
    });
  const toggle = (value: string) =>
    setChosen((c) => {
      const next = new Set(c);
      if (next.has(value)) next.delete(value);
      else next.add(value);
      return next;
    });
  return (
    <div className="dialog pick-dialog" role="dialog" aria-modal="true" aria-label={dialog.title}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          // In the items' order, whatever order they were ticked in.
          if (chosen.size) dialog.resolve(dialog.items.filter((item) => chosen.has(item.value)).map((item) => item.value));
        }}
      >
        <h2>{dialog.title}</h2>
        {dialog.lines.map((line, i) => (
          <p key={i}>{line}</p>
        ))}
        <div className="pick-tools">
          <input ref={filterRef} type="search" aria-label={t('pick.filter')} placeholder={t('pick.filter')} value={filter} onChange={(e) => setFilter(e.target.value)} />
          <button type="button" onClick={() => setAll(true)}>
            {t('pick.all')}
          </button>
          <button type="button" onClick={() => setAll(false)}>
            {t('pick.none')}
          </button>
        </div>
        <fieldset className="pick-items">
          <legend>{dialog.label}</legend>
          {shown.map((item) => (
            <label key={item.value}>
              <input type="checkbox" checked={chosen.has(item.value)} onChange={() => toggle(item.value)} /> {item.label}
            </label>
          ))}
        </fieldset>
        <p role="status">{t('pick.count', { chosen: chosen.size, count: dialog.items.length })}</p>
        <div className="dialog-buttons">
          <button type="button" onClick={() => dialog.resolve(null)}>
            {t('dialog.cancel')}
          </button>
          <button type="submit" disabled={chosen.size === 0}>
            {dialog.confirmLabel}
          </button>
        </div>
      </form>
    </div>
  );
}
