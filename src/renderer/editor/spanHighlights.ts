/**
 * The selection highlight: the selected span, the spans linked to it, and while a link's target is
 * chosen, the candidates. A handful of decorations in a set of their own, so that selecting a span
 * or tagging one never redraws the other spans (spanClasses.ts).
 *
 * Each is a wrapper element of its own around the span's text (inside the span marks' elements,
 * which ProseMirror draws outside every decoration), carrying the label's colour; the span's own
 * element still draws its tint and underline. Adding a class to the span's element instead would
 * mean telling its element apart from those of the spans nested in it; editor.css draws the
 * highlight to look the same.
 */
import type { Node } from 'prosemirror-model';
import { Decoration, DecorationSet } from 'prosemirror-view';
import { storedLinks } from './schema';
import { type EditorLabel, FRAGMENT_CLASS, LABEL_CLASS_PREFIX, labelIndexOf } from './spanClasses';
import { findSpan } from './spanMarks';

/** The highlight's own element (styled with the classes below). */
export const HIGHLIGHT_CLASS = 'lp-hl';
export const SELECTED_CLASS = 'lp-selected';
/** A span linked to (or from) the selected span. */
export const LINKED_CLASS = 'lp-linked';
/** While choosing a link's target: the span a link would go to on Enter, and the other candidates. */
export const LINK_TARGET_CLASS = 'lp-link-target';
export const LINK_CANDIDATE_CLASS = 'lp-link-candidate';

/** Extra classes per span id (selection, links, link candidates). */
export type SpanHighlights = ReadonlyMap<string, string>;

/** The spec of a highlight decoration. */
export interface HighlightSpec {
  spanId: string;
  /** The highlight's own classes (SELECTED_CLASS…). */
  highlight: string;
  /** The element's whole class list. */
  className: string;
}

/** The span a link is being drawn from, and the candidates for its target (the one Enter picks at `index`). */
export interface LinkChoice {
  from: string;
  candidates: readonly string[];
  index: number;
}

/** The extra classes of spans: the selected one, those linked to it, and link candidates. */
export function highlightClasses(doc: Node, selectedId: string | null, linking: LinkChoice | null): Map<string, string> {
  const out = new Map<string, string>();
  const add = (id: string, cls: string) => out.set(id, out.has(id) ? `${out.get(id)} ${cls}` : cls);
  if (linking) {
    add(linking.from, SELECTED_CLASS);
    linking.candidates.forEach((id, i) => add(id, i === linking.index ? LINK_TARGET_CLASS : LINK_CANDIDATE_CLASS));
    return out;
  }
  if (selectedId === null) return out;
  add(selectedId, SELECTED_CLASS);
  for (const l of storedLinks(doc)) {
    if (l.from !== selectedId && l.to !== selectedId) continue;
    const other = l.from === selectedId ? l.to : l.from;
    if (findSpan(doc, other) && !out.has(other)) add(other, LINKED_CLASS);
  }
  return out;
}

/** Whether two highlight maps give the same classes to the same spans. */
export function sameHighlights(a: SpanHighlights, b: SpanHighlights): boolean {
  if (a.size !== b.size) return false;
  for (const [id, cls] of a) if (b.get(id) !== cls) return false;
  return true;
}

/** The highlight decorations of `highlights` over the spans of `doc`. */
export function buildHighlights(doc: Node, highlights: SpanHighlights, labels: readonly EditorLabel[]): DecorationSet {
  if (!highlights.size) return DecorationSet.empty;
  const decorations: Decoration[] = [];
  for (const [id, highlight] of highlights) {
    const span = findSpan(doc, id);
    if (!span) continue;
    const labelIndex = labelIndexOf(labels, span.label);
    let cls = HIGHLIGHT_CLASS;
    if (labelIndex >= 0) cls += ` ${LABEL_CLASS_PREFIX}${labelIndex}`;
    if (span.fragments.length > 1) cls += ` ${FRAGMENT_CLASS}`;
    cls += ` ${highlight}`;
    const spec: HighlightSpec = { spanId: id, highlight, className: cls };
    for (const f of span.fragments) {
      decorations.push(Decoration.inline(f.from, f.to, { nodeName: 'span', class: cls, 'data-label': span.label, 'data-span-id': id }, spec));
    }
  }
  return DecorationSet.create(doc, decorations);
}
