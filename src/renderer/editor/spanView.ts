/**
 * Draws each span mark as one element that is both the mark and what the user sees: it carries
 * the span's id, label and fragment number (for re-reading the DOM, spanAtClick and the link
 * overlay) and the classes of its lane, colour and pieces (spanClasses.ts). One element per span
 * and per run of text it covers, where a decoration drawing the span would add a wrapper around
 * every text node inside it.
 *
 * A span's classes can change while its mark does not (its lane, when a span is added before it,
 * or whether it is in pieces): after each update, `syncSpanClasses` rewrites the class list of
 * exactly those spans' elements.
 */
import type { Mark } from 'prosemirror-model';
import type { EditorView, MarkViewConstructor } from 'prosemirror-view';
import { SPAN_FRAG_ATTR, SPAN_ID_ATTR, SPAN_LABEL_ATTR, SPAN_MARK_ATTR, spanAttrs } from './schema';
import { changedClasses, classOfSpan, type DrawnSpans } from './spanClasses';
import { findSpan } from './spanMarks';

/** Beyond this many spans whose classes changed, every span element of the document is rewritten. */
const MAX_SPANS_BY_ID = 200;

/** The mark view of span marks, classes taken from `drawn(view)` (the view's current state). */
export function spanMarkView(drawn: (view: EditorView) => DrawnSpans | undefined): MarkViewConstructor {
  return (mark: Mark, view: EditorView) => {
    const { id, label, frag } = spanAttrs(mark);
    const dom = document.createElement('span');
    dom.setAttribute(SPAN_MARK_ATTR, '');
    dom.setAttribute(SPAN_ID_ATTR, id);
    dom.setAttribute(SPAN_LABEL_ATTR, label);
    dom.setAttribute(SPAN_FRAG_ATTR, String(frag));
    const d = drawn(view);
    const cls = d && classOfSpan(d, id);
    if (cls) dom.className = cls;
    // Class changes are ours (syncSpanClasses), or a browser extension's: neither changes the text.
    return { dom, ignoreMutation: (m) => m.type === 'attributes' };
  };
}

/** Sets the class list of the span elements under `root` whose span id is in `ids` (all with null). */
function setClasses(root: Element, drawn: DrawnSpans, ids: ReadonlySet<string> | null): void {
  for (const el of root.querySelectorAll(`[${SPAN_MARK_ATTR}]`)) {
    const id = el.getAttribute(SPAN_ID_ATTR);
    if (id === null || (ids && !ids.has(id))) continue;
    const cls = classOfSpan(drawn, id);
    if (cls !== null && el.className !== cls) el.className = cls;
  }
}

/**
 * Brings the classes of span elements drawn for `prev` up to `next` (the view's state now): those
 * whose lane or pieces changed, looked for in the paragraphs their span covers.
 */
export function syncSpanClasses(view: EditorView, prev: DrawnSpans, next: DrawnSpans): void {
  const changed = changedClasses(prev, next);
  if (changed !== 'all' && !changed.size) return;
  const doc = view.state.doc;
  if (changed === 'all' || changed.size > MAX_SPANS_BY_ID) {
    setClasses(view.dom, next, null);
    return;
  }
  // Paragraphs (by position) holding the changed spans' text.
  const paragraphs = new Set<number>();
  for (const id of changed) {
    const span = findSpan(doc, id);
    if (!span) continue;
    for (const f of span.fragments) {
      doc.nodesBetween(f.from, f.to, (_node, pos) => {
        paragraphs.add(pos);
        return false;
      });
    }
  }
  for (const pos of paragraphs) {
    const dom = view.nodeDOM(pos);
    if (dom?.nodeType === 1) setClasses(dom as Element, next, changed);
  }
}
