/**
 * Hosts the ProseMirror editor for one document. React owns the mount point and passes changes
 * out; the editor's state never goes through React.
 */
import type { Node as PmNode } from 'prosemirror-model';
import { forwardRef, useEffect, useImperativeHandle, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import i18next from '../i18n';
import type { AttrValue, Label, LinkType, OpenedDocument } from '../../shared/types';
import {
  addFragment,
  linkingChoice,
  linkSpans,
  linksOf,
  removeLink,
  selectText,
  setSpanAttr,
  setSpanNote,
  spanInfo,
  startLinking,
} from '../editor/commands';
import { findNext } from '../editor/find';
import { documentLanguage } from '../editor/language';
import { cpToPos } from '../editor/positions';
import { editorVersion } from '../editor/saveChanges';
import { labelStyleRules } from '../editor/labelStyles';
import { handleAnnotateKey } from '../editor/keys';
import { LinkOverlay } from '../editor/linkOverlay';
import { EXCERPT_LENGTH, type SpanList, type SpanListStore } from '../editor/spanList';
import { findSpan, spanExcerpts, spanRanges, type SpanRange } from '../editor/spanMarks';
import { getSelectedSpanId, spanState } from '../editor/spanPlugin';
import { createEditor, type EditorMode, type LoupeEditor, spanAtClick } from '../editor/view';
import type { DocVersion } from '../../shared/saveDiff';
import { CalmQueue } from '../state/calmQueue';


/** A link of the selected span, seen from that span. */
export interface LinkView {
  id: string;
  type: string;
  direction: 'out' | 'in';
  otherId: string;
  otherLabel: string;
  otherExcerpt: string;
}

/** What the inspector shows of the selected span. */
export interface SpanDetails {
  id: string;
  label: string;
  /** The text of each fragment (one for a contiguous span). */
  fragments: string[];
  attrs: Record<string, AttrValue>;
  note: string;
  links: LinkView[];
}

/** The link being chosen (L): from which span, to which candidate, with which type. */
export interface LinkingView {
  fromExcerpt: string;
  toExcerpt: string;
  toLabel: string;
  type: string;
  typeCount: number;
  index: number;
  count: number;
}

export interface EditorHandle {
  /** The document as it is now, for autosave (cheap: the editor's immutable document). */
  version(): DocVersion;
  /**
   * Runs `task`, which makes a React commit, now, or at the next pause in typing while the caret is
   * in the text (a newer task of the same `key` replaces a waiting one).
   */
  whenCalm(key: string, task: () => void): void;
  tag(label: string): void;
  /** Adds the selection as a fragment of the span selected last (when it has `label`). */
  addFragment(label: string): boolean;
  removeSelectedSpan(): void;
  undo(): void;
  redo(): void;
  selectSpan(id: string | null): void;
  /** Selects the text from code point `start` to `end` (and scrolls it into view). */
  selectRange(start: number, end: number): void;
  handleAnnotateKey(event: KeyboardEvent): boolean;
  setAttr(spanId: string, name: string, value: AttrValue | null): void;
  setNote(spanId: string, note: string): void;
  removeLink(id: string): void;
  startLinking(): boolean;
  /** Selects the next match of `query` after the selection; false when there is none. */
  find(query: string): boolean;
  /** Gives the keyboard back to the text (annotate keys work again). */
  focus(): void;
}

interface Props {
  document: OpenedDocument;
  labels: Label[];
  linkTypes: LinkType[];
  mode: EditorMode;
  /** The corpus is open read-only: the document is shown and never changed. */
  readOnly: boolean;
  onReady(editor: EditorHandle, doc: OpenedDocument): void;
  onDocChanged(): void;
  /** The newest spans, at every change (the span list redraws the excerpts in view from it). */
  spanList: SpanListStore;
  /** The span list's rows changed (a span added, removed, relabelled, reordered): a React commit. */
  onSpansChanged(spans: SpanList): void;
  onSelectSpan(id: string | null): void;
  onInspect(details: SpanDetails | null, linking: LinkingView | null): void;
}

/**
 * The span list's excerpts are refreshed this long after the last change to the document, not at
 * every key (reading the spans of a new document costs a few milliseconds in a long report).
 */
const SPAN_LIST_DELAY_MS = 120;
/**
 * What needs a React commit after typing (rows added or removed, the selected span's text in the
 * inspector) waits, while the caret is in the editor, for a pause this long (see CalmQueue).
 */
const TYPING_PAUSE_MS = 400;

/** Runs `f` when the page is idle, or within a frame or so. */
const whenIdle = (f: () => void): void => {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(f, { timeout: 100 });
  else setTimeout(f, 0);
};

/** A span's text for lists: its fragments joined by “ … ”, shortened to EXCERPT_LENGTH. */
function excerptOf(doc: PmNode, span: SpanRange): string {
  return spanExcerpts(doc, [span], EXCERPT_LENGTH)[0]!;
}

/** From this many UTF-16 units on, a document's opening is drawn as plain text while its editor builds. */
const PREVIEW_FROM_LENGTH = 100_000;
/** About a screenful and more of text for that preview. */
const PREVIEW_LENGTH = 6_000;

/** Draws the opening paragraphs of `text` into `mount` as plain, inert paragraphs; returns the preview. */
function drawPreview(mount: HTMLElement, text: string): HTMLElement {
  const preview = document.createElement('div');
  preview.className = 'lp-editor lp-preview';
  preview.setAttribute('aria-busy', 'true');
  let at = 0;
  while (at < Math.min(text.length, PREVIEW_LENGTH)) {
    const end = text.indexOf('\n', at);
    const p = document.createElement('p');
    p.textContent = text.slice(at, end < 0 ? text.length : end);
    // Element Timing: when the opening was painted (bench/editorBench.ts reads it)
    if (at === 0) p.setAttribute('elementtiming', 'loupe-opening');
    preview.append(p);
    if (end < 0) break;
    at = end + 1;
  }
  mount.append(preview);
  return preview;
}

/**
 * Runs `f` once the next frame is on screen (or soon, in a window that draws no frames): a frame
 * drawn by the main thread is shown by the compositor a frame later, so `f` waits two.
 */
function afterNextPaint(f: () => void): void {
  let done = false;
  const run = () => {
    if (done) return;
    done = true;
    f();
  };
  requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(run, 0)));
  setTimeout(run, 300);
}

