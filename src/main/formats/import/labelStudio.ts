/**
 * Label Studio's JSON: an array of tasks (its export), or one task object (as it hands out a single
 * task), each `{id, data: {text, …}, annotations: [{result, was_cancelled, …}], predictions: [{result,
 * …}]}`. A result lists regions `{id, from_name, to_name, type: 'labels', value: {start, end, text,
 * labels}, meta: {text: [note]}}` and relations `{type: 'relation', from_id, to_id, direction, labels}`.
 *
 * Label Studio's `start`/`end` on text are JavaScript string indices, i.e. UTF-16 code units (an
 * emoji or an astral CJK character such as 𠮷 counts 2): they are converted to code points here.
 */
import { OffsetIndex } from '../../../shared/offsets';
import type { Link, SpanInput } from '../../../shared/types';
import { checkJsonNesting, firstLine, idOf, jsonText, toCodePoints } from './jsonl';
import { ImportError, type Importer, type ParsedDocument } from './types';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []);

/** Shortens a text for an error message. */
const quote = (s: string): string => JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s);

/** Whether a parsed JSON value is one Label Studio task (an object with its `data`), not a list of them. */
export function looksLikeLabelStudioTask(value: unknown): boolean {
  return isObject(value) && isObject(value.data) && !('loupe_version' in value);
}

/** The result a task's spans come from: its last annotation not cancelled, else its first prediction. */
function chosenResult(task: Record<string, unknown>, where: string): { source: 'annotation' | 'prediction' | 'none'; id?: unknown; result: unknown[] } {
  const annotations = (Array.isArray(task.annotations) ? task.annotations : []).filter(
    (a): a is Record<string, unknown> => isObject(a) && a.was_cancelled !== true,
  );
  const annotation = annotations[annotations.length - 1];
  const prediction = Array.isArray(task.predictions) && isObject(task.predictions[0]) ? task.predictions[0] : undefined;
  const chosen = annotation ?? prediction;
  if (!chosen) return { source: 'none', result: [] };
  const kind = annotation ? 'annotation' : 'prediction';
  if (chosen.result !== undefined && !Array.isArray(chosen.result)) throw new ImportError(`${where}: the ${kind}'s "result" is not a list`);
  return { source: kind, id: chosen.id, result: (chosen.result as unknown[] | undefined) ?? [] };
}

