import { useTranslation } from 'react-i18next';
import type { ImportProgressState } from '../state/importFlow';

/**
 * The bar shown while files import (state/importFlow.ts moves it), with a Cancel button: the import
 * stops after the batch being stored, and its report says what was kept.
 */
export function ImportProgress({ state }: { state: ImportProgressState | null }) {
  const { t } = useTranslation();
  if (!state) return null;
  return (
    <div className="import-progress">
      <div role="status" aria-live="polite" className="import-progress-status">
        <span>{t('import.progress', { done: state.done, total: state.total })}</span>
        <progress max={Math.max(state.total, 1)} value={state.done} aria-label={t('import.progressLabel')} />
      </div>
      <button type="button" onClick={state.cancel} disabled={state.cancelling}>
        {state.cancelling ? t('import.cancelling') : t('dialog.cancel')}
      </button>
    </div>
  );
}
