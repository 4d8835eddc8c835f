/**
 * File › Restore from backup: the open corpus's backups, newest first; restoring one opens it as a
 * new corpus file beside the corpus (the service never writes over the corpus itself).
 */
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { LoupeApi } from '../../shared/contract';
import type { BackupInfo } from '../../shared/types';
import { describeError } from '../i18n';
import { useEscape } from './useEscape';

/** How many backups the service keeps (BACKUPS_KEPT in src/main/services/backups.ts). */
const KEPT = 10;

interface Props {
  api: LoupeApi;
  onRestore(backup: BackupInfo): void;
  onClose(): void;
}

export function BackupsDialog({ api, onRestore, onClose }: Props) {
  const { t, i18n } = useTranslation();
  const [backups, setBackups] = useState<BackupInfo[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const closeRef = useRef<HTMLButtonElement>(null);

  useEscape(onClose);

  // Once per opening.
  useEffect(() => {
    closeRef.current?.focus();
    api.listBackups({}).then(setBackups, (e: unknown) => setError(describeError(e)));
  }, [api]);

  const when = (iso: string) => new Date(iso).toLocaleString(i18n.language);
  return (
    <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="dialog backups-dialog" role="dialog" aria-modal="true" aria-labelledby="backups-title">
        <h2 id="backups-title">{t('backups.title')}</h2>
        <p>{t('backups.explain', { count: KEPT })}</p>
        {error && <p role="alert">{error}</p>}
        {backups?.length === 0 && <p>{t('backups.none')}</p>}
        {backups && backups.length > 0 && (
          <ul className="backups-list" aria-label={t('backups.title')}>
            {backups.map((b) => (
              <li key={b.path}>
                <span className="backup-when">{when(b.createdAt)}</span>
                <span className="backup-size">{t('backups.size', { size: (b.size / 1048576).toFixed(1) })}</span>
                <button type="button" aria-label={`${t('backups.restore')} ${when(b.createdAt)}`} onClick={() => onRestore(b)}>
                  {t('backups.restore')}
                </button>
              </li>
            ))}
          </ul>
        )}
        <div className="dialog-buttons">
          <button ref={closeRef} type="button" onClick={onClose}>
            {t('dialog.close')}
          </button>
        </div>
      </div>
    </div>
  );
}
