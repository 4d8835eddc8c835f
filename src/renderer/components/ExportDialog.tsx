/**
 * File › Export…: a format, the corpus or the open document, and filters by document status and
 * label. The offset unit is the one chosen under File › Export offsets; formats with a unit of their
 * own say which.
 */
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { EXPORT_FORMAT_INFO } from '../../shared/formats';
import { DOCUMENT_STATUSES, MENU_EXPORT_FORMATS } from '../../shared/types';
import type { CorpusInfo, DocumentStatus, ExportFilter, ExportFormat } from '../../shared/types';

interface Props {
  corpus: CorpusInfo;
  hasDocument: boolean;
  onClose(): void;
  onExport(scope: 'corpus' | 'document', format: ExportFormat, filter: ExportFilter | undefined): void;
}

export function ExportDialog({ corpus, hasDocument, onClose, onExport }: Props) {
  const { t } = useTranslation();
  const [format, setFormat] = useState<ExportFormat>('jsonl');
  const [scope, setScope] = useState<'corpus' | 'document'>('corpus');
  const [statuses, setStatuses] = useState<DocumentStatus[]>([...DOCUMENT_STATUSES]);
  const [labels, setLabels] = useState<string[]>(corpus.labels.map((l) => l.name));
  const firstRef = useRef<HTMLSelectElement>(null);
  useEffect(() => firstRef.current?.focus(), []);
  const toggle = <T,>(list: T[], item: T, on: boolean): T[] => (on ? [...list, item] : list.filter((x) => x !== item));
  const info = EXPORT_FORMAT_INFO[format];
  const allStatuses = statuses.length === DOCUMENT_STATUSES.length;
  const allLabels = labels.length === corpus.labels.length;
  const filter: ExportFilter | undefined =
    allStatuses && allLabels
      ? undefined
      : { ...(allStatuses ? {} : { statuses }), ...(allLabels ? {} : { labels }) };
  return (
    <div className="dialog-backdrop">
      <div className="dialog export-dialog" role="dialog" aria-modal="true" aria-labelledby="export-title">
      <form
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.stopPropagation();
            onClose();
          }
        }}
        onSubmit={(e) => {
          e.preventDefault();
          onExport(scope, format, filter);
        }}
      >
        <h2 id="export-title">{t('exportDialog.title')}</h2>
        <label>
          {t('exportDialog.format')}
          <select ref={firstRef} value={format} onChange={(e) => setFormat(e.target.value as ExportFormat)}>
            {MENU_EXPORT_FORMATS.map((f) => (
              <option key={f} value={f}>
                {EXPORT_FORMAT_INFO[f].name}
              </option>
            ))}
          </select>
        </label>
        <p className="hint">
          {info.offsets === 'chosen'
            ? t('exportDialog.offsetsChosen')
            : info.offsets === 'none'
              ? t('exportDialog.offsetsNone')
              : t('exportDialog.offsetsFixed', { unit: t(`offsets.${info.offsets}`) })}
        </p>
        <fieldset>
          <legend>{t('exportDialog.scope')}</legend>
          <label className="inline">
            <input type="radio" name="scope" checked={scope === 'corpus'} onChange={() => setScope('corpus')} />
            {t('exportDialog.corpus', { count: corpus.documentCount })}
          </label>
          <label className="inline">
            <input type="radio" name="scope" checked={scope === 'document'} disabled={!hasDocument} onChange={() => setScope('document')} />
            {t('exportDialog.document')}
          </label>
        </fieldset>
        <fieldset>
          <legend>{t('exportDialog.statuses')}</legend>
          {DOCUMENT_STATUSES.map((s) => (
            <label key={s} className="inline">
              <input type="checkbox" checked={statuses.includes(s)} onChange={(e) => setStatuses(toggle(statuses, s, e.target.checked))} />
              {t(`status.doc.${s}`)}
            </label>
          ))}
        </fieldset>
        <fieldset>
          <legend>{t('exportDialog.labels')}</legend>
          {corpus.labels.map((l) => (
            <label key={l.name} className="inline">
              <input type="checkbox" checked={labels.includes(l.name)} onChange={(e) => setLabels(toggle(labels, l.name, e.target.checked))} />
              {l.name}
            </label>
          ))}
        </fieldset>
        <div className="dialog-buttons">
          <button type="button" onClick={onClose}>
            {t('dialog.cancel')}
          </button>
          <button type="submit" disabled={statuses.length === 0}>
            {t('exportDialog.export')}
          </button>
        </div>
      </form>
      </div>
    </div>
  );
}
