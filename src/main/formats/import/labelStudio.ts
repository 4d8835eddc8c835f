/**
 * Label Studio's JSON: an array of tasks (its export), or one task object (as it hands out a single
 * task), each `{id, data: {text, …}, annotations: [{result, was_cancelled, …}], predictions: [{result,
 * …}]}`. A result lists regions `{id, from_name, to_name, type: 'labels', value: {start, end, text,
 * labels}, meta: {text: [note]}}` and relations `{type: 'relation', from_id, to_id, direction, labels}`.
 *
 * Label Studio's `start`/`end` on text count Unicode code points (its frontend converts the browser's
 * UTF-16 positions), as Loupe does. Loupe's earlier Label Studio exports wrote UTF-16 code units (𠮷
 * or an emoji counts 2); a region is read in UTF-16 units only when its `text` proves it, i.e. the
 * text is what the offsets select counted that way and not counted in code points. Label Studio
 * 1.4.0 itself writes such offsets for a region drawn after astral characters in an earlier text node
 * of its page (an earlier paragraph, or text before an earlier highlight), so the unit is decided
 * region by region, and the import report says how many regions were read in UTF-16 units.
 */
import { isObject } from '../../../shared/json';
import { OffsetIndex, shortened } from '../../../shared/offsets';
import type { Link, SpanInput } from '../../../shared/types';
import { checkJsonNesting, firstLine, idOf, jsonText } from './jsonl';
import { ImportError, type Importer, type ParsedDocument } from './types';

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []);

/** Shortens a text for an error message. */
const quote = (s: string): string => JSON.stringify(shortened(s, 40));

/** Whether a parsed JSON value is one Label Studio task (an object with its `data`), not a list of them. */
export function looksLikeLabelStudioTask(value: unknown): boolean {
  return isObject(value) && isObject(value.data) && !('loupe_version' in value);
}

/** Where a region lies in code points, and in which unit its offsets were counted. */
interface RegionPlace {
  start: number;
  end: number;
  unit: 'codepoint' | 'utf16';
}

/** Offsets read in one unit: where they lie in code points and the text they select, or why they do not fit. */
type Reading = (RegionPlace & { text: string }) | { unit: RegionPlace['unit']; error: string };

/** Reads offsets `start`–`end` as counted in `unit`. */
function readIn(index: OffsetIndex, start: number, end: number, unit: RegionPlace['unit']): Reading {
  try {
    const [s, e] = [index.toCodePoint(start, unit), index.toCodePoint(end, unit)];
    return { start: s, end: e, unit, text: index.slice(s, e) };
  } catch (error) {
    return { unit, error: (error as Error).message };
  }
}

const UNIT_NAMES = { codepoint: 'code points', utf16: 'UTF-16 units' } as const;

/**
 * A region's place in code points: its offsets read as code points (Label Studio's unit), or as UTF-16
 * units when its text matches only there. `declared` is the unit a Loupe export states in
 * `data.loupe_offset_unit`: it is tried first, and it is the unit of a region without text.
 */
