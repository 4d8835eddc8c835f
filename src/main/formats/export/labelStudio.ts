/**
 * Label Studio export: a JSON array of tasks, each annotator's spans an annotation of theirs
 * (`completed_by`) and spans of nobody pre-annotations (`predictions`),
 * ready for a project whose labelling config is labelStudioConfig's. Offsets are always Unicode code
 * points, whatever unit was asked for: Label Studio's frontend counts code points (checked in the real
 * frontend by tests/realClients/labelStudio.ts; UTF-16 offsets land 1–2 characters off after 𠮷 or 👍🏽).
 */
import { OffsetIndex } from '../../../shared/offsets';
import type { Label, Link, LinkType, LoupeDocument, Span } from '../../../shared/types';
import type { ExportContext, ExportSource } from './types';
import { jsonLine, locateSpan } from './helpers';
import { DocumentLosses } from './losses';

/** The control and object names the regions refer to (`from_name`, `to_name`) and the config declares. */
const FROM_NAME = 'label';
const TO_NAME = 'text';

const xmlAttr = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\n/g, '&#10;');

/**
 * The Label Studio labelling config matching this export: the labels (with their colours) and the
 * link types as relation labels.
 */
export function labelStudioConfig(
  labels: readonly { name: Label['name']; color?: Label['color'] }[],
  linkTypes: readonly { name: LinkType['name'] }[],
): string {
  const lines = ['<View>'];
  if (linkTypes.length > 0) {
    lines.push('  <Relations>');
    for (const t of linkTypes) lines.push(`    <Relation value="${xmlAttr(t.name)}"/>`);
    lines.push('  </Relations>');
  }
  lines.push(`  <Labels name="${FROM_NAME}" toName="${TO_NAME}">`);
  for (const l of labels) {
    const background = l.color ? ` background="${xmlAttr(l.color)}"` : '';
    lines.push(`    <Label value="${xmlAttr(l.name)}"${background}/>`);
  }
  lines.push('  </Labels>');
  lines.push(`  <Text name="${TO_NAME}" value="$text"/>`);
  lines.push('</View>');
  return `${lines.join('\n')}\n`;
}

/** Regions (one per fragment) and relations of some of a document's spans and links. */
function resultOf(doc: LoupeDocument, spans: readonly Span[], links: readonly Link[], index: OffsetIndex, ids: Set<string>, counts: { fragmented: number; attributes: number }): unknown[] {
  const result: unknown[] = [];
  for (const span of spans) {
    if (span.fragments.length > 1) counts.fragmented++;
    counts.attributes += Object.keys(span.attrs).length;
    span.fragments.forEach(([start, end], k) => {
      // The first fragment keeps the span's id and note, so links (relations) still attach to it.
      let id = span.id;
      if (k > 0) {
        id = `${span.id}-${k + 1}`;
        while (ids.has(id)) id += '-';
        ids.add(id);
      }
      const at = locateSpan(doc, index, { ...span, start, end }, 'codepoint');
      result.push({
        id,
        from_name: FROM_NAME,
        to_name: TO_NAME,
        type: 'labels',
        value: { start: at.start, end: at.end, text: at.text, labels: [span.label] },
        ...(span.note && k === 0 ? { meta: { text: [span.note] } } : {}),
      });
    });
  }
  for (const link of links) {
    result.push({ type: 'relation', from_id: link.from, to_id: link.to, direction: 'right', labels: [link.type] });
  }
  return result;
}

/**
 * One document as a Label Studio task: each annotator's layer an annotation of theirs (`completed_by`
 * names them; Label Studio files an annotation whose user it does not know under the importing user,
 * and a gold layer's is its ground truth), spans of nobody a prediction.
 */
function task(doc: LoupeDocument, ctx: ExportContext, gold: ReadonlySet<string>): unknown {
  const index = new OffsetIndex(doc.text);
  const ids = new Set(doc.spans.map((s) => s.id));
  const counts = { fragmented: 0, attributes: 0 };
  const layers = new Map<string | null, Span[]>();
  for (const span of doc.spans) {
    const layer = layers.get(span.annotator);
    if (layer) layer.push(span);
    else layers.set(span.annotator, [span]);
  }
  const linksOf = (spans: readonly Span[]): Link[] => {
    const mine = new Set(spans.map((s) => s.id));
    return doc.links.filter((l) => mine.has(l.from) && mine.has(l.to));
  };
  const nobody = layers.get(null) ?? [];
  const annotators = [...layers.keys()].filter((a): a is string => a !== null).sort();
  const annotations = annotators.map((annotator, k) => {
    const spans = layers.get(annotator)!;
    return {
      id: k + 1,
      completed_by: { loupe_annotator: annotator, first_name: annotator },
      was_cancelled: false,
      ground_truth: gold.has(annotator),
      result: resultOf(doc, spans, linksOf(spans), index, ids, counts),
    };
  });
  const predictions = nobody.length > 0 || annotations.length === 0 ? [{ model_version: 'loupe', result: resultOf(doc, nobody, linksOf(nobody), index, ids, counts) }] : [];
  if (counts.fragmented > 0) ctx.lost('fragmented spans written as one region per fragment', counts.fragmented);
  if (counts.attributes > 0) ctx.lost('attribute values (Label Studio needs a labelling config for them)', counts.attributes);
  return {
    id: doc.id,
    // loupe_offset_unit states the regions' unit: Label Studio's own, code points
    data: { text: doc.text, title: doc.title, loupe_document_id: doc.id, loupe_offset_unit: 'codepoint' },
    ...(annotations.length ? { annotations } : {}),
    predictions,
  };
}

/** Yields the Label Studio JSON: `[`, one task per chunk (one line each), `]`. */
export function* labelStudioExporter(source: ExportSource, ctx: ExportContext): Generator<string> {
  yield '[\n';
  let first = true;
  // A task's data holds the text and title; Label Studio has no place for the rest of the document.
  const documentLosses = new DocumentLosses(['status', 'note', 'meta']);
  const gold = new Set(source.goldLayers ?? []);
  for (const doc of source.documents()) {
    yield `${first ? '' : ',\n'}${jsonLine(task(doc, ctx, gold))}`;
    documentLosses.add(doc);
    first = false;
  }
  yield '\n]\n';
  documentLosses.report(ctx);
}