/** One task as one document. */
function labelStudioTask(task: unknown, position: number, fileName: string): ParsedDocument {
  let where = `task ${position + 1}`;
  if (!isObject(task)) throw new ImportError(`${where}: a task must be an object`);
  if (idOf(task.id) !== undefined) where += ` (id ${idOf(task.id)})`;
  if (!isObject(task.data)) throw new ImportError(`${where}: a task needs a "data" object with its text`);
  const data = task.data;
  // data.text, else the one string field of data (a project whose text field has another name); never a guess.
  const textFields = Object.entries(data).filter(([k, v]) => k !== 'title' && typeof v === 'string') as [string, string][];
  const text = typeof data.text === 'string' ? data.text : textFields.length === 1 ? textFields[0]![1] : undefined;
  if (text === undefined) {
    throw new ImportError(`${where}: its "data" has no text: no "data.text", and not exactly one other text field to take instead`);
  }
  const index = new OffsetIndex(text);

  const { source, id: resultId, result } = chosenResult(task, where);
  const spans: SpanInput[] = [];
  const links: Link[] = [];
  // Region id → the id of its (first) span; relations attach there. Skipped regions are remembered
  // so that a relation to one is skipped too rather than failing the file.
  const regionSpan = new Map<string, string>();
  const skippedRegions = new Set<string>();
  const spanIds = new Set<string>();
  const relations: { raw: Record<string, unknown>; n: number }[] = [];
  let skipped = 0;
  let bidirectional = 0;

  /** A span id unique in this document: the region's own when free. */
  const freshId = (base: string): string => {
    let id = base;
    for (let k = 2; spanIds.has(id); k++) id = `${base}_${k}`;
    spanIds.add(id);
    return id;
  };

  result.forEach((r, i) => {
    if (!isObject(r)) throw new ImportError(`${where}, result item ${i + 1}: not an object`);
    const regionId = idOf(r.id) ?? `region-${i + 1}`;
    if (r.type === 'relation') {
      relations.push({ raw: r, n: i + 1 });
      return;
    }
    if (r.type !== 'labels') {
      skipped++;
      if (!regionSpan.has(regionId)) skippedRegions.add(regionId);
      return;
    }
    const at = `${where}, region ${regionId}`;
    const value = r.value;
    if (!isObject(value)) throw new ImportError(`${at}: a region needs a "value" with start, end and labels`);
    const labels = strings(value.labels).filter((l) => l !== '');
    if (labels.length === 0) throw new ImportError(`${at}: the region has no labels`);
    const [start, end] = toCodePoints(index, at, value.start, value.end, 'utf16');
    const under = index.slice(start, end);
    if (typeof value.text === 'string' && value.text !== under) {
      throw new ImportError(
        `${at}: its text ${quote(value.text)} is not the text at ${String(value.start)}–${String(value.end)} (${quote(under)})`,
      );
    }
    const meta = isObject(r.meta) ? r.meta : {};
    const note = typeof meta.text === 'string' ? meta.text : strings(meta.text).join('\n');
    // Several labels on one region: one span per label; relations attach to the first.
    labels.forEach((label, k) => {
      const id = freshId(k === 0 ? regionId : `${regionId}_${label}`);
      if (k === 0 && !regionSpan.has(regionId)) regionSpan.set(regionId, id);
      spans.push({ id, label, start, end, attrs: {}, note });
    });
    skippedRegions.delete(regionId);
  });

  for (const { raw, n } of relations) {
    const at = `${where}, relation ${n}`;
    const fromId = idOf(raw.from_id);
    const toId = idOf(raw.to_id);
    if (fromId === undefined || toId === undefined) throw new ImportError(`${at}: a relation needs "from_id" and "to_id" (region ids)`);
    let from = regionSpan.get(fromId);
    let to = regionSpan.get(toId);
    if (from === undefined || to === undefined) {
      const missing = from === undefined ? fromId : toId;
      if (skippedRegions.has(missing)) {
        skipped++; // joins a region Loupe does not read (not a text label)
        continue;
      }
      throw new ImportError(`${at}: it joins region ${missing}, which the task does not have`);
    }
    if (raw.direction === 'left') [from, to] = [to, from];
    if (raw.direction === 'bi') bidirectional++; // Loupe's links are directed: kept once, from → to
    const types = strings(raw.labels).filter((l) => l !== '');
    for (const type of types.length > 0 ? types : ['related']) {
      links.push({ id: `r${links.length + 1}`, type, from, to });
    }
  }

  const { text: _text, title, ...otherData } = data;
  return {
    title: typeof title === 'string' && title.trim() ? title : firstLine(text, fileName),
    text,
    meta: {
      fileName,
      ...(task.id !== undefined ? { labelStudioTaskId: task.id } : {}),
      labelStudioSource: source,
      ...(resultId !== undefined ? { labelStudioResultId: resultId } : {}),
      ...(Object.keys(otherData).length > 0 ? { labelStudioData: otherData } : {}),
      ...(skipped > 0 ? { labelStudioSkipped: skipped } : {}),
      ...(bidirectional > 0 ? { labelStudioBidirectional: bidirectional } : {}),
    },
    spans,
    links,
  };
}

/** Label Studio's JSON: an array of tasks (its export) or one task object; one document per task. */
export const labelStudioImporter: Importer = {
  format: 'label-studio',
  extensions: ['.json'],
  parse(file) {
    const { text, encoding } = jsonText(file);
    checkJsonNesting(text, 'the file');
    let tasks: unknown;
    try {
      tasks = JSON.parse(text);
    } catch (error) {
      throw new ImportError(`the file is not valid JSON (${(error as Error).message})`);
    }
    if (looksLikeLabelStudioTask(tasks)) tasks = [tasks];
    if (!Array.isArray(tasks)) throw new ImportError('a Label Studio file is a JSON array of tasks, or one task object with its "data"');
    if (tasks.length === 0) throw new ImportError('the file holds no tasks');
    return { format: 'label-studio', encoding, documents: tasks.map((t, i) => labelStudioTask(t, i, file.name)) };
  },
};