/** One adopted style sheet for label colours: CSSOM, so the strict CSP needs no inline styles. */
const labelSheet = new CSSStyleSheet();
document.adoptedStyleSheets = [...document.adoptedStyleSheets, labelSheet];

export const EditorPane = forwardRef<EditorHandle, Props>(function EditorPane(props, ref) {
  const mountRef = useRef<HTMLDivElement>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const editorRef = useRef<LoupeEditor | null>(null);
  const propsRef = useRef(props);
  propsRef.current = props;

  const overlayRef = useRef<LinkOverlay | null>(null);
  /** What the inspector was last given, so it is only told about changes. */
  const inspectedRef = useRef<{ doc: unknown; selected: string | null; linking: unknown; shown: string } | null>(null);

  /** React commits held back while the user types in the editor. */
  const [calm] = useState(() => new CalmQueue({ quietMs: TYPING_PAUSE_MS, idle: whenIdle }));
  /** True while the caret is in the editable text, where a React commit measures the selection across it. */
  const typing = (editor: LoupeEditor) => editor.view.editable && editor.view.hasFocus();
  /** Runs `task` (a React commit) now, or at the next pause in typing (see EditorHandle.whenCalm). */
  const whenCalm = (editor: LoupeEditor | null, key: string, task: () => void) => {
    if (editor && typing(editor)) calm.defer(key, task);
    else {
      calm.cancel(key);
      task();
    }
  };

  /**
   * A change to the locked text (a tag, an undo in annotate mode): what the window shows of it through
   * React (the selection, the inspector) waits until the frame with the change is painted, so the
   * commit is not in the way of that paint. A key or a click before then draws it first.
   */
  const paintRef = useRef<{ doc: PmNode; tasks: (() => void)[] } | null>(null);
  const flushPaint = () => {
    const waiting = paintRef.current;
    paintRef.current = null;
    for (const task of waiting?.tasks ?? []) task();
  };
  const waitForPaint = (doc: PmNode) => {
    flushPaint();
    const waiting = { doc, tasks: [] };
    paintRef.current = waiting;
    const done = () => {
      if (paintRef.current === waiting) flushPaint();
    };
    requestAnimationFrame(() => setTimeout(done, 0));
    setTimeout(done, 100); // a hidden page draws no frames
  };
  /** Runs `task` now, or after the paint of the change it follows (see paintRef). */
  const tellAfterPaint = (editor: LoupeEditor, task: () => void) => {
    const waiting = paintRef.current;
    if (waiting && waiting.doc === editor.view.state.doc) waiting.tasks.push(task);
    else {
      flushPaint();
      task();
    }
  };

  /**
   * Gives the span list the document's spans: the excerpts in view follow at once (no React
   * commit); new rows are drawn by React, after a pause when the caret is in the text. `opening`:
   * the editor was just built, its rows are drawn whatever the list showed before.
   */
  const publishSpans = (editor: LoupeEditor, opening = false) => {
    const doc = editor.view.state.doc;
    // The spans are made into one array only when React draws new rows (typing draws none).
    const list: SpanList = {
      doc,
      get spans() {
        return spanRanges(doc);
      },
    };
    const { spanList } = propsRef.current;
    if (!spanList.set(list) && !opening) {
      calm.cancel('rows');
      return;
    }
    const draw = () => {
      if (editorRef.current !== editor) return;
      spanList.drawing(list);
      propsRef.current.onSpansChanged(list);
    };
    whenCalm(editor, 'rows', draw);
  };

  const spanListTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const publishSpansSoon = (editor: LoupeEditor) => {
    if (spanListTimer.current !== null) clearTimeout(spanListTimer.current);
    spanListTimer.current = setTimeout(() => {
      spanListTimer.current = null;
      if (editorRef.current === editor) publishSpans(editor);
    }, SPAN_LIST_DELAY_MS);
  };

  const publishInspect = (editor: LoupeEditor) => {
    const state = editor.view.state;
    const selected = getSelectedSpanId(state);
    const { linking } = spanState(state);
    const last = inspectedRef.current;
    if (last && last.doc === state.doc && last.selected === selected && last.linking === linking) return;
    const doc = state.doc;
    const span = selected === null ? undefined : findSpan(doc, selected);
    let details: SpanDetails | null = null;
    if (span) {
      const info = spanInfo(state, span.id);
      details = {
        id: span.id,
        label: span.label,
        fragments: span.fragments.map((f) => doc.textBetween(f.from, f.to, '\n')),
        attrs: info.attrs,
        note: info.note,
        links: linksOf(doc, span.id).map((l) => {
          const direction = l.from === span.id ? 'out' : 'in';
          const other = findSpan(doc, direction === 'out' ? l.to : l.from)!;
          return { id: l.id, type: l.type, direction, otherId: other.id, otherLabel: other.label, otherExcerpt: excerptOf(doc, other) };
        }),
      };
    }
    const choice = linkingChoice(state);
    const linkingView: LinkingView | null =
      choice && linking
        ? {
            fromExcerpt: excerptOf(doc, choice.from),
            toExcerpt: excerptOf(doc, choice.to),
            toLabel: choice.to.label,
            type: choice.type.name,
            typeCount: choice.types.length,
            index: linking.index,
            count: linking.candidates.length,
          }
        : null;
    // Typing changes the document, rarely what the inspector shows: tell it only about real changes.
    const shown = JSON.stringify([details, linkingView]);
    const unchanged = last?.shown === shown;
    inspectedRef.current = { doc: state.doc, selected, linking, shown };
    if (unchanged) return;
    const tell = () => propsRef.current.onInspect(details, linkingView);
    // Only the text changed under the same selection, as the user types: the inspector follows at the pause.
    if (last && last.selected === selected && last.linking === linking && typing(editor)) calm.defer('inspect', tell);
    else {
      calm.cancel('inspect');
      tellAfterPaint(editor, tell);
    }
  };

  useEffect(() => {
    const mount = mountRef.current!;
    const { document: doc } = propsRef.current;
    let editor: LoupeEditor | null = null;
    let cancelled = false;
    // A long report takes a moment to build: its opening is drawn first, as plain text.
    const preview = doc.text.length >= PREVIEW_FROM_LENGTH ? drawPreview(mount, doc.text) : null;
    const build = () => {
      if (cancelled) return;
      preview?.remove();
      try {
        editor = buildEditor(mount, doc);
      } catch (error) {
        // A document the editor cannot build (the Node side leaves out the spans it knows to be
        // unusable; this is for what it did not foresee) is said so; the rest of the window works.
        console.error('Loupe: the editor could not open the document', error);
        setFailure(error instanceof Error ? error.message : String(error));
      }
    };
    // A key or a click acts on what the window shows: what waited for a paint is drawn first.
    window.addEventListener('keydown', flushPaint, true);
    window.addEventListener('pointerdown', flushPaint, true);
    if (preview) afterNextPaint(build);
    else build();
    return () => {
      cancelled = true;
      preview?.remove();
      if (spanListTimer.current !== null) clearTimeout(spanListTimer.current);
      calm.dispose();
      paintRef.current = null;
      window.removeEventListener('keydown', flushPaint, true);
      window.removeEventListener('pointerdown', flushPaint, true);
      if (!editor) return;
      editor.view.dom.removeEventListener('focusout', calm.flush);
      overlayRef.current?.destroy();
      overlayRef.current = null;
      editor.destroy();
      editorRef.current = null;
    };
    // The document is fixed for this component's life (the parent keys it by document id).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  /** Creates the editor for `doc` in `mount`, with its link overlay, and tells the parent. */
  const buildEditor = (mount: HTMLElement, doc: OpenedDocument): LoupeEditor => {
    const { labels, linkTypes, mode } = propsRef.current;
    const editor = createEditor(mount, {
      text: doc.text,
      spans: doc.spans,
      links: doc.links,
      labels,
      linkTypes,
      mode,
      onChange: (_state, tr) => {
        if (tr.docChanged) {
          calm.touch();
          propsRef.current.onDocChanged();
          if (editor.view.editable) publishSpansSoon(editor);
          else {
            // A tag: the span list's new row, the selection and the inspector in one commit, after the paint.
            waitForPaint(editor.view.state.doc);
            tellAfterPaint(editor, () => publishSpans(editor));
          }
        }
        publishInspect(editor);
        overlayRef.current?.update();
      },
      onSelectSpan: (id) => tellAfterPaint(editor, () => propsRef.current.onSelectSpan(id)),
      readOnly: () => propsRef.current.readOnly,
      // Read at each update of the editor, so the text's name follows the UI's language.
      get ariaLabel() {
        return i18next.t('editor.label');
      },
    });
    editorRef.current = editor;
    // The caret left the text: what waited for a pause in typing is drawn now.
    editor.view.dom.addEventListener('focusout', calm.flush);
    overlayRef.current = new LinkOverlay(editor.view, mount, {
      canLink: () => editor.mode === 'annotate' && !propsRef.current.readOnly,
      link: (from, to) => editor.run(linkSpans(from, to)),
      spanAt: (target) => spanAtClick(editor.view.state.doc, -1, target, editor.view.dom),
      linkTypes: () => editor.linkTypes,
    });
    publishSpans(editor, true);
    publishInspect(editor);
    propsRef.current.onReady(handle, doc);
    return editor;
  };

  useEffect(() => {
    editorRef.current?.setMode(props.mode);
    // Out of edit mode the text is not editable: nothing waits for a pause in typing any more.
    if (props.mode !== 'edit') calm.flush();
  }, [props.mode, calm]);

  // The UI's language changed: the editor reads its accessible name again.
  const { i18n } = useTranslation();
  useEffect(() => {
    editorRef.current?.view.setProps({});
  }, [i18n.language]);

  useEffect(() => {
    editorRef.current?.setSchema(props.labels, props.linkTypes);
    const rules = labelStyleRules(props.labels);
    while (labelSheet.cssRules.length) labelSheet.deleteRule(0);
    for (const rule of rules) labelSheet.insertRule(rule, labelSheet.cssRules.length);
  }, [props.labels, props.linkTypes]);

  const handle: EditorHandle = {
    version: () => editorVersion(editorRef.current!.view.state.doc),
    whenCalm: (key, task) => whenCalm(editorRef.current, key, task),
    tag: (label) => editorRef.current?.tag(label),
    addFragment: (label) => editorRef.current?.run(addFragment(label)) ?? false,
    removeSelectedSpan: () => editorRef.current?.removeSelectedSpan(),
    undo: () => editorRef.current?.undo(),
    redo: () => editorRef.current?.redo(),
    selectSpan: (id) => editorRef.current?.selectSpan(id),
    selectRange: (start, end) => {
      const editor = editorRef.current;
      if (!editor) return;
      const { doc } = editor.view.state;
      editor.run(selectText(cpToPos(doc, start), cpToPos(doc, end)));
    },
    handleAnnotateKey: (event) =>
      editorRef.current ? handleAnnotateKey(editorRef.current, event, propsRef.current.labels) : false,
    setAttr: (spanId, name, value) => editorRef.current?.run(setSpanAttr(spanId, name, value)),
    setNote: (spanId, note) => editorRef.current?.run(setSpanNote(spanId, note)),
    removeLink: (id) => editorRef.current?.run(removeLink(id)),
    startLinking: () => editorRef.current?.run(startLinking()) ?? false,
    find: (query) => {
      const editor = editorRef.current;
      if (!editor) return false;
      const { state } = editor.view;
      const from = state.selection.empty ? state.selection.from : state.selection.from + 1;
      const hit = findNext(state.doc, query, from);
      return !!hit && editor.run(selectText(hit.from, hit.to));
    },
    focus: () => {
      const editor = editorRef.current;
      if (!editor) return;
      // In annotate mode the text is not editable, so focus goes to the scroll area; keys reach the window.
      if (editor.mode === 'edit') editor.view.focus();
      else (mountRef.current?.parentElement as HTMLElement | null)?.focus({ preventScroll: true });
    },
  };
  useImperativeHandle(ref, () => handle);

  return (
    // In the tab order (annotate mode leaves the text itself unfocusable), so the keyboard can scroll it;
    // a region named by the document, so that what takes the focus says what it is.
    <div className="editor-scroll" tabIndex={0} role="region" aria-label={props.document.title}>
      {failure !== null && (
        <p className="part-failed" role="alert">
          {i18next.t('problems.cannotOpen', { message: failure })}
        </p>
      )}
      <div ref={mountRef} className="editor-mount" lang={documentLanguage(props.document)} />
    </div>
  );
});
