/**
 * Creates Loupe's editor view. Two modes: 'annotate' locks the text (not editable; mouse selection
 * still works and the window's key handler drives tagging), 'edit' makes the text editable.
 */
import type { Node } from 'prosemirror-model';
import { history, isHistoryTransaction, redo, undo } from 'prosemirror-history';
import { type Command, EditorState, Plugin, TextSelection, type Transaction } from 'prosemirror-state';
import { EditorView } from 'prosemirror-view';
import type { Link, LinkType, SpanInput } from '../../shared/types';
import { applyLabel, cancelLinking, confirmLink, removeSpan, selectNextSpan, selectSpan, setSchema } from './commands';
import { type DocumentContent, docFromText, readDocument } from './docCodec';
import { editKeymap } from './keys';
import { SCROLL_PROPS, scrollRangeIntoView } from './scroll';
import { SPAN_ID_ATTR } from './schema';
import { findSpan, type SpanRange, spansAt } from './spanMarks';
import { type EditorLabel, getSelectedSpanId, spanHighlightPlugin, spanPlugin, spanState } from './spanPlugin';

export type EditorMode = 'annotate' | 'edit';

export interface EditorOptions {
  text: string;
  spans: readonly SpanInput[];
  links?: readonly Link[];
  labels: readonly EditorLabel[];
  linkTypes?: readonly LinkType[];
  mode?: EditorMode;
  /** The accessible name of the text area. */
  ariaLabel?: string;
  /** After every transaction (the doc changed when `tr.docChanged`). */
  onChange?: (state: EditorState, tr: Transaction) => void;
  /** When the selected span changes. */
  onSelectSpan?: (id: string | null) => void;
  /** Whether the corpus is open read-only: then no transaction may change the document (text, spans, links). */
  readOnly?: () => boolean;
}

export interface LoupeEditor {
  readonly view: EditorView;
  readonly mode: EditorMode;
  readonly labels: readonly EditorLabel[];
  setMode(mode: EditorMode): void;
  readonly linkTypes: readonly LinkType[];
  setSchema(labels: readonly EditorLabel[], linkTypes: readonly LinkType[]): void;
  /** Replaces the document; history starts afresh. */
  load(text: string, spans: readonly SpanInput[], links?: readonly Link[]): void;
  /** The current text, spans and links, in code points. */
  read(): DocumentContent;
  /** Runs a command against the view. */
  run(command: Command): boolean;
  /** Tags the selection with `label`, or relabels the selected span. */
  tag(label: string): boolean;
  removeSelectedSpan(): boolean;
  undo(): boolean;
  redo(): boolean;
  selectSpan(id: string | null): boolean;
  selectNextSpan(dir: 1 | -1): boolean;
  selectedSpanId(): string | null;
  destroy(): void;
}

/** The span a click lands on: the shortest one around the clicked character. */
export function spanAtClick(doc: Node, pos: number, target: EventTarget | null, root: HTMLElement): SpanRange | undefined {
  const el = target as { closest?: unknown } | null;
  if (el && typeof el.closest === 'function' && root.contains(target as globalThis.Node)) {
    // The DOM knows which spans wrap the clicked character; a position alone cannot tell a click
    // on a span's last character from one on the character after it.
    let best: SpanRange | undefined;
    for (let cur = (target as Element).closest(`[${SPAN_ID_ATTR}]`); cur && root.contains(cur); ) {
      const span = findSpan(doc, cur.getAttribute(SPAN_ID_ATTR) ?? '');
      if (span && (!best || span.to - span.from < best.to - best.from)) best = span;
      cur = cur.parentElement?.closest(`[${SPAN_ID_ATTR}]`) ?? null;
    }
    return best;
  }
  return spansAt(doc, pos)[0];
}

/**
 * Refuses every change to the document while `readOnly()` holds: whatever asks (a key, the
 * inspector, a link drawn with the mouse), a read-only corpus's document stays as it was opened.
 */
function readOnlyGuard(readOnly: () => boolean): Plugin {
  return new Plugin({ filterTransaction: (tr) => !tr.docChanged || !readOnly() });
}

