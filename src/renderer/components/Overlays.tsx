/**
 * What the controller shows over the window: find bar, key help, schema editor, export and backups
 * dialogs, the drop hint and import progress.
 */
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import type { LoupeApi } from '../../shared/contract';
import type { HostBridge } from '../../shared/host';
import type { AppController, AppState } from '../state/appController';
import { AgreementDialog } from './AgreementDialog';
import { BackupsDialog } from './BackupsDialog';
import { ExportDialog } from './ExportDialog';
import { FindBar } from './FindBar';
import { ImportProgress } from './ImportProgress';
import { KeyboardHelp } from './KeyboardHelp';
import { SchemaEditor } from './SchemaEditor';

interface Props {
  app: AppController;
  state: AppState;
  api: LoupeApi;
  host: HostBridge;
}

export function Overlays({ app, state, api, host }: Props) {
  const { t } = useTranslation();
  const { overlay, corpus, importing } = state;
  const close = () => app.setOverlay(null);
  const listLayers = useCallback(() => api.annotators({}), [api]);
  return (
    <>
      {overlay === 'find' && <FindBar onFind={(query) => app.editor?.find(query) ?? false} onClose={() => app.closeOverlay()} />}
      {overlay === 'help' && <KeyboardHelp onClose={() => app.closeOverlay()} />}
      {overlay === 'schema' && corpus && (
        <SchemaEditor
          key={corpus.id}
          corpus={corpus}
          api={api}
          host={host}
          onClose={close}
          onApplied={(info) => void app.schemaApplied(info).catch(app.report)}
        />
      )}
      {state.dragging && <div className="drop-overlay">{t('docs.dropHint')}</div>}
      <ImportProgress state={importing} />
      {overlay === 'export' && corpus && (
        <ExportDialog
          corpus={corpus}
          layers={listLayers}
          hasDocument={state.openDoc !== null}
          onClose={close}
          onExport={(scope, format, filter) => {
            close();
            void app.exportAs(scope, format, filter).catch(app.report);
          }}
        />
      )}
      {overlay === 'agreement' && corpus && (
        <AgreementDialog
          api={api}
          host={host}
          corpusName={corpus.name}
          onClose={close}
          onShow={(documentId, annotator, spanId) => void app.showSpan(documentId, annotator, spanId).catch(app.report)}
          onShowDocument={(documentId) => void app.showDocumentLayers(documentId).catch(app.report)}
          onAcceptAgreed={(annotators) => app.acceptAgreed(annotators)}
        />
      )}
      {overlay === 'backups' && (
        <BackupsDialog api={api} onClose={close} onRestore={(backup) => void app.restoreBackup(backup.path).catch(app.report)} />
      )}
    </>
  );
}
