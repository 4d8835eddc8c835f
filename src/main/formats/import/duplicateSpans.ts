/**
 * Exact duplicate spans in an imported document — the same label on the same fragments, as a file
 * that lists one annotation twice (or `Quote` and `quote` on one range) holds — become one span: the
 * first. Attribute values and notes that only one copy has, or that the copies agree on, are kept;
 * where they disagree the first copy's stay, and the report says how many. Links of the dropped
 * copies move to the kept one; a link that then repeats another, or joins the span to itself, goes.
 */
import type { Fragment, SpanAttrs, SpanInput } from '../../../shared/types';
import type { ParsedDocument } from './types';

const fragmentsOf = (s: SpanInput): Fragment[] => s.fragments ?? [[s.start, s.end]];

/** Merges the exact duplicate spans of `doc` in place; returns the report's notes on what it did. */
export function mergeDuplicateSpans(doc: ParsedDocument): string[] {
  const keptByKey = new Map<string, SpanInput>();
  const keptFor = new Map<string, string>(); // dropped span id → kept span id
  let disagreed = 0;
  const spans: SpanInput[] = [];
  for (const span of doc.spans) {
    const key = JSON.stringify([span.label, fragmentsOf(span)]);
    const kept = keptByKey.get(key);
    if (!kept) {
      keptByKey.set(key, span);
      spans.push(span);
      continue;
    }
    keptFor.set(span.id, kept.id);
    if (absorb(kept, span)) disagreed++;
  }
  if (keptFor.size === 0) return [];
  doc.spans = spans;

  const seen = new Set<string>();
  const before = doc.links.length;
  doc.links = doc.links.flatMap((link) => {
    const from = keptFor.get(link.from) ?? link.from;
    const to = keptFor.get(link.to) ?? link.to;
    const key = JSON.stringify([link.type, from, to]);
    if (from === to || seen.has(key)) return [];
    seen.add(key);
    return [{ ...link, from, to }];
  });

  const notes = [`exact duplicate spans merged: ${keptFor.size}`];
  if (disagreed) notes.push(`duplicate spans whose attribute values or note differed from the first one's (the first one's kept): ${disagreed}`);
  const dropped = before - doc.links.length;
  if (dropped) notes.push(`links dropped because the merge made them repeat another link or join a span to itself: ${dropped}`);
  return notes;
}

/** Adds to `kept` what `copy` has and `kept` lacks; true when they disagreed somewhere. */
function absorb(kept: SpanInput, copy: SpanInput): boolean {
  let disagreed = false;
  const attrs: SpanAttrs = { ...(copy.attrs ?? {}), ...(kept.attrs ?? {}) };
  for (const [name, value] of Object.entries(copy.attrs ?? {})) {
    if (kept.attrs && Object.hasOwn(kept.attrs, name) && !Object.is(kept.attrs[name], value)) disagreed = true;
  }
  if (Object.keys(attrs).length) kept.attrs = attrs;
  if (copy.note) {
    if (!kept.note) kept.note = copy.note;
    else if (kept.note !== copy.note) disagreed = true;
  }
  return disagreed;
}
