import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { EditorMode } from '../editor/view';
import type { SaveStatus } from '../state/autosave';
import type { SaveStatusStore } from '../state/saveStatus';

interface Props {
  status: SaveStatusStore;
  corpusName: string;
  mode: EditorMode;
  /** Who annotates (null before settings load), and whether they chose that name. */
  annotator: { name: string; chosen: boolean } | null;
  onChooseAnnotator: () => void;
}

/**
 * Save state (Saving… / Saved), corpus name and the current mode's keys. The save state is drawn
 * without a React render (see SaveStatusStore): it changes while the user types.
 */
export function StatusBar({ status, corpusName, mode, annotator, onChooseAnnotator }: Props) {
  const { t } = useTranslation();
  const saveRef = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    const describe = (s: SaveStatus): string =>
      s.state === 'saving'
        ? t('status.saving')
        : s.state === 'saved'
          ? t('status.saved')
          : s.state === 'unsaved'
            ? t('status.unsaved')
            : t('status.saveFailed', { message: s.message });
    const draw = () => {
      const el = saveRef.current;
      if (!el) return;
      const s = status.get();
      el.textContent = describe(s);
      el.className = `save-status is-${s.state}`;
    };
    draw();
    return status.subscribe(draw);
  }, [status, t]);
  return (
    <footer className="status-bar">
      <span role="status" ref={saveRef} className="save-status" />
      <span>{t('status.corpus', { name: corpusName })}</span>
      {annotator && (
        <button type="button" className={`status-annotator${annotator.chosen ? '' : ' is-unchosen'}`} onClick={onChooseAnnotator}>
          {t(annotator.chosen ? 'status.annotator' : 'status.annotatorUnchosen', { name: annotator.name })}
        </button>
      )}
      <span className="mode-help">{mode === 'annotate' ? t('toolbar.modeHelpAnnotate') : t('toolbar.modeHelpEdit')}</span>
    </footer>
  );
}
