/**
 * W3C Web Annotation export (JSON-LD): one AnnotationCollection whose single page lists an
 * Annotation per span (motivation "tagging": the label, then attribute values and the note as
 * further bodies) and per link (motivation "linking", its targets the two spans, from first).
 *
 * Selectors count code points whatever unit was asked for: the Web Annotation model counts text
 * positions in Unicode characters (code points), not code units. Each target carries both a
 * TextPositionSelector and an equivalent TextQuoteSelector (the text, with context around it).
 */
import { OffsetIndex } from '../../../shared/offsets';
import type { Link, LoupeDocument, Span } from '../../../shared/types';
import type { ExportContext, ExportSource } from './types';
import { jsonLine, locateFragments } from './helpers';

/** Code points of context a TextQuoteSelector carries on each side. */
export const W3C_CONTEXT = 32;

export const spanUrn = (id: string): string => `urn:loupe:span:${id}`;
export const documentUrn = (id: number): string => `urn:loupe:document:${id}`;

function spanAnnotation(doc: LoupeDocument, index: OffsetIndex, span: Span): unknown {
  const body: unknown[] = [{ type: 'TextualBody', purpose: 'tagging', value: span.label }];
  for (const name of Object.keys(span.attrs).sort()) {
    body.push({ type: 'TextualBody', purpose: 'describing', value: `${name}=${String(span.attrs[name])}` });
  }
  if (span.note) body.push({ type: 'TextualBody', purpose: 'commenting', value: span.note });
  const targets = locateFragments(doc, index, span, 'codepoint').map((f) => {
    const prefix = index.slice(Math.max(0, f.start - W3C_CONTEXT), f.start);
    const suffix = index.slice(f.end, Math.min(index.length, f.end + W3C_CONTEXT));
    return {
      source: documentUrn(doc.id),
      selector: [
        { type: 'TextPositionSelector', start: f.start, end: f.end },
        { type: 'TextQuoteSelector', exact: f.text, ...(prefix ? { prefix } : {}), ...(suffix ? { suffix } : {}) },
      ],
    };
  });
  return {
    id: spanUrn(span.id),
    type: 'Annotation',
    motivation: 'tagging',
    ...(span.annotator ? { creator: { type: 'Person', name: span.annotator } } : {}),
    created: span.createdAt,
    modified: span.updatedAt,
    body,
    // A fragmented span has one target per fragment.
    target: targets.length === 1 ? targets[0] : targets,
  };
}

function linkAnnotation(link: Link): unknown {
  return {
    id: `urn:loupe:link:${link.id}`,
    type: 'Annotation',
    motivation: 'linking',
    body: { type: 'TextualBody', purpose: 'tagging', value: link.type },
    // The link's direction is the order of its targets: from, then to.
    target: [spanUrn(link.from), spanUrn(link.to)],
  };
}

/**
 * Yields the W3C JSON-LD: the collection's header, then each document's annotations (one per line),
 * then `total`, which comes last because it is only known once every document has been read.
 */
export function* w3cExporter(source: ExportSource, ctx: ExportContext): Generator<string> {
  // offset_unit states the selectors' unit (an extra property, which JSON-LD processors leave alone)
  const header = { '@context': 'http://www.w3.org/ns/anno.jsonld', type: 'AnnotationCollection', label: source.corpusName, offset_unit: 'codepoint' };
  // The header object is written open, so the page and its items can follow it.
  yield `${jsonLine(header).slice(0, -1)},\n"first":{"type":"AnnotationPage","startIndex":0,"items":[\n`;
  let total = 0;
  let documents = 0;
  let empty = 0;
  let values = 0;
  for (const doc of source.documents()) {
    documents += 1;
    for (const span of doc.spans) values += Object.keys(span.attrs).length;
    const index = new OffsetIndex(doc.text);
    const items = [...doc.spans.map((s) => spanAnnotation(doc, index, s)), ...doc.links.map(linkAnnotation)];
    if (items.length === 0) {
      empty += 1;
      continue;
    }
    yield `${total > 0 ? ',\n' : ''}${items.map(jsonLine).join(',\n')}`;
    total += items.length;
  }
  yield `\n]},\n"total":${total}}\n`;
  // Annotations point at documents by URN and quote their text; the documents themselves are not written.
  if (documents > 0) ctx.lost('document texts, titles, statuses, notes and metadata (targets name documents by URN)', documents);
  if (empty > 0) ctx.lost('documents without annotations', empty);
  if (values > 0) ctx.lost('attribute values written as name=value text (a flag or number is text there)', values);
}