/** Creates the editor inside `mount`. */
export function createEditor(mount: HTMLElement, options: EditorOptions): LoupeEditor {
  let mode: EditorMode = options.mode ?? 'annotate';
  let labels = options.labels;
  let linkTypes = options.linkTypes ?? [];

  const createState = (text: string, spans: readonly SpanInput[], links: readonly Link[] = []): EditorState =>
    EditorState.create({
      doc: docFromText(text, spans, links),
      plugins: [readOnlyGuard(() => options.readOnly?.() ?? false), spanPlugin(labels, linkTypes), spanHighlightPlugin(), history(), ...editKeymap(() => labels)],
    });

  const attributes = (): Record<string, string> => ({
    class: `lp-editor lp-mode-${mode}`,
    role: 'textbox',
    'aria-multiline': 'true',
    'aria-readonly': String(mode === 'annotate'),
    ...(options.ariaLabel ? { 'aria-label': options.ariaLabel } : {}),
    spellcheck: 'false',
  });

  const run = (command: Command): boolean => command(view.state, view.dispatch);

  const view: EditorView = new EditorView(mount, {
    state: createState(options.text, options.spans, options.links),
    editable: () => mode === 'edit',
    attributes,
    dispatchTransaction(tr) {
      const before = getSelectedSpanId(view.state);
      const state = view.state.apply(tr);
      view.updateState(state);
      // ProseMirror scrolls only when the text has the keyboard; find, the span list, J/K and undo
      // in annotate mode must bring what they select into view too. An undo or redo with the
      // keyboard in the text goes there as well: it may jump far, over paragraphs laid out at a
      // guessed height, and only scrollRangeIntoView places it again as they take their real one
      // (typing, which stays near the caret, is left to ProseMirror alone).
      if (tr.scrolledIntoView && (!view.hasFocus() || isHistoryTransaction(tr))) scrollRangeIntoView(view, state.selection.from, state.selection.to);
      options.onChange?.(state, tr);
      const after = getSelectedSpanId(state);
      if (after !== before) options.onSelectSpan?.(after);
    },
    handleKeyPress(v, event) {
      // A character typed at the caret is inserted here, as ProseMirror already does over a selection.
      // Left to the browser, Chromium's own text insertion walks the editable text up to the caret,
      // tens of milliseconds per key in a long report. Composition (IME input) never comes here.
      const sel = v.state.selection;
      if (mode !== 'edit' || !(sel instanceof TextSelection) || !sel.empty) return false;
      if (!event.charCode || (event.ctrlKey && !event.altKey) || event.metaKey) return false;
      const text = String.fromCodePoint(event.charCode);
      if (/[\r\n]/.test(text)) return false;
      if (v.someProp('handleTextInput', (f) => f(v, sel.from, sel.to, text, () => v.state.tr.insertText(text)))) return true;
      v.dispatch(v.state.tr.insertText(text).scrollIntoView());
      return true;
    },
    handleClick(v, pos, event) {
      // Shift-click extends the text selection; leave it to the browser and ProseMirror.
      if (event.shiftKey) return false;
      const span = spanAtClick(v.state.doc, pos, event.target, v.dom);
      if (spanState(v.state).linking) {
        // Choosing a link's target: a click on a span links to it; anywhere else cancels.
        if (span && run(confirmLink(span.id))) return true;
        run(cancelLinking());
        return true;
      }
      if (mode === 'edit') {
        // Editing: Ctrl/Cmd+click selects the span; a click puts the caret where it lands, as in any
        // editor. It is set here, not left to the browser's selectionchange: when the click also
        // focuses the text, ProseMirror puts its old selection back 20 ms later unless it has seen
        // the new one, and on a busy machine it had not (the typed text landed at the old caret).
        if (span && (event.ctrlKey || event.metaKey)) return run(selectSpan(span.id));
        v.dispatch(v.state.tr.setSelection(TextSelection.near(v.state.doc.resolve(pos))).setMeta('pointer', true));
        return true;
      }
      if (!span) {
        run(selectSpan(null));
        return false;
      }
      return run(selectSpan(span.id));
    },
    clipboardTextSerializer: (slice) => slice.content.textBetween(0, slice.content.size, '\n'),
    ...SCROLL_PROPS,
  });

  return {
    view,
    get mode() {
      return mode;
    },
    get labels() {
      return labels;
    },
    get linkTypes() {
      return linkTypes;
    },
    setMode(next) {
      mode = next;
      view.setProps({ editable: () => mode === 'edit', attributes });
    },
    setSchema(nextLabels, nextTypes) {
      labels = nextLabels;
      linkTypes = nextTypes;
      run(setSchema(nextLabels, nextTypes));
    },
    load(text, spans, links) {
      const before = getSelectedSpanId(view.state);
      view.updateState(createState(text, spans, links));
      if (before !== null) options.onSelectSpan?.(null);
    },
    read: () => readDocument(view.state.doc),
    run,
    tag: (label) => run(applyLabel(label)),
    removeSelectedSpan() {
      const id = getSelectedSpanId(view.state);
      return id !== null && run(removeSpan(id));
    },
    undo: () => run(undo),
    redo: () => run(redo),
    selectSpan: (id) => run(selectSpan(id)),
    selectNextSpan: (dir) => run(selectNextSpan(dir)),
    selectedSpanId: () => getSelectedSpanId(view.state),
    destroy: () => view.destroy(),
  };
}