function placeRegion(index: OffsetIndex, at: string, value: Record<string, unknown>, declared: RegionPlace['unit']): RegionPlace {
  const { start, end, text } = value;
  if (!Number.isInteger(start) || !Number.isInteger(end)) throw new ImportError(`${at}: start and end must be whole numbers`);
  const [a, b] = [start as number, end as number];
  if (b <= a) throw new ImportError(`${at}: it ends (${b}) before it starts (${a})`);
  if (typeof text !== 'string') {
    const reading = readIn(index, a, b, declared);
    if ('error' in reading) throw new ImportError(`${at}: ${a}–${b} does not fit the text (${index.lengthIn(declared)} ${UNIT_NAMES[declared]}): ${reading.error}`);
    return reading;
  }
  const units = declared === 'utf16' ? (['utf16', 'codepoint'] as const) : (['codepoint', 'utf16'] as const);
  const readings = units.map((unit) => readIn(index, a, b, unit));
  const hit = readings.find((r): r is RegionPlace & { text: string } => 'text' in r && r.text === text);
  if (hit) return { start: hit.start, end: hit.end, unit: hit.unit };
  const texts = new Set(readings.map((r) => ('text' in r ? r.text : undefined)));
  if (texts.size === 1 && !texts.has(undefined)) {
    // Both units select the same text here (no astral character before the region): say it once.
    throw new ImportError(`${at}: its text ${quote(text)} is not the text at ${a}–${b} (${quote([...texts][0]!)})`);
  }
  const found = readings.map((r) => `in ${UNIT_NAMES[r.unit]} ${'error' in r ? `it does not fit (${r.error})` : `that is ${quote(r.text)}`}`);
  throw new ImportError(`${at}: its text ${quote(text)} is not the text at ${a}–${b}: ${found.join('; ')}`);
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

/**
 * Who made an annotation, from its `completed_by`: Loupe's own export names the annotator
 * (`{loupe_annotator}`); Label Studio's gives a user id, or a user object with an email.
 */
export function completedByName(completedBy: unknown): string | null {
  if (typeof completedBy === 'number' && Number.isFinite(completedBy)) return `user ${completedBy}`;
  if (typeof completedBy === 'string' && completedBy.trim()) return completedBy.trim();
  if (!isObject(completedBy)) return null;
  for (const key of ['loupe_annotator', 'email', 'username']) {
    const v = completedBy[key];
    if (typeof v === 'string' && v.trim()) return v.trim();
  }
  const name = [completedBy.first_name, completedBy.last_name].filter((v): v is string => typeof v === 'string' && v.trim() !== '').join(' ');
  if (name) return name;
  return typeof completedBy.id === 'number' ? `user ${completedBy.id}` : null;
}

/**
 * The results to read: the last annotation not cancelled (else the first prediction); with
 * `layers`, every annotation not cancelled, each with who made it (predictions when there is none).
 */
function resultsOf(task: Record<string, unknown>, where: string, layers: boolean): { source: 'annotation' | 'prediction' | 'none'; id?: unknown; result: unknown[]; annotator: string | null }[] {
  if (!layers) return [{ ...chosenResult(task, where), annotator: null }];
  const annotations = (Array.isArray(task.annotations) ? task.annotations : []).filter(
    (a): a is Record<string, unknown> => isObject(a) && a.was_cancelled !== true,
  );
  if (annotations.length === 0) return [{ ...chosenResult(task, where), annotator: null }];
  const read = annotations.map((a, k) => {
    if (a.result !== undefined && !Array.isArray(a.result)) throw new ImportError(`${where}: annotation ${k + 1}'s "result" is not a list`);
    return { source: 'annotation' as const, id: a.id, result: (a.result as unknown[] | undefined) ?? [], annotator: completedByName(a.completed_by) };
  });
  // Pre-annotations beside the annotations (Loupe writes spans of nobody so): nobody's spans.
  const prediction = Array.isArray(task.predictions) && isObject(task.predictions[0]) ? task.predictions[0] : undefined;
  if (prediction && Array.isArray(prediction.result) && prediction.result.length > 0) {
    read.push({ source: 'annotation' as const, id: prediction.id, result: prediction.result as unknown[], annotator: null });
  }
  return read;
}

/** What an import (one result per task) leaves of a task: other annotations, and predictions beside an annotation. */
function leftOut(task: Record<string, unknown>): string[] {
  const annotations = (Array.isArray(task.annotations) ? task.annotations : []).filter((a) => isObject(a) && a.was_cancelled !== true).length;
  const predictions = Array.isArray(task.predictions) ? task.predictions.filter((p) => isObject(p) && Array.isArray(p.result) && p.result.length > 0).length : 0;
  const notes: string[] = [];
  if (annotations > 1) notes.push(`Label Studio annotations left out (the last was read; File › Merge annotations from… keeps each annotator's): ${annotations - 1}`);
  if (annotations > 0 && predictions > 0) notes.push(`Label Studio predictions left out (an annotation was read): ${predictions}`);
  return notes;
}

/** One task as one document (with `layers`, every annotation's regions, each span said whose it is). */
function labelStudioTask(task: unknown, position: number, fileName: string, layers = false): ParsedDocument {
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
  // Loupe's earlier exports state their unit (UTF-16 units); Label Studio's own tasks do not.
  const declared = data.loupe_offset_unit === 'utf16' ? 'utf16' : 'codepoint';

  const results = resultsOf(task, where, layers);
  const { source, id: resultId } = results[0]!;
  const spans: SpanInput[] = [];
  const annotators: Record<string, string> = {};
  const links: Link[] = [];
  // Region id → the id of its (first) span; relations attach there. Skipped regions are remembered
  // so that a relation to one is skipped too rather than failing the file.
  const regionSpan = new Map<string, string>();
  const skippedRegions = new Set<string>();
  const spanIds = new Set<string>();
  const relations: { raw: Record<string, unknown>; n: number; prefix: string }[] = [];
  let skipped = 0;
  let bidirectional = 0;
  let inUtf16 = 0;

  /** A span id unique in this document: the region's own when free. */
  const freshId = (base: string): string => {
    let id = base;
    for (let k = 2; spanIds.has(id); k++) id = `${base}_${k}`;
    spanIds.add(id);
    return id;
  };

  for (const [k, { result, annotator }] of results.entries()) {
    // Region ids are an annotation's own: several annotations' are told apart by a prefix.
    const prefix = results.length > 1 ? `a${k + 1}:` : '';
    result.forEach((r, i) => {
      if (!isObject(r)) throw new ImportError(`${where}, result item ${i + 1}: not an object`);
      const regionId = prefix + (idOf(r.id) ?? `region-${i + 1}`);
      if (r.type === 'relation') {
        relations.push({ raw: r, n: i + 1, prefix });
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
      const { start, end, unit } = placeRegion(index, at, value, declared);
      if (unit === 'utf16') inUtf16++;
      const meta = isObject(r.meta) ? r.meta : {};
      const note = typeof meta.text === 'string' ? meta.text : strings(meta.text).join('\n');
      // Several labels on one region: one span per label; relations attach to the first.
      labels.forEach((label, k) => {
        const id = freshId(k === 0 ? regionId : `${regionId}_${label}`);
        if (k === 0 && !regionSpan.has(regionId)) regionSpan.set(regionId, id);
        spans.push({ id, label, start, end, attrs: {}, note });
        if (annotator) annotators[id] = annotator;
      });
      skippedRegions.delete(regionId);
    });
  }

  for (const { raw, n, prefix } of relations) {
    const at = `${where}, relation ${n}`;
    const rawFrom = idOf(raw.from_id);
    const rawTo = idOf(raw.to_id);
    if (rawFrom === undefined || rawTo === undefined) throw new ImportError(`${at}: a relation needs "from_id" and "to_id" (region ids)`);
    const fromId = prefix + rawFrom;
    const toId = prefix + rawTo;
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
    ...(layers && Object.keys(annotators).length ? { annotators } : {}),
    ...(typeof data.loupe_document_id === 'number' && Number.isSafeInteger(data.loupe_document_id) && data.loupe_document_id > 0 ? { loupeId: data.loupe_document_id } : {}),
    notes: [
      ...(inUtf16 > 0 ? [`Label Studio regions whose offsets count UTF-16 code units, not code points (their text shows it), read as such: ${inUtf16}`] : []),
      ...(layers ? [] : leftOut(task)),
    ],
  };
}

/** Label Studio's JSON: an array of tasks (its export) or one task object; one document per task. */
export const labelStudioImporter: Importer = {
  format: 'label-studio',
  extensions: ['.json'],
  parse(file, _companions, options) {
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
    return { format: 'label-studio', encoding, documents: tasks.map((t, i) => labelStudioTask(t, i, file.name, options?.layers ?? false)) };
  },
};
