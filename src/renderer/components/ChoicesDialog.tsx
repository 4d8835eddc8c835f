import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Dialog } from '../state/dialogs';

/** One select per row (e.g. what to do with each label an import brings); Esc (DialogHost) or Cancel answers null. */
export function ChoicesDialog({ dialog }: { dialog: Extract<Dialog, { kind: 'choices' }> }) {
  const { t } = useTranslation();
  const [chosen, setChosen] = useState<Record<string, string>>(() =>
    Object.fromEntries(dialog.rows.map((row) => [row.name, row.options[0]?.value ?? ''])),
  );
  const firstRef = useRef<HTMLSelectElement>(null);
  useEffect(() => firstRef.current?.focus(), []);
  return (
    <div className="dialog choices-dialog" role="dialog" aria-modal="true" aria-label={dialog.title}>
    <form
      onSubmit={(e) => {
        e.preventDefault();
        dialog.resolve(chosen);
      }}
    >
      <h2>{dialog.title}</h2>
      {dialog.lines.map((line, i) => (
        <p key={i}>{line}</p>
      ))}
      <div className="choices-rows">
        {dialog.rows.map((row, i) => (
          <div className="choices-row" key={row.name}>
            <span className="choices-name">{row.name}</span>
            <select
              ref={i === 0 ? firstRef : undefined}
              aria-label={row.label}
              value={chosen[row.name] ?? ''}
              onChange={(e) => setChosen((c) => ({ ...c, [row.name]: e.target.value }))}
            >
              {row.options.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </select>
          </div>
        ))}
      </div>
      <div className="dialog-buttons">
        <button type="button" onClick={() => dialog.resolve(null)}>
          {t('dialog.cancel')}
        </button>
        <button type="submit">{dialog.confirmLabel}</button>
      </div>
    </form>
    </div>
  );
}
