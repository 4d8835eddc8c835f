/**
 * File › Export…: a format, the corpus or the open document, and filters by document status, label
 * and annotator's layer (the gold layer alone, say). The offset unit is the one chosen under File › Export offsets; formats with a unit of their
 * own say which.
 */
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { EXPORT_FORMAT_INFO } from '../../shared/formats';
import { DOCUMENT_STATUSES, MENU_EXPORT_FORMATS } from '../../shared/types';
import type { CorpusInfo, DocumentStatus, ExportFilter, ExportFormat } from '../../shared/types';

interface Props {
  corpus: CorpusInfo;
  /** The corpus's annotators' layers (asked for when the dialog opens). */
  layers: () => Promise<{ name: string; spans: number; gold: boolean }[]>;
  hasDocument: boolean;
  onClose(): void;
  onExport(scope: 'corpus' | 'document', format: ExportFormat, filter: ExportFilter | undefined): void;
}

export function ExportDialog({ corpus, layers: listLayers, hasDocument, onClose, onExport }: Props) {
  const { t } = useTranslation();
  const [format, setFormat] = useState<ExportFormat>('jsonl');
  const [scope, setScope] = useState<'corpus' | 'document'>('corpus');
  const [statuses, setStatuses] = useState<DocumentStatus[]>([...DOCUMENT_STATUSES]);
  const [labels, setLabels] = useState<string[]>(corpus.labels.map((l) => l.name));
  const [layers, setLayers] = useState<{ name: string; spans: number; gold: boolean }[]>([]);
  const [chosenLayers, setChosenLayers] = useState<string[] | null>(null);
  const firstRef = useRef<HTMLSelectElement>(null);
  useEffect(() => firstRef.current?.focus(), []);
  useEffect(() => {
    let live = true;
    listLayers().then(
      (list) => {
        if (!live) return;
        setLayers(list);
        setChosenLayers(list.map((l) => l.name));
      },
      () => undefined, // no layer choice then: every span is exported
    );
    return () => {
      live = false;
    };
  }, [listLayers]);
  const toggle = <T,>(list: T[], item: T, on: boolean): T[] => (on ? [...list, item] : list.filter((x) => x !== item));
  const info = EXPORT_FORMAT_INFO[format];
  const allStatuses = statuses.length === DOCUMENT_STATUSES.length;
  const allLabels = labels.length === corpus.labels.length;
  const allLayers = chosenLayers === null || chosenLayers.length === layers.length;
  const filter: ExportFilter | undefined =
    allStatuses && allLabels && allLayers
      ? undefined
      : { ...(allStatuses ? {} : { statuses }), ...(allLabels ? {} : { labels }), ...(allLayers ? {} : { annotators: chosenLayers }) };
  const golds = layers.filter((l) => l.gold).map((l) => l.name);
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
        {layers.length > 1 && chosenLayers && (
          <fieldset>
            <legend>{t('exportDialog.layers')}</legend>
            {layers.map((l) => (
              <label key={l.name} className="inline">
                <input type="checkbox" checked={chosenLayers.includes(l.name)} onChange={(e) => setChosenLayers(toggle(chosenLayers, l.name, e.target.checked))} />
                {l.gold ? t('exportDialog.goldLayer', { name: l.name, count: l.spans }) : t('exportDialog.layer', { name: l.name, count: l.spans })}
              </label>
            ))}
            {golds.length > 0 && (
              <button type="button" onClick={() => setChosenLayers(golds)}>
                {t('exportDialog.goldOnly')}
              </button>
            )}
            {format === 'conll' && allLayers && golds.length > 0 && <p className="hint">{t('exportDialog.conllGold', { names: golds.join(', ') })}</p>}
            {format === 'brat' && <p className="hint">{t('exportDialog.bratFolders')}</p>}
          </fieldset>
        )}
        <div className="dialog-buttons">
          <button type="button" onClick={onClose}>
            {t('dialog.cancel')}
          </button>
          <button type="submit" disabled={statuses.length === 0 || (layers.length > 0 && chosenLayers?.length === 0)}>
            {t('exportDialog.export')}
          </button>
        </div>
      </form>
      </div>
    </div>
  );
}
