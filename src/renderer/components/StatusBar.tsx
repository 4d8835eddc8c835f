import { useTranslation } from 'react-i18next';
import type { EditorMode } from '../editor/view';
import type { SaveStatus } from '../state/autosave';

interface Props {
  status: SaveStatus;
  corpusName: string;
  mode: EditorMode;
}

/** Save state (Saving… / Saved), corpus name and the current mode's keys. */
export function StatusBar({ status, corpusName, mode }: Props) {
  const { t } = useTranslation();
  const text =
    status.state === 'saving'
      ? t('status.saving')
      : status.state === 'saved'
        ? t('status.saved')
        : status.state === 'unsaved'
          ? t('status.unsaved')
          : t('status.saveFailed', { message: status.message });
  return (
    <footer className="status-bar">
      <span role="status" className={`save-status is-${status.state}`}>
        {text}
      </span>
      <span>{t('status.corpus', { name: corpusName })}</span>
      <span className="mode-help">{mode === 'annotate' ? t('toolbar.modeHelpAnnotate') : t('toolbar.modeHelpEdit')}</span>
    </footer>
  );
}
