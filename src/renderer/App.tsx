/**
 * The window: menu bar (browser build only), toolbar, document list, editor, side panel, status
 * bar, overlays. The state and every command live in AppController (state/appController.ts); this
 * component wires the host's events to it and draws what it holds. The editor itself lives in
 * editor/ and knows nothing of React.
 */
import { useEffect, useState, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { DialogHost } from './components/DialogHost';
import { DocumentList } from './components/DocumentList';
import { EditorPane } from './components/EditorPane';
import { ErrorBoundary } from './components/ErrorBoundary';
import { LanesView } from './components/LanesView';
import { Inspector } from './components/Inspector';
import { MenuBar } from './components/MenuBar';
import { Overlays } from './components/Overlays';
import { SpanPanel } from './components/SpanPanel';
import { StatusBar } from './components/StatusBar';
import { Toolbar } from './components/Toolbar';
import { isTextField } from './editor/keys';
import { systemLocale } from './i18n';
import { createPlatform, readDropTransfer, type Platform } from './platform';
import { downloadExport } from './platform/httpApi';
import { AppController, isGoldLayer, isReadOnly } from './state/appController';
import { chooseEach, confirmAction, dialogStore, pickSome, promptText, showMessage } from './state/dialogs';
import { listenToWindowKeys } from './windowKeys';

type I18n = ReturnType<typeof useTranslation>['i18n'];

/** The platform (Electron or the browser bridge) and the controller over it, made once per window. */
function createApp(i18n: I18n): { platform: Platform; app: AppController } {
  const platform = createPlatform((key, values) => i18n.t(key, values));
  const app = new AppController({
    api: platform.api,
    host: platform.host,
    ...(platform.web ? { web: platform.web, downloadExport } : {}),
    t: (key, values) => i18n.t(key, values),
    language: () => i18n.language,
    changeLanguage: (locale) => {
      void i18n.changeLanguage(locale);
      document.documentElement.lang = locale;
    },
    systemLocale,
    dialogs: { isOpen: () => dialogStore.get() !== null, showMessage, confirmAction, promptText, chooseEach, pickSome },
    undoInField: (command) => {
      if (!isTextField(document.activeElement)) return false;
      document.execCommand(command);
      return true;
    },
  });
  return { platform, app };
}

export function App() {
  const { t, i18n } = useTranslation();
  const [{ platform, app }] = useState(() => createApp(i18n));
  const { api, host } = platform;
  const state = useSyncExternalStore(app.subscribe, app.getState);
  const { corpus, openDoc, settings, mode, spans, error } = state;
  const readOnly = isReadOnly(state);
  const editingGold = isGoldLayer(state.documents, state.layer);
  // Other annotators with a layer of the open document: the switcher shows only when there are some.
  const own = settings?.annotator ?? '';
  const otherLayers = (openDoc?.layers ?? []).filter((l) => l.annotator !== own);
  const labels = corpus?.labels ?? NO_LABELS;
  const linkTypes = corpus?.linkTypes ?? NO_LINK_TYPES;

  useEffect(() => void app.start(), [app]);
  useEffect(() => host.onBeforeClose(app.flush, app.hasUnsavedChanges), [app, host]);
  useEffect(() => host.onMenuCommand((c) => void app.runCommand(c)), [app, host]);
  useEffect(() => listenToWindowKeys(app), [app]);

  // Coming back to a tab after another tab switched the corpus: follow it.
  useEffect(() => {
    const check = () => {
      if (document.visibilityState === 'visible') void app.followOtherTab();
    };
    window.addEventListener('focus', check);
    document.addEventListener('visibilitychange', check);
    return () => {
      window.removeEventListener('focus', check);
      document.removeEventListener('visibilitychange', check);
    };
  }, [app]);

  const selectedSpan = spans.spans.find((s) => s.id === state.selectedSpanId) ?? null;

  return (
    <div
      className={`app${state.dragging ? ' is-dragging' : ''}`}
      onDragOver={(e) => {
        if (e.dataTransfer.types.includes('Files')) {
          e.preventDefault();
          app.setDragging(true);
        }
      }}
      onDragLeave={(e) => {
        if (e.currentTarget === e.target) app.setDragging(false);
      }}
      onDrop={(e) => {
        // Drag and drop of files anywhere on the window imports them.
        e.preventDefault();
        app.setDragging(false);
        const transfer = e.dataTransfer;
        if (transfer.files.length > 0) void app.dropFiles(() => readDropTransfer(host, transfer));
      }}
    >
      <header>
        <h1 className="visually-hidden">{t('app.heading', { name: corpus?.name ?? '' })}</h1>
        {platform.web && (
          <MenuBar
            recent={settings?.recentCorpora ?? []}
            locale={settings?.locale ?? null}
            exportOffsets={settings?.exportOffsets ?? 'codepoint'}
            hasDocument={openDoc !== null}
            onCommand={(c) => platform.web?.emit(c)}
          />
        )}
        <Toolbar
          labels={labels}
          mode={mode}
          hasSelectedSpan={selectedSpan !== null && state.lanes === null}
          onTag={(label, fragment) => app.tag(label, fragment)}
          onHelp={() => app.setOverlay('help')}
          onModeChange={(m) => app.setMode(m)}
          onRemove={() => app.removeSelectedSpan()}
          onUndo={() => app.editor?.undo()}
          onRedo={() => app.editor?.redo()}
        />
      </header>
      {(otherLayers.length > 0 || state.layer !== null) && (
        <div className="layer-bar">
          <label>
            {t('layer.label')}{' '}
            <select
              value={state.lanes?.mode === 'all' ? LANES : (state.layer ?? own)}
              onChange={(e) => void (e.target.value === LANES ? app.openLanes('all') : app.showLayer(e.target.value)).catch(app.report)}
            >
              <option value={own}>{t('layer.own', { name: own })}</option>
              {otherLayers.map((l) => (
                <option key={l.annotator} value={l.annotator}>
                  {isGoldLayer(state.documents, l.annotator) ? t('layer.gold', { name: l.annotator, count: l.spans }) : t('layer.other', { name: l.annotator, count: l.spans })}
                </option>
              ))}
              <option value={LANES}>{t('layer.lanes')}</option>
            </select>
          </label>
        </div>
      )}
      {state.lanes ? null : state.layer !== null ? (
        <div className="read-only-banner" role="status">
          {editingGold ? t('layer.goldBanner', { name: state.layer }) : t('layer.banner', { name: state.layer })}
        </div>
      ) : (
        corpus?.readOnly && (
          <div className="read-only-banner" role="status">
            {t('readOnly.banner')}
          </div>
        )
      )}
      {/* Asked once: whose name goes on the tags, until the user keeps the offered one or gives another. */}
      {settings && !settings.annotatorChosen && corpus && !corpus.readOnly && (
        <div className="annotator-banner" role="region" aria-label={t('annotator.title')}>
          <span>{t('annotator.ask', { name: settings.annotator })}</span>
          <button type="button" onClick={() => void app.keepAnnotator()}>
            {t('annotator.keep', { name: settings.annotator })}
          </button>
          <button type="button" onClick={() => void app.runCommand({ type: 'set-annotator' })}>
            {t('annotator.another')}
          </button>
        </div>
      )}
      {corpus && corpus.problems.length > 0 && (
        <div className="problems-banner" role="status">
          {t('problems.corpus', { problems: corpus.problems.join('; ') })}
        </div>
      )}
      {error && (
        <div className="error-banner" role="alert">
          <span>{error}</span>
          <button type="button" onClick={() => app.setError(null)}>
            {t('dialog.close')}
          </button>
        </div>
      )}
      {/* Busy while the document reopens in another layer: keys pressed then are not taken. */}
      <main className="workspace" aria-busy={state.switching}>
        <DocumentList
          documents={state.documents}
          openId={openDoc?.id ?? null}
          liveSpanCount={openDoc ? spans.spans.length : null}
          onOpen={(id) => void app.openDocument(id)}
          onRename={(id) => void app.renameDocument(id)}
          readOnly={readOnly}
        />
        <section className="editor-column" aria-label={t('editor.label')}>
          {openDoc?.problems?.length ? (
            <div className="problems-banner" role="status">
              {t('problems.document', { problems: openDoc.problems.join('; ') })}
            </div>
          ) : null}
          {openDoc && state.lanes ? (
            <ErrorBoundary what={t('editor.label')}>
              <LanesView
                key={`${state.lanes.mode}-${state.lanes.view.documentId}`}
                lanes={state.lanes}
                labels={labels}
                readOnly={corpus?.readOnly ?? false}
                onClose={() => void app.closeLanes().catch(app.report)}
                onCurate={(spans, accept) => void app.curate(spans, accept)}
                onStatus={(status) => void app.setCurationStatus(status)}
                onAcceptAgreed={() => void app.acceptAgreedHere()}
                onEdit={(range, spanId) => void app.editGold(range, spanId).catch(app.report)}
                onStartCuration={() => void app.openLanes('curate').catch(app.report)}
                onHelp={() => app.setOverlay('help')}
              />
            </ErrorBoundary>
          ) : openDoc ? (
            <ErrorBoundary key={state.loadSeq} what={t('editor.label')}>
              <EditorPane
                key={state.loadSeq}
                ref={(handle) => app.attachEditor(handle)}
                document={openDoc}
                labels={labels}
                linkTypes={linkTypes}
                mode={mode}
                readOnly={readOnly}
                onReady={app.editorReady}
                onDocChanged={app.docChanged}
                spanList={app.spanList}
                onSpansChanged={app.setSpans}
                onSelectSpan={app.selectSpan}
                onInspect={app.inspect}
              />
            </ErrorBoundary>
          ) : (
            <p className="placeholder">{t('editor.noDocument')}</p>
          )}
        </section>
        <div className="side-column">
          <Inspector
            ref={(handle) => app.attachInspector(handle)}
            labels={labels}
            span={state.inspected.span}
            linking={state.inspected.linking}
            documentId={openDoc?.id ?? null}
            documentStatus={openDoc?.status ?? null}
            documentNote={openDoc?.note ?? ''}
            onSetAttr={(id, name, value) => app.editor?.setAttr(id, name, value)}
            onSetNote={(id, note) => app.editor?.setNote(id, note)}
            onRemoveLink={(id) => app.editor?.removeLink(id)}
            onSelectSpan={(id) => app.editor?.selectSpan(id)}
            onStartLink={() => app.startLinking()}
            onSetStatus={(s) => void app.updateDocumentInfo({ status: s })}
            onSetDocumentNote={(note) => void app.updateDocumentInfo({ note })}
            onLeave={() => app.editor?.focus()}
            readOnly={readOnly || state.lanes !== null}
          />
          <SpanPanel list={spans} live={app.spanList} labels={labels} selectedId={state.selectedSpanId} onSelect={(id) => app.editor?.selectSpan(id)} />
        </div>
      </main>
      <StatusBar
        status={app.saveStatus}
        corpusName={corpus?.name ?? ''}
        mode={mode}
        annotator={state.settings ? { name: state.settings.annotator, chosen: state.settings.annotatorChosen } : null}
        onChooseAnnotator={() => void app.runCommand({ type: 'set-annotator' })}
      />
      <Overlays app={app} state={state} api={api} host={host} />
      <DialogHost />
    </div>
  );
}

/** The layer switcher's choice for every layer side by side. */
const LANES = '\u0000lanes';

// Stable empty lists, so components memoised on them do not redraw for nothing.
const NO_LABELS: never[] = [];
const NO_LINK_TYPES: never[] = [];
