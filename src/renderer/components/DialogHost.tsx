import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { dialogStore, type Dialog } from '../state/dialogs';
import { ChoicesDialog } from './ChoicesDialog';
import { PickDialog } from './PickDialog';

/** Renders the open in-page dialog, if any; Esc answers it as its Cancel or Close button would. */
export function DialogHost() {
  const dialog = useSyncExternalStore(dialogStore.subscribe, dialogStore.get);
  useEffect(() => {
    if (!dialog) return;
    // On the window, in the capture phase: Esc works wherever the focus went, and nothing behind sees it.
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.isComposing) return;
      e.preventDefault();
      e.stopPropagation();
      dialogStore.cancel();
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [dialog]);
  if (!dialog) return null;
  return (
    <div className="dialog-backdrop">
      {dialog.kind === 'text' ? (
        <TextDialog dialog={dialog} />
      ) : dialog.kind === 'confirm' ? (
        <ConfirmDialog dialog={dialog} />
      ) : dialog.kind === 'choices' ? (
        <ChoicesDialog dialog={dialog} />
      ) : dialog.kind === 'pick' ? (
        <PickDialog dialog={dialog} />
      ) : (
        <MessageDialog dialog={dialog} />
      )}
    </div>
  );
}

function TextDialog({ dialog }: { dialog: Extract<Dialog, { kind: 'text' }> }) {
  const { t } = useTranslation();
  const [value, setValue] = useState(dialog.initial);
  const inputRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    inputRef.current?.focus();
    inputRef.current?.select(); // typing replaces what was offered, never appends to it
  }, []);
  return (
    <div className="dialog" role="dialog" aria-modal="true" aria-label={dialog.title}>
    <form
      onSubmit={(e) => {
        e.preventDefault();
        dialog.resolve(value.trim() || null);
      }}
    >
      <h2>{dialog.title}</h2>
      <label>
        {dialog.label}
        <input ref={inputRef} value={value} onChange={(e) => setValue(e.target.value)} spellCheck={false} />
      </label>
      {dialog.hint && <p className="dialog-hint">{dialog.hint(value)}</p>}
      <div className="dialog-buttons">
        <button type="button" onClick={() => dialog.resolve(null)}>
          {t('dialog.cancel')}
        </button>
        <button type="submit">{t('dialog.ok')}</button>
      </div>
    </form>
    </div>
  );
}

function MessageDialog({ dialog }: { dialog: Extract<Dialog, { kind: 'message' }> }) {
  const { t } = useTranslation();
  const buttonRef = useRef<HTMLButtonElement>(null);
  useEffect(() => buttonRef.current?.focus(), []);
  return (
    <div className="dialog" role="dialog" aria-modal="true" aria-label={dialog.title}>
      <h2>{dialog.title}</h2>
      {dialog.lines.map((line, i) => (
        <p key={i}>{line}</p>
      ))}
      <div className="dialog-buttons">
        <button ref={buttonRef} type="button" onClick={() => dialog.resolve()}>
          {t('dialog.close')}
        </button>
      </div>
    </div>
  );
}

function ConfirmDialog({ dialog }: { dialog: Extract<Dialog, { kind: 'confirm' }> }) {
  const { t } = useTranslation();
  const cancelRef = useRef<HTMLButtonElement>(null);
  useEffect(() => cancelRef.current?.focus(), []);
  return (
    <div
      className="dialog"
      role="alertdialog"
      aria-modal="true"
      aria-label={dialog.title}
    >
      <h2>{dialog.title}</h2>
      {dialog.lines.map((line, i) => (
        <p key={i}>{line}</p>
      ))}
      <div className="dialog-buttons">
        <button ref={cancelRef} type="button" onClick={() => dialog.resolve(false)}>
          {dialog.cancelLabel ?? t('dialog.cancel')}
        </button>
        <button type="button" onClick={() => dialog.resolve(true)}>
          {dialog.confirmLabel}
        </button>
      </div>
    </div>
  );
}
