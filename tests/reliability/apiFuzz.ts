/**
 * Fuzzes the API contract with malformed arguments: every method of API_METHODS gets wrong types,
 * missing and extra fields, `__proto__` keys, bad numbers, huge strings and arrays, lone surrogates
 * and well-typed but wrong calls (stale corpus ids and revisions, spans past the end, links to
 * nothing...), through the path IPC takes (a structured clone, parseArgs, the service) and, for a
 * sample, through the loopback bridge, which also gets malformed bodies.
 *
 * A refusal must be an ApiError (not 'internal') with a message a user can read, and must change
 * nothing: not the corpus (every row of every table is hashed before and after), the settings, the
 * files of the sandbox, nor which corpus is open. An accepted call must leave a corpus that passes
 * `PRAGMA integrity_check` and holds what was sent; a call that must be refused must not be
 * accepted. After every call the service must still answer.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import Database from 'better-sqlite3';
import { startBridge, type Bridge } from '../../src/main/bridge/server';
import { createLoupeService, type LoupeService } from '../../src/main/services/loupeService';
import { CorpusStore } from '../../src/main/store/corpusStore';
import { API_METHODS, ApiError, parseArgs, type ApiMethod } from '../../src/shared/contract';
import { draftOf, NOTE_MAX } from '../../src/shared/schema';
import { applyTextEdit, shiftSpan, type TextEdit } from '../../src/shared/textEdit';
import { bytesReplacer } from '../../src/shared/wire';
import {
  DOCUMENT_STATUSES,
  EXPORT_FORMATS,
  OFFSET_UNITS,
  type CorpusSchema,
  type ImportReport,
  type Link,
  type OpenedDocument,
  type SchemaUpdateResult,
} from '../../src/shared/types';
import type { FuzzReport } from './fuzzReport';
import { Rng } from './rng';

export interface FuzzOptions {
  seed: number;
  /** Each round tries one input on every method, and one malformed body on the bridge. */
  rounds: number;
  log?: (line: string) => void;
  /** Share of inputs also sent through the bridge (default 0.25). */
  bridgeShare?: number;
  /** `method/kind`s not to try (one that destroys the corpus stops the run; skip it to see past it). */
  skipKinds?: readonly string[];
  /** Log every refusal's message too, to read what users would be told. */
  verbose?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Randomness

type Path = (string | number)[];
type Json = Record<string, unknown>;

const utf8 = (s: string) => new TextEncoder().encode(s);

/** Values of every shape a structured clone carries, for "wrong type" inputs. */
const weirdValues = (): unknown[] => [
  null,
  undefined,
  true,
  false,
  0,
  -1,
  1.5,
  NaN,
  Infinity,
  -Infinity,
  2 ** 53,
  10n,
  '',
  'x',
  '0',
  'null',
  '[object Object]',
  [],
  [1],
  [null],
  {},
  { a: 1 },
  new Date(0),
  new Map([[1, 2]]),
  new Set([1]),
  new Uint8Array([1, 2]),
  /re/,
];

/** A value's shape, finer than typeof. */
function shapeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (v instanceof Uint8Array) return 'bytes';
  if (v instanceof Date) return 'date';
  if (v instanceof Map) return 'map';
  if (v instanceof Set) return 'set';
  if (v instanceof RegExp) return 'regexp';
  return typeof v;
}

const isPlainObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;

/** Numbers that break integers, offsets and ids. */
const BAD_NUMBERS = [-1, -0, 0.5, 1.5, NaN, Infinity, -Infinity, 2 ** 31, 2 ** 32, -(2 ** 31), 2 ** 53, 2 ** 53 + 2, 1e308, -1e308, Number.MIN_VALUE];

/** Strings with a surrogate half on its own. */
const loneSurrogate = (rng: Rng, base: string): string => {
  const half = rng.pick(['\uD800', '\uDBFF', '\uDC00', '\uDFFF', '\uD83D']);
  const at = rng.int(base.length + 1);
  return base.slice(0, at) + half + base.slice(at);
};

/** A string of about `mb` megabytes, sometimes wide characters. */
const hugeString = (rng: Rng, mb: number): string => {
  const unit = rng.pick(['x', '字', '𠮷', 'ab ']);
  return unit.repeat(Math.ceil((mb * 1024 * 1024) / utf8(unit).length));
};

/** A short readable picture of an input, for failure lines. */
function preview(value: unknown, depth = 0): string {
  const shape = shapeOf(value);
  if (shape === 'string') {
    const s = value as string;
    return s.length > 60 ? `<string of ${s.length} units>` : JSON.stringify(s);
  }
  if (shape === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (shape === 'bigint') return `${String(value)}n`;
  if (shape === 'undefined' || shape === 'boolean' || shape === 'null') return String(value);
  if (shape === 'bytes') return `<${(value as Uint8Array).length} bytes>`;
  if (shape === 'date' || shape === 'map' || shape === 'set' || shape === 'regexp') return `<${shape}>`;
  if (depth > 3) return '…';
  if (shape === 'array') {
    const a = value as unknown[];
    if (a.length > 6) return `<array of ${a.length}, first ${preview(a[0], depth + 1)}>`;
    return `[${a.map((x) => preview(x, depth + 1)).join(', ')}]`;
  }
  const keys = Object.keys(value as object);
  const shown = keys.slice(0, 12).map((k) => `${k.length > 40 ? `<key of ${k.length}>` : k}: ${preview((value as Json)[k], depth + 1)}`);
  return `{${shown.join(', ')}${keys.length > 12 ? ', …' : ''}}`;
}

/** Whether JSON carries `value` as it is (no NaN, undefined, -0, bigint, Map...): only then must the bridge judge it alike. */
function jsonFaithful(value: unknown): boolean {
  const shape = shapeOf(value);
  if (shape === 'number') return Number.isFinite(value) && !Object.is(value, -0);
  if (shape === 'string' || shape === 'boolean' || shape === 'null' || shape === 'bytes') return true;
  if (shape === 'array') return (value as unknown[]).every(jsonFaithful);
  // { $bytes } is how the bridge's JSON carries bytes: the bridge reads it as bytes, IPC as an object.
  if (shape === 'object' && isPlainObject(value)) return !Object.hasOwn(value, '$bytes') && Object.values(value).every(jsonFaithful);
  return false;
}

// ---------------------------------------------------------------------------------------------
// Paths into an argument

function getAt(root: unknown, p: Path): unknown {
  let v = root;
  for (const k of p) v = (v as Record<string | number, unknown>)[k];
  return v;
}

function setAt(root: unknown, p: Path, value: unknown): void {
  const parent = getAt(root, p.slice(0, -1)) as Record<string | number, unknown>;
  parent[p[p.length - 1]!] = value;
}

function deleteAt(root: unknown, p: Path): void {
  const parent = getAt(root, p.slice(0, -1)) as Record<string | number, unknown>;
  delete parent[p[p.length - 1]!];
}

/** Every node under the root, depth first. */
function nodes(value: unknown, at: Path = [], out: { path: Path; value: unknown }[] = []): { path: Path; value: unknown }[] {
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      out.push({ path: [...at, i], value: v });
      nodes(v, [...at, i], out);
    });
  } else if (isPlainObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      out.push({ path: [...at, k], value: v });
      nodes(v, [...at, k], out);
    }
  }
  return out;
}

/** `upsert.*.attrs.kind` for `['upsert', 0, 'attrs', 'kind']`. */
const patternOf = (p: Path): string => p.map((k) => (typeof k === 'number' ? '*' : k)).join('.');
const matches = (p: Path, patterns: readonly string[]): boolean => {
  const s = patternOf(p);
  return patterns.some((pat) => (pat.endsWith('.**') ? s.startsWith(pat.slice(0, -2)) : s === pat));
};

/** Fields a method may go without. */
const OPTIONAL: Partial<Record<ApiMethod, string[]>> = {
  saveDocument: ['text', 'edit', 'title', 'status', 'note', 'upsertLinks', 'removeLinks', 'layer', 'upsert.*.fragments', 'upsert.*.attrs', 'upsert.*.attrs.**', 'upsert.*.note'],
  importFiles: ['format', 'files.*.error', 'duplicates', 'labelMap', 'only', 'dryRun', 'fields'],
  importPaths: ['format', 'duplicates', 'labelMap', 'only', 'dryRun', 'fields'],
  exportCorpus: ['documentId', 'filter', 'filter.statuses', 'filter.labels', 'filter.documentIds', 'filter.annotators', 'overwrite'],
  getDocument: ['layer'],
  agreement: ['annotators', 'labels'],
  handout: ['documentIds', 'blind', 'owner'],
  mergeCopy: ['annotator', 'allLayers', 'dryRun'],
  acceptAgreed: ['annotators', 'threshold', 'documentIds'],
  saveCopy: ['overwrite'],
  updateSchema: ['confirmDeletes', 'schema.labels.*.was', 'schema.labels.*.attributes.*.was', 'schema.linkTypes.*.was'],
  updateSettings: ['locale', 'exportOffsets', 'annotator'],
  openCorpus: ['readOnly'],
  listBackups: ['corpusPath'],
  restoreBackup: ['corpusPath'],
};
/** Fields where null is a value. */
const NULLABLE = ['schema.labels.*.hotkey', 'schema.labels.*.attributes.*.default', 'locale'];
/** Records: their keys are data, not fields. */
const RECORDS = ['upsert.*.attrs'];
/** Whole numbers that name or count something: any other number must be refused. */
const COUNTS = ['id', 'baseRevision', 'upsert.*.start', 'upsert.*.end', 'upsert.*.fragments.*.*', 'edit.at', 'edit.remove', 'documentId'];
/** Strings without a length limit (a document's text may be long). */
const UNBOUNDED = ['text', 'edit.insert'];
/** Strings that name something: a lone surrogate in them must be refused (it would not survive SQLite's UTF-8). */
const IDENTIFIERS = [
  'corpusId',
  'upsert.*.id',
  'upsert.*.label',
  'remove.*',
  'upsertLinks.*.id',
  'upsertLinks.*.type',
  'upsertLinks.*.from',
  'upsertLinks.*.to',
  'removeLinks.*',
  'status',
  'format',
  'offsets',
  'exportOffsets',
  'locale',
  'filter.statuses.*',
  'schema.labels.*.name',
  'schema.labels.*.was',
  'schema.labels.*.color',
  'schema.labels.*.hotkey',
  'schema.labels.*.attributes.*.name',
  'schema.labels.*.attributes.*.was',
  'schema.labels.*.attributes.*.kind',
  'schema.labels.*.attributes.*.options.*',
  'schema.linkTypes.*.name',
  'schema.linkTypes.*.was',
  'schema.linkTypes.*.from.*',
  'schema.linkTypes.*.to.*',
  'schema.linkTypes.*.color',
];

// ---------------------------------------------------------------------------------------------
// What the fuzzer knows about the corpus

interface DocState {
  id: number;
  revision: number;
  text: string;
  length: number;
  spans: OpenedDocument['spans'];
  links: Link[];
}

interface Ctx {
  n: number;
  root: string;
  mainPath: string;
  corpusId: string;
  staleIds: string[];
  schema: CorpusSchema;
  a: DocState;
  b: DocState;
  scratch: number[];
  deleted: number[];
  /** Ids of the documents the main corpus has. */
  existing: Set<number>;
  fixtures: Record<'notes' | 'folder' | 'foreign' | 'newer' | 'damaged' | 'other', string>;
  exportSample: Uint8Array;
  /** Backups of the main corpus, newest first. */
  backups: string[];
}

/** One input: what to send, and what must come of it. */
interface Case {
  method: ApiMethod;
  kind: string;
  args: unknown;
  /** The call is wrong in a way the API must refuse. */
  mustReject: boolean;
  /** Even when accepted, the corpus must not change (a schema change that is only previewed). */
  mustNotChange?: boolean;
  /** What was changed, for the failure line (`schema.labels.0.hotkey = 5`). */
  detail?: string;
  /** Made against the main corpus opened read-only: the arguments are made once it is. */
  readOnly?: boolean;
}

const codePoints = (s: string) => [...s].length;

// ---------------------------------------------------------------------------------------------
// Valid arguments, the starting point of most inputs

function template(method: ApiMethod, ctx: Ctx, rng: Rng): unknown {
  const n = ctx.n;
  const { a } = ctx;
  switch (method) {
    case 'corpusInfo':
    case 'listDocuments':
    case 'getSettings':
      return {};
    case 'getDocument':
      return { id: rng.pick([ctx.a.id, ctx.b.id]) };
    case 'deleteDocument':
      return { id: ctx.scratch[0] ?? 424242 }; // never a fixture
    case 'saveDocument': {
      const start = rng.int(a.length - 8);
      const upsert = [
        { id: `fz${n}a`, label: 'quote', start, end: start + 2, attrs: { kind: 'direct' }, note: 'fuzz' },
        { id: `fz${n}b`, label: 'official', start: start + 1, end: start + 7, fragments: [[start + 1, start + 3], [start + 4, start + 7]], attrs: { name: '赵' } },
      ];
      const old = a.spans.filter((s) => s.id.startsWith('fz')).slice(0, 2).map((s) => s.id);
      const args: Json = {
        corpusId: ctx.corpusId,
        id: a.id,
        baseRevision: a.revision,
        upsert,
        remove: old,
        upsertLinks: [{ id: `fz${n}l`, type: 'speaker', from: `fz${n}a`, to: `fz${n}b` }],
        removeLinks: [],
      };
      if (rng.chance(0.3)) args.title = `Fixture A ${n}`;
      if (rng.chance(0.3)) args.status = rng.pick(DOCUMENT_STATUSES);
      if (rng.chance(0.3)) args.note = `note ${n}`;
      if (rng.chance(0.3)) {
        // A change to the text: the spans it does not name move by the shared rule.
        const at = rng.int(a.length - 4);
        const edit: TextEdit = { at, remove: a.length > 40 ? rng.pick([0, 0, 1, 3]) : 0, insert: rng.pick(['', 'x', '𠮷', '👍🏽', '\n', 'ab']) };
        // the upserted spans are in the new text's offsets: keep them clear of its end
        if (upsert.every((s) => s.end <= a.length + codePoints(edit.insert) - edit.remove)) args.edit = edit;
      }
      return args;
    }
    case 'importFiles':
      return {
        files: [{ name: `scratch-${n}.txt`, data: utf8(`Scratch ${n}\nA short article, number ${n}.`) }],
        ...(rng.chance(0.5) ? { format: rng.pick(['auto', 'text']) } : {}),
        ...(rng.chance(0.3) ? { duplicates: rng.pick(['skip', 'import']) } : {}),
        ...(rng.chance(0.2) ? { dryRun: rng.chance(0.5) } : {}),
      };
    case 'importPaths': {
      // A file on this computer, read by the Node side; now and then one that is not there, or a folder.
      const file = path.join(ctx.root, 'imports', `p${n}.txt`);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, `Path ${n}\nAn article read from a path, number ${n}.`);
      const chosen = rng.chance(0.8) ? file : rng.pick([path.join(ctx.root, 'imports', `gone${n}.txt`), ctx.fixtures.folder]);
      return {
        files: [{ path: chosen, name: `p${n}.txt` }],
        ...(rng.chance(0.5) ? { format: rng.pick(['auto', 'text']) } : {}),
        ...(rng.chance(0.3) ? { duplicates: rng.pick(['skip', 'import']) } : {}),
        ...(rng.chance(0.2) ? { dryRun: rng.chance(0.5) } : {}),
      };
    }
    case 'importProgress':
    case 'cancelImport':
      return {};
    case 'exportCorpus': {
      const format = rng.pick(EXPORT_FORMATS);
      return {
        format,
        path: path.join(ctx.root, 'exports', `e${n}.${format}`),
        offsets: rng.pick(OFFSET_UNITS),
        ...(rng.chance(0.5) ? { documentId: a.id } : {}),
        ...(rng.chance(0.5) ? { filter: { statuses: [...DOCUMENT_STATUSES], labels: ['quote', 'official'], documentIds: [a.id, ctx.b.id] } } : {}),
      };
    }
    case 'openCorpus':
      return { path: ctx.mainPath, ...(rng.chance(0.3) ? { readOnly: rng.chance(0.5) } : {}) };
    case 'createCorpus':
      return { path: path.join(ctx.root, 'corpora', `c${n}.loupe`) };
    case 'updateSchema':
      return { corpusId: ctx.corpusId, schema: draftOf(ctx.schema), confirmDeletes: false };
    case 'updateSettings':
      return { locale: rng.pick(['en', 'zh-CN', null]), exportOffsets: rng.pick(OFFSET_UNITS) };
    case 'saveCopy':
      return { path: path.join(ctx.root, 'copies', `k${n}.loupe`), ...(rng.chance(0.3) ? { overwrite: rng.chance(0.5) } : {}) };
    case 'pathInfo':
      return { path: rng.pick([ctx.mainPath, ctx.fixtures.notes, ctx.fixtures.folder, path.join(ctx.root, 'nothing.loupe'), `relative-${n}.txt`]) };
    case 'listBackups':
      return rng.chance(0.5) ? {} : { corpusPath: ctx.mainPath };
    case 'restoreBackup':
      return { backup: ctx.backups[0] ?? path.join(ctx.root, 'data', 'backups', 'none.loupe'), ...(rng.chance(0.5) ? { corpusPath: ctx.mainPath } : {}) };
    case 'agreement':
      return rng.chance(0.5) ? {} : { annotators: [`a${n}`, `b${n}`] };
    case 'handout':
      return { annotator: rng.pick(['王芳', `a${n}`]), path: path.join(ctx.root, 'copies', `h${n}.loupe`), ...(rng.chance(0.5) ? { blind: true } : {}) };
    case 'mergeCopy':
      return { path: rng.pick([ctx.mainPath, path.join(ctx.root, 'copies', `h${n - 1}.loupe`), path.join(ctx.root, 'nothing.loupe')]), ...(rng.chance(0.5) ? { dryRun: true } : {}) };
    case 'acceptAgreed':
      return { gold: 'gold', threshold: rng.pick(['all', 'majority'] as const) };
    case 'curationView':
      return { id: 1 + rng.int(3), gold: rng.pick(['gold', '金标准', `g${n}`]) };
    case 'curate':
      return { id: 1 + rng.int(3), gold: 'gold', spans: [`s${n}`], accept: rng.chance(0.5) ? [`s${n}`] : [] };
    case 'setCurationStatus':
      return { id: 1 + rng.int(3), gold: 'gold', status: rng.pick(['in_progress', 'done'] as const) };
    default:
      // A method this fuzzer has no template for yet still gets every generic input.
      return {};
  }
}

// ---------------------------------------------------------------------------------------------
// Malformed inputs any method can get

const GENERIC_KINDS = ['valid', 'wrong-type', 'missing-field', 'extra-field', 'proto-key', 'not-an-object', 'bad-number', 'huge-string', 'huge-array', 'huge-key', 'surrogate'] as const;
const GENERIC_WEIGHT: Record<(typeof GENERIC_KINDS)[number], number> = {
  valid: 1,
  'wrong-type': 3,
  'missing-field': 2,
  'extra-field': 1.5,
  'proto-key': 1,
  'not-an-object': 1,
  'bad-number': 2,
  'huge-string': 0.3,
  'huge-array': 0.3,
  'huge-key': 0.2,
  surrogate: 1,
};
/** Methods whose every field is optional: null or undefined (read as `{}`) is a valid argument. */
const ALL_OPTIONAL: readonly string[] = ['corpusInfo', 'listDocuments', 'getSettings', 'updateSettings', 'listBackups', 'startupProblems', 'importProgress', 'cancelImport', 'agreement'];

/** A generic mutation of a valid argument, or null when the method has nothing it applies to. */
function genericCase(method: ApiMethod, kind: (typeof GENERIC_KINDS)[number], ctx: Ctx, rng: Rng): Case | null {
  const args = template(method, ctx, rng);
  const all = nodes(args);
  const optional = OPTIONAL[method] ?? [];
  const objects = [{ path: [] as Path, value: args }, ...all].filter((x) => isPlainObject(x.value));
  let detail: string | undefined;
  const done = (mustReject: boolean, ...value: [unknown?]): Case => ({ method, kind, args: value.length ? value[0] : args, mustReject, ...(detail ? { detail } : {}) });
  const mark = (p: Path, v: unknown) => (detail = `${p.join('.')} = ${preview(v)}`);
  switch (kind) {
    case 'valid':
      return done(false);
    case 'wrong-type': {
      if (!all.length) return null;
      const { path: p, value } = rng.pick(all);
      const isOptional = matches(p, optional);
      const candidates = weirdValues().filter(
        (v) => shapeOf(v) !== shapeOf(value) && !(isOptional && v === undefined) && !(v === null && matches(p, NULLABLE)),
      );
      const v = rng.pick(candidates);
      setAt(args, p, v);
      mark(p, v);
      // A default may be text, a number or a flag: which is right depends on the attribute's kind.
      return done(!(matches(p, ['schema.labels.*.attributes.*.default']) && value === null && ['string', 'number', 'boolean'].includes(shapeOf(v))));
    }
    case 'missing-field': {
      const targets = all.filter(
        (x) => typeof x.path[x.path.length - 1] === 'string' && !matches(x.path, optional) && !matches(x.path.slice(0, -1), RECORDS),
      );
      if (!targets.length) return null;
      const { path: p } = rng.pick(targets);
      deleteAt(args, p);
      detail = `${p.join('.')} left out`;
      return done(true);
    }
    case 'extra-field': {
      const { value } = rng.pick(objects);
      const key = rng.pick(['extra', 'constructor', 'toString', 'hasOwnProperty', 'prototype', '$bytes', 'valueOf', 'ID', ' id', 'id\u0000']);
      if (Object.hasOwn(value as Json, key)) return null;
      (value as Json)[key] = rng.pick(weirdValues().filter((v) => v !== undefined));
      return done(true);
    }
    case 'huge-key': {
      const { value } = rng.pick(objects);
      (value as Json)[hugeString(rng, 1)] = 1;
      return done(true);
    }
    case 'proto-key': {
      const { value } = rng.pick(objects);
      // An own `__proto__` key, as JSON.parse makes it, with fields the contract would otherwise want.
      Object.defineProperty(value, '__proto__', {
        value: { polluted: 'yes', id: 5, path: '/tmp', corpusId: ctx.corpusId, isAdmin: true },
        enumerable: true,
        writable: true,
        configurable: true,
      });
      return done(true);
    }
    case 'not-an-object': {
      const v = rng.pick(weirdValues().filter((x) => !isPlainObject(x)));
      return done(!(ALL_OPTIONAL.includes(method) && (v === null || v === undefined)), v);
    }
    case 'bad-number': {
      const targets = all.filter((x) => typeof x.value === 'number' && matches(x.path, COUNTS));
      if (!targets.length) return null;
      const v = rng.pick(BAD_NUMBERS);
      const { path: p } = rng.pick(targets);
      setAt(args, p, v);
      mark(p, v);
      return done(!Object.is(v, -0));
    }
    case 'huge-string': {
      const targets = all.filter((x) => typeof x.value === 'string' && !matches(x.path, UNBOUNDED));
      if (!targets.length) return null;
      setAt(args, rng.pick(targets).path, hugeString(rng, 1 + rng.int(3)));
      return done(true);
    }
    case 'huge-array': {
      const targets = all.filter((x) => Array.isArray(x.value));
      if (!targets.length) return null;
      // Nothing in the contract takes null elements: the size is what is tried.
      setAt(args, rng.pick(targets).path, new Array(50_000 + rng.int(150_000)).fill(null));
      return done(true);
    }
    case 'surrogate': {
      const targets = all.filter((x) => typeof x.value === 'string');
      if (!targets.length) return null;
      const { path: p, value } = rng.pick(targets);
      const v = loneSurrogate(rng, value as string);
      setAt(args, p, v);
      mark(p, v);
      return done(matches(p, IDENTIFIERS));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Well-typed but wrong calls, per method

type Semantic = (ctx: Ctx, rng: Rng) => Omit<Case, 'method' | 'kind'> | null;

const unknownDocId = (ctx: Ctx, rng: Rng): number => {
  // SQLite hands the last id out again once its document is deleted: only a deleted id no document has now is unknown.
  const gone = ctx.deleted.filter((id) => !ctx.existing.has(id));
  const far = rng.pick([9_999_999, 2 ** 31 - 1, Number.MAX_SAFE_INTEGER, 424242]);
  return gone.length && rng.chance(0.5) ? rng.pick(gone) : far;
};

const staleCorpusId = (ctx: Ctx, rng: Rng): string =>
  ctx.staleIds.length && rng.chance(0.7) ? rng.pick(ctx.staleIds) : rng.pick(['c', '00000000-0000-0000-0000-000000000000', `${ctx.corpusId.startsWith('X') ? 'Y' : 'X'}${ctx.corpusId.slice(1)}`, ` ${ctx.corpusId}`]);

/** A valid save of fixture A with `change` applied to it. */
function save(ctx: Ctx, rng: Rng, change: (args: Json, upsert: Json[]) => void, mustReject = true): Omit<Case, 'method' | 'kind'> {
  const args = template('saveDocument', ctx, rng) as Json;
  delete args.edit; // offsets below are against the stored text; a case about edits makes its own
  change(args, args.upsert as Json[]);
  return { args, mustReject };
}

const fixtureSpan = (doc: DocState, label: string) => doc.spans.find((s) => s.label === label && s.id.startsWith('fx'))!;

const SAVE_CASES: Record<string, Semantic> = {
  'stale-corpus': (ctx, rng) => save(ctx, rng, (a) => void (a.corpusId = staleCorpusId(ctx, rng))),
  'unknown-document': (ctx, rng) => save(ctx, rng, (a) => void (a.id = unknownDocId(ctx, rng))),
  'stale-revision': (ctx, rng) =>
    ctx.a.revision > 0 ? save(ctx, rng, (a) => void (a.baseRevision = rng.int(ctx.a.revision))) : null,
  'future-revision': (ctx, rng) => save(ctx, rng, (a) => void (a.baseRevision = ctx.a.revision + 1 + rng.int(1000))),
  'no-base-revision': (ctx, rng) => save(ctx, rng, (a) => void delete a.baseRevision),
  'span-past-end': (ctx, rng) =>
    save(ctx, rng, (_, u) => {
      const len = ctx.a.length;
      Object.assign(u[0]!, rng.pick([{ start: len - 1, end: len + 1 }, { start: len, end: len + 1 }, { start: 0, end: len + 1 + rng.int(10_000) }]));
    }),
  'span-reversed': (ctx, rng) =>
    save(ctx, rng, (_, u) => {
      const s = 3 + rng.int(ctx.a.length - 3);
      Object.assign(u[0]!, rng.pick([{ start: s, end: s - 2 }, { start: s, end: s }]));
    }),
  'fragments-disorder': (ctx, rng) =>
    save(ctx, rng, (_, u) => {
      const s = u[0]!.start as number; // the second span runs s+1..s+7
      u[1]!.fragments = rng.pick([
        [[s + 4, s + 7], [s + 1, s + 3]], // out of order
        [[s + 1, s + 5], [s + 4, s + 7]], // overlapping
        [[s + 1, s + 4], [s + 4, s + 7]], // touching
        [[s + 2, s + 3], [s + 4, s + 7]], // not from start
        [[s + 1, s + 3], [s + 4, s + 6]], // not to end
        [[s + 1, s + 1], [s + 4, s + 7]], // empty piece
        [], // none
        [[s + 1, s + 3, s + 4], [s + 4, s + 7]], // a triple
      ]);
    }),
  'fragments-past-end': (ctx, rng) =>
    save(ctx, rng, (_, u) => {
      const len = ctx.a.length;
      Object.assign(u[1]!, { start: len - 2, end: len + 5, fragments: [[len - 2, len - 1], [len + 1, len + 5]] });
    }),
  'unknown-label': (ctx, rng) => save(ctx, rng, (_, u) => void (u[0]!.label = rng.pick(['nope', 'Quote', 'quote ', 'quote\u0000', 'constructor', '__proto__']))),
  'bad-attrs': (ctx, rng) =>
    save(ctx, rng, (_, u) => {
      u[0]!.attrs = rng.pick<Json>([
        { nope: 1 },
        { kind: 'sideways' },
        { kind: 5 },
        { kind: true },
        { constructor: 'x' },
        { toString: 'x' },
        JSON.parse('{"__proto__": {"kind": "direct"}}') as Json,
        JSON.parse('{"__proto__": "direct"}') as Json,
        { kind: 'direct', name: '赵' }, // an attribute of another label
      ]);
    }),
  'attrs-of-other-label': (ctx, rng) => save(ctx, rng, (_, u) => Object.assign(u[0]!, { label: 'slogan' })),
  'link-unknown-span': (ctx, rng) =>
    save(ctx, rng, (a) => void (a.upsertLinks = [{ id: `fz${ctx.n}x`, type: 'speaker', from: `fz${ctx.n}a`, to: rng.pick(['nope', 'fz-gone', '']) || 'z' }])),
  'link-unknown-type': (ctx, rng) =>
    save(ctx, rng, (a) => void ((a.upsertLinks as Json[])[0]!.type = rng.pick(['nope', 'Speaker', 'constructor', '__proto__']))),
  'link-self': (ctx, rng) => save(ctx, rng, (a) => void ((a.upsertLinks as Json[])[0]!.to = `fz${ctx.n}a`)),
  'link-wrong-labels': (ctx, rng) =>
    save(ctx, rng, (a) => Object.assign((a.upsertLinks as Json[])[0]!, { from: `fz${ctx.n}b`, to: `fz${ctx.n}a` })),
  'link-other-document': (ctx, rng) =>
    save(ctx, rng, (a) => void ((a.upsertLinks as Json[])[0]!.to = fixtureSpan(ctx.b, 'official').id)),
  'link-id-of-other-document': (ctx, rng) =>
    save(ctx, rng, (a) => void ((a.upsertLinks as Json[])[0]!.id = ctx.b.links[0]!.id)),
  'link-to-removed-span': (ctx, rng) =>
    save(ctx, rng, (a) => {
      const q = fixtureSpan(ctx.a, 'quote').id;
      a.remove = [q];
      a.upsertLinks = [{ id: `fz${ctx.n}r`, type: 'speaker', from: q, to: `fz${ctx.n}b` }];
    }),
  'span-id-of-other-document': (ctx, rng) => save(ctx, rng, (_, u) => void (u[0]!.id = fixtureSpan(ctx.b, 'quote').id)),
  'duplicate-span': (ctx, rng) => save(ctx, rng, (_, u) => void (u[1]!.id = u[0]!.id)),
  'duplicate-link': (ctx, rng) =>
    save(ctx, rng, (a) => {
      const links = a.upsertLinks as Json[];
      links.push({ ...links[0]! });
    }),
  'relabel-breaks-link': (ctx, rng) =>
    save(ctx, rng, (a) => {
      const q = fixtureSpan(ctx.a, 'quote');
      a.upsert = [{ id: q.id, label: rng.pick(['slogan', 'pledge']), start: q.start, end: q.end }];
      a.upsertLinks = [];
    }),
  'edit-past-end': (ctx, rng) =>
    save(ctx, rng, (a) => {
      const len = ctx.a.length;
      a.edit = rng.pick([
        { at: len + 1, remove: 0, insert: 'x' },
        { at: len - 1, remove: 2 + rng.int(5), insert: '' },
        { at: 0, remove: len + 1, insert: 'y' },
        { at: len + 1000, remove: 0, insert: '' },
      ]);
    }),
  'edit-and-text': (ctx, rng) => save(ctx, rng, (a) => Object.assign(a, { text: 'whole new text that is long enough for the spans', edit: { at: 0, remove: 0, insert: '' } })),
  'text-shorter-than-spans': (ctx, rng) => save(ctx, rng, (a) => Object.assign(a, { text: rng.pick(['', 'x', '𠮷']), upsert: [], upsertLinks: [] })),
  'edit-through-spans': (ctx, rng) =>
    // Replacing text under spans moves them by the shift rule: accepted, and the corpus stays sound.
    save(ctx, rng, (a) => Object.assign(a, { edit: { at: rng.int(6), remove: 3, insert: rng.pick(['abc', '𠮷👍🏽x', '\n\n\n']) }, upsert: [], upsertLinks: [] }), false),
  'remove-unknown': (ctx, rng) => save(ctx, rng, (a) => Object.assign(a, { remove: ['nope', `fz-missing-${ctx.n}`], removeLinks: ['nope'] }), false),
  'huge-text-stale': (ctx, rng) =>
    save(ctx, rng, (a) => Object.assign(a, { text: hugeString(rng, 2), baseRevision: ctx.a.revision + 1 })),
  'bulk-upsert-then-bad-link': (ctx, rng) =>
    // Thousands of spans are written before the link is found wrong: all of it must roll back.
    save(ctx, rng, (a) => {
      const len = ctx.a.length;
      a.upsert = Array.from({ length: 5_000 + rng.int(15_000) }, (_, i) => ({ id: `bulk${ctx.n}-${i}`, label: 'slogan', start: i % (len - 1), end: (i % (len - 1)) + 1 }));
      a.upsertLinks = [{ id: `fz${ctx.n}k`, type: 'nope', from: `bulk${ctx.n}-0`, to: `bulk${ctx.n}-1` }];
      a.remove = [];
    }),
  'too-many-fragments': (ctx, rng) =>
    save(ctx, rng, (_, u) => {
      const fragments = Array.from({ length: 1001 }, (_, i) => [i * 2, i * 2 + 1]);
      Object.assign(u[1]!, { start: 0, end: 2001, fragments });
    }),
  'bad-status': (ctx, rng) => save(ctx, rng, (a) => void (a.status = rng.pick(['finished', 'DONE', 'in progress', '']))),
  'empty-title': (ctx, rng) => save(ctx, rng, (a) => void (a.title = '')),
  'note-over-limit': (ctx, rng) => save(ctx, rng, (a) => void (a.note = 'n'.repeat(NOTE_MAX + 1))),
  'attr-text-over-limit': (ctx, rng) =>
    save(ctx, rng, (_, u) => void (u[1]!.attrs = { name: 'x'.repeat(10_001) })),
};

/** A file to import: malformed content of every format the importers read. */
function badImportFile(ctx: Ctx, rng: Rng): { name: string; data: Uint8Array }[] {
  const n = ctx.n;
  const sample = ctx.exportSample;
  const corrupt = (bytes: Uint8Array): Uint8Array => {
    const out = bytes.slice(0, rng.chance(0.5) ? bytes.length : rng.int(bytes.length));
    for (let i = 0; i < 1 + rng.int(6); i++) if (out.length) out[rng.int(out.length)] = rng.int(256);
    return out;
  };
  const text = new TextDecoder().decode(sample);
  return rng.pick<() => { name: string; data: Uint8Array }[]>([
    () => [{ name: `empty-${n}.txt`, data: new Uint8Array() }],
    () => [{ name: `blank-${n}.txt`, data: utf8(' \n\t\n\u3000') }],
    () => [{ name: `bin-${n}.txt`, data: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13, 0, 0xff, 0xfe, 0, 1]) }],
    () => [{ name: `bad-${n}.json`, data: utf8(rng.pick(['{not json', '', 'null', '[', '5', '"x"', '{}', '[]', '[null]', '[1,2]', '[{}]', '{"documents": 5}'])) }],
    () => [{ name: `bad-${n}.jsonl`, data: utf8(rng.pick(['{not json}\n', 'null\n[]\n', '{"text": 5}\n', '{"text":"ab","spans":[{"start":5,"end":1,"label":"x"}]}\n', '{"text":"ab","label":[[0,99,"x"]]}\n', '{"text":"ab","label":"nope"}\n', '{"text":"ab","entities":[{"start_offset":"a"}]}\n', '{"text":"ab","spans":null}\n', '{"text":"ab","spans":[null]}\n', '{"text":"ab","links":[{"from":"a"}]}\n'])) }],
    () => [{ name: `ls-${n}.json`, data: utf8(rng.pick(['[{"data":{"text":5}}]', '[{"data":{"text":"ab"},"annotations":[{"result":[{"value":{"start":0,"end":99,"labels":["x"]}}]}]}]', '[{"data":{"text":"ab"},"annotations":[{"result":[{"type":"relation","from_id":"a","to_id":"b"}]}]}]', '[{"data":null}]', '[{"annotations":5}]'])) }],
    () => [
      { name: `br-${n}.txt`, data: utf8('Some text here for brat.') },
      { name: `br-${n}.ann`, data: utf8(rng.pick(['T1\tQuote 0 999\tzzz\n', 'garbage\n', 'R1\tspeaker Arg1:T9 Arg2:T1\n', 'T1\tQuote 5 2\tx\n', 'T1\tQuote 0 4;2 3\tSome\n', 'A1\tKind T7 direct\n', '#1\tAnnotatorNotes T5\tx\n', 'T1\t\n'])) },
    ],
    () => [{ name: `c-${n}.conll`, data: utf8(rng.pick(['a b c\n\n-DOCSTART-\nfoo', 'word\tI-X\tB-Y\n', '\n\n\n', 'x O\ny B-\n', '# text = x\n1\t2\n'])) }],
    () => [{ name: `d-${n}.docx`, data: new Uint8Array([0x50, 0x4b, 0x03, 0x04, ...utf8('not a zip at all')]) }],
    () => [{ name: `h-${n}.html`, data: utf8(rng.pick(['<html><body>' + '<div>'.repeat(5000) + 'deep</body>', '<script>alert(1)</script>', '<p>&#xD800; &bogus; &#99999999;</p>', ''])) }],
    () => [{ name: `m-${n}.md`, data: utf8(rng.pick(['# \n', '```\nunclosed', '[x](javascript:alert(1))\n\ntext'])) }],
    () => [{ name: `corrupt-${n}.jsonl`, data: corrupt(sample) }],
    () => [{ name: `offsets-${n}.jsonl`, data: utf8(text.replace(/"end":\s*(\d+)/g, (_, d: string) => `"end": ${Number(d) * 1000 + 7}`)) }],
    () => [{ name: `labels-${n}.jsonl`, data: utf8(text.replace(/"label":\s*"[^"]*"/g, '"label": " bad label "')) }],
    () => [{ name: rng.pick(['../../escape.txt', '/etc/passwd.txt', 'C:\\x\\y.txt', 'a\u0000b.txt', '.', '..', ' ', 'CON', 'x'.repeat(1024)]), data: utf8('Title\nbody') }],
    () => [{ name: `e-${n}.txt`, data: utf8('Title\nbody'), error: rng.pick(['could not read the file', '']) } as { name: string; data: Uint8Array }],
    () => [{ name: `forced-${n}.txt`, data: utf8('plain words\nmore words') }],
  ])();
}

const IMPORT_CASES: Record<string, Semantic> = {
  'no-files': () => ({ args: { files: [] }, mustReject: true }),
  'data-not-bytes': (_, rng) => ({
    args: { files: [{ name: 'x.txt', data: rng.pick<unknown>([[72, 105], 'Hi', { $bytes: 'SGk=' }, { 0: 72, 1: 105, length: 2 }, new ArrayBuffer(2), null]) }] },
    mustReject: true,
  }),
  'malformed-content': (ctx, rng) => ({ args: { files: badImportFile(ctx, rng) }, mustReject: false }),
  'format-mismatch': (ctx, rng) => ({
    args: { files: badImportFile(ctx, rng), format: rng.pick(['conll', 'docx', 'brat', 'label-studio', 'doccano', 'loupe-jsonl', 'html', 'markdown']) },
    mustReject: false,
  }),
  'unknown-format': (_, rng) => ({ args: { files: [{ name: 'x.txt', data: utf8('Hi\nthere') }], format: rng.pick(['pdf', 'TEXT', '', 'auto ']) }, mustReject: true }),
  'huge-file': (ctx, rng) => ({ args: { files: [{ name: `big-${ctx.n}.txt`, data: utf8(`Big\n${hugeString(rng, 2)}`) }] }, mustReject: false }),
};

const EXPORT_CASES: Record<string, Semantic> = {
  'missing-folder': (ctx) => ({ args: { format: 'jsonl', path: path.join(ctx.root, 'no-such-folder', `x${ctx.n}.jsonl`), offsets: 'codepoint' }, mustReject: true }),
  'path-is-folder': (ctx, rng) => ({ args: { format: rng.pick(EXPORT_FORMATS), path: rng.pick([ctx.fixtures.folder, path.join(ctx.root, 'exports')]), offsets: 'codepoint' }, mustReject: true }),
  'path-through-file': (ctx) => ({ args: { format: 'json', path: path.join(ctx.fixtures.notes, 'x.json'), offsets: 'utf8' }, mustReject: true }),
  'relative-missing-folder': (ctx) => ({ args: { format: 'jsonl', path: `no-such-folder-apifuzz-${ctx.n}/x.jsonl`, offsets: 'codepoint' }, mustReject: true }),
  'over-open-corpus': (ctx, rng) => ({ args: { format: rng.pick(EXPORT_FORMATS), path: ctx.mainPath, offsets: 'codepoint' }, mustReject: true }),
  'over-corpus-journal': (ctx, rng) => ({ args: { format: 'jsonl', path: `${ctx.mainPath}${rng.pick(['-wal', '-shm'])}`, offsets: 'codepoint' }, mustReject: true }),
  'unknown-document': (ctx, rng) => ({ args: { format: 'jsonl', path: path.join(ctx.root, 'exports', `u${ctx.n}.jsonl`), offsets: 'codepoint', documentId: unknownDocId(ctx, rng) }, mustReject: true }),
  'filter-matches-nothing': (ctx, rng) => ({
    args: { format: rng.pick(EXPORT_FORMATS), path: path.join(ctx.root, 'exports', `f${ctx.n}.out`), offsets: 'utf16', filter: { statuses: [], labels: ['nope'], documentIds: [unknownDocId(ctx, rng)] } },
    mustReject: false,
  }),
  'bad-filter': (ctx, rng) => ({
    args: { format: 'csv', path: path.join(ctx.root, 'exports', `g${ctx.n}.csv`), offsets: 'utf8', filter: rng.pick<unknown>([{ statuses: ['finished'] }, { labels: [''] }, { documentIds: [0] }, { documentIds: new Array(1_000_001).fill(1) }, { labels: new Array(1001).fill('quote') }, []]) },
    mustReject: true,
  }),
};

/** A fresh file for one input, so an accepted call cannot spoil the next. */
function freshFile(ctx: Ctx, name: string, content: Uint8Array | null): string {
  const dir = path.join(ctx.root, 'cases', String(ctx.n));
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  if (content) fs.writeFileSync(file, content);
  return file;
}

const OPEN_CASES: Record<string, Semantic> = {
  'missing-file': (ctx) => ({ args: { path: path.join(ctx.root, 'nothing-here.loupe') }, mustReject: true }),
  'missing-folder': (ctx) => ({ args: { path: path.join(ctx.root, 'no-such-folder', 'x.loupe') }, mustReject: true }),
  folder: (ctx, rng) => ({ args: { path: rng.pick([ctx.fixtures.folder, ctx.root, `${ctx.fixtures.folder}/`]) }, mustReject: true }),
  'text-file': (ctx) => ({ args: { path: ctx.fixtures.notes }, mustReject: true }),
  'foreign-sqlite': (ctx) => ({ args: { path: ctx.fixtures.foreign }, mustReject: true }),
  'newer-corpus': (ctx) => ({ args: { path: ctx.fixtures.newer }, mustReject: true }),
  damaged: (ctx) => ({ args: { path: ctx.fixtures.damaged }, mustReject: true }),
  'corpus-journal': (ctx, rng) => ({ args: { path: `${ctx.mainPath}${rng.pick(['-wal', '-shm'])}` }, mustReject: true }),
  'settings-file': (ctx) => ({ args: { path: path.join(ctx.root, 'data', 'settings.json') }, mustReject: true }),
  'path-through-file': (ctx) => ({ args: { path: path.join(ctx.fixtures.notes, 'x.loupe') }, mustReject: true }),
  'nul-in-path': (ctx) => ({ args: { path: `${ctx.mainPath}\u0000.txt` }, mustReject: true }),
  // An empty file is not a corpus: SQLite would take it as a fresh database and Loupe would make
  // it one (the read-only path already refuses it). The empty -wal of the open corpus is one.
  'empty-file': (ctx) => ({ args: { path: freshFile(ctx, 'empty.loupe', new Uint8Array()) }, mustReject: true }),
  'other-corpus': (ctx) => ({ args: { path: ctx.fixtures.other }, mustReject: false }),
  'dot-segments': (ctx) => ({ args: { path: path.join(path.dirname(ctx.mainPath), '..', path.basename(path.dirname(ctx.mainPath)), '.', path.basename(ctx.mainPath)) }, mustReject: false }),
};

const CREATE_CASES: Record<string, Semantic> = {
  // (A path without .loupe gets it added: notes.txt would make notes.txt.loupe, which is fine.)
  'existing-file': (ctx, rng) => ({ args: { path: rng.pick([ctx.fixtures.damaged, ctx.fixtures.newer, ctx.fixtures.other]) }, mustReject: true }),
  'existing-without-extension': (ctx) => ({ args: { path: ctx.fixtures.other.replace(/\.loupe$/, '') }, mustReject: true }),
  'open-corpus': (ctx) => ({ args: { path: ctx.mainPath }, mustReject: true }),
  'existing-folder': (ctx) => ({ args: { path: ctx.fixtures.folder }, mustReject: true }),
  'missing-folder': (ctx) => ({ args: { path: path.join(ctx.root, 'no-such-folder', `c${ctx.n}.loupe`) }, mustReject: true }),
  // An existing folder with a separator after it: no file name at all.
  'trailing-separator': (ctx) => ({ args: { path: `${path.join(ctx.root, 'corpora')}${path.sep}` }, mustReject: true }),
  'path-through-file': (ctx) => ({ args: { path: path.join(ctx.fixtures.notes, `c${ctx.n}.loupe`) }, mustReject: true }),
  'nul-in-path': (ctx) => ({ args: { path: path.join(ctx.root, 'corpora', `n${ctx.n}\u0000x.loupe`) }, mustReject: true }),
  'relative-missing-folder': (ctx) => ({ args: { path: `no-such-folder-apifuzz-${ctx.n}/c.loupe` }, mustReject: true }),
};

/** A valid no-op schema draft with `change` applied. */
function schemaCase(ctx: Ctx, rng: Rng, change: (draft: ReturnType<typeof draftOf>) => void, mustReject = true, mustNotChange = false) {
  const draft = draftOf(ctx.schema);
  change(draft);
  return { args: { corpusId: ctx.corpusId, schema: draft, confirmDeletes: false }, mustReject, mustNotChange };
}

const SCHEMA_CASES: Record<string, Semantic> = {
  'stale-corpus': (ctx, rng) => {
    const c = schemaCase(ctx, rng, () => {});
    (c.args as Json).corpusId = staleCorpusId(ctx, rng);
    return c;
  },
  'no-labels': (ctx, rng) => schemaCase(ctx, rng, (d) => void (d.labels = [])),
  'duplicate-label': (ctx, rng) => schemaCase(ctx, rng, (d) => void d.labels.push({ ...d.labels[0]!, was: undefined, hotkey: null })),
  'was-unknown': (ctx, rng) => schemaCase(ctx, rng, (d) => void (d.labels[rng.int(d.labels.length)]!.was = rng.pick(['nope', 'constructor', '__proto__']))),
  'two-continue-one': (ctx, rng) => schemaCase(ctx, rng, (d) => void (d.labels[1]!.was = d.labels[0]!.was)),
  'bad-hotkey': (ctx, rng) => schemaCase(ctx, rng, (d) => void (d.labels[0]!.hotkey = rng.pick(['a', 'A', '!', d.labels[1]!.hotkey ?? '2', ' ']))),
  'bad-color': (ctx, rng) => schemaCase(ctx, rng, (d) => void (d.labels[0]!.color = rng.pick(['red', '#12345', '#1234567', '#ggggggg', '']))),
  'choice-without-options': (ctx, rng) => schemaCase(ctx, rng, (d) => void (d.labels[0]!.attributes[0]!.options = [])),
  'options-on-text': (ctx, rng) => schemaCase(ctx, rng, (d) => void (d.labels[1]!.attributes[0]!.options = ['a'])),
  'bad-default': (ctx, rng) =>
    schemaCase(ctx, rng, (d) => {
      const [q, o, p] = [d.labels[0]!, d.labels[1]!, d.labels[2]!];
      rng.pick([() => (q.attributes[0]!.default = 'sideways'), () => (o.attributes[0]!.default = 5), () => (p.attributes[0]!.default = 'yes'), () => (p.attributes[1]!.default = 'soon')])();
    }),
  'bad-name': (ctx, rng) => schemaCase(ctx, rng, (d) => void d.labels.push({ name: rng.pick([' padded', 'tab\there', 'x'.repeat(101), '\u0007bell']), color: '#123456', hotkey: null, description: '', attributes: [] })),
  'link-type-unknown-label': (ctx, rng) => schemaCase(ctx, rng, (d) => void (d.linkTypes[0]!.from = ['nope'])),
  'attribute-was-unknown': (ctx, rng) => schemaCase(ctx, rng, (d) => void (d.labels[0]!.attributes[0]!.was = 'nope')),
  'duplicate-attribute': (ctx, rng) => schemaCase(ctx, rng, (d) => void d.labels[1]!.attributes.push({ ...d.labels[1]!.attributes[0]!, was: undefined })),
  'unknown-kind': (ctx, rng) => schemaCase(ctx, rng, (d) => void ((d.labels[1]!.attributes[0]! as { kind: string }).kind = 'date')),
  // Deleting a label that has spans (and its link type), unconfirmed: previewed (applied: false), nothing written.
  'delete-unconfirmed': (ctx, rng) =>
    schemaCase(
      ctx,
      rng,
      (d) => {
        d.labels = d.labels.filter((l) => l.name !== 'quote');
        d.linkTypes = d.linkTypes.filter((t) => !t.from.includes('quote') && !t.to.includes('quote'));
      },
      false,
      true,
    ),
  'noop-draft': (ctx, rng) => schemaCase(ctx, rng, () => {}, false),
};

const SETTINGS_CASES: Record<string, Semantic> = {
  'bad-locale': (_, rng) => ({ args: { locale: rng.pick(['fr', 'EN', 'zh-cn', '', 'zh_CN']) }, mustReject: true }),
  'bad-offsets': (_, rng) => ({ args: { exportOffsets: rng.pick(['bytes', 'UTF16', 'code points', '']) }, mustReject: true }),
};

const ID_CASES: Record<string, Semantic> = {
  'unknown-document': (ctx, rng) => ({ args: { id: unknownDocId(ctx, rng) }, mustReject: true }),
};

const COPY_CASES: Record<string, Semantic> = {
  'over-open-corpus': (ctx, rng) => ({ args: { path: rng.pick([ctx.mainPath, path.join(path.dirname(ctx.mainPath), '.', path.basename(ctx.mainPath))]) }, mustReject: true }),
  'over-corpus-journal': (ctx, rng) => ({ args: { path: `${ctx.mainPath}${rng.pick(['-wal', '-shm'])}` }, mustReject: true }),
  'missing-folder': (ctx) => ({ args: { path: path.join(ctx.root, 'no-such-folder', `k${ctx.n}.loupe`) }, mustReject: true }),
  folder: (ctx, rng) => ({ args: { path: rng.pick([ctx.fixtures.folder, path.join(ctx.root, 'exports')]) }, mustReject: true }),
  'path-through-file': (ctx) => ({ args: { path: path.join(ctx.fixtures.notes, 'k.loupe') }, mustReject: true }),
  'nul-in-path': (ctx) => ({ args: { path: path.join(ctx.root, 'copies', `k${ctx.n}\u0000.loupe`) }, mustReject: true }),
};

const BACKUP_CASES: Record<string, Semantic> = {
  'not-a-backup': (ctx, rng) => ({ args: { backup: rng.pick([ctx.mainPath, ctx.fixtures.notes, ctx.fixtures.other, ctx.fixtures.damaged]) }, mustReject: true }),
  'path-traversal': (ctx) => ({ args: { backup: path.join(ctx.root, 'data', 'backups', '..', path.basename(ctx.mainPath)) }, mustReject: true }),
  'backup-of-another-corpus': (ctx) =>
    ctx.backups[0] ? { args: { backup: ctx.backups[0], corpusPath: ctx.fixtures.other }, mustReject: true } : null,
  'missing-corpus': (ctx) => ({ args: { backup: ctx.backups[0] ?? ctx.mainPath, corpusPath: path.join(ctx.root, 'nothing.loupe') }, mustReject: true }),
  'damaged-backup': (ctx) => {
    // A file named like a backup, in the backup folder, that is not a sound corpus.
    if (!ctx.backups[0]) return null;
    const fake = path.join(path.dirname(ctx.backups[0]), `2000-01-01T00-00-${String(ctx.n % 60).padStart(2, '0')}-000Z.loupe`);
    fs.writeFileSync(fake, Buffer.concat([Buffer.from('SQLite format 3\0', 'latin1'), Buffer.alloc(2048, 0x41)]));
    return { args: { backup: fake }, mustReject: true };
  },
};

const LIST_BACKUP_CASES: Record<string, Semantic> = {
  'not-a-corpus': (ctx, rng) => ({ args: { corpusPath: rng.pick([ctx.fixtures.notes, ctx.fixtures.folder, path.join(ctx.root, 'nothing.loupe')]) }, mustReject: false }),
};

const SEMANTIC: Partial<Record<ApiMethod, Record<string, Semantic>>> = {
  saveCopy: COPY_CASES,
  restoreBackup: BACKUP_CASES,
  listBackups: LIST_BACKUP_CASES,
  saveDocument: SAVE_CASES,
  getDocument: ID_CASES,
  deleteDocument: ID_CASES,
  importFiles: IMPORT_CASES,
  exportCorpus: EXPORT_CASES,
  openCorpus: OPEN_CASES,
  createCorpus: CREATE_CASES,
  updateSchema: SCHEMA_CASES,
  updateSettings: SETTINGS_CASES,
};

/** Methods that write: each also gets a valid call while the corpus is open read-only. */
const WRITERS: readonly string[] = ['saveDocument', 'deleteDocument', 'importFiles', 'importPaths', 'updateSchema'];

/** Weights of a few expensive kinds, so a run stays quick. */
const SEMANTIC_WEIGHT: Record<string, number> = { 'huge-text-stale': 0.2, 'bulk-upsert-then-bad-link': 0.15, 'huge-file': 0.2, 'too-many-fragments': 0.3 };

function nextCase(method: ApiMethod, ctx: Ctx, rng: Rng, skip: ReadonlySet<string>): Case {
  const semantic = SEMANTIC[method] ?? {};
  for (let attempt = 0; ; attempt++) {
    const kind = rng.weighted<string>(
      [
        ...GENERIC_KINDS.map((k) => [k, GENERIC_WEIGHT[k]] as const),
        ...Object.keys(semantic).map((k) => [k, SEMANTIC_WEIGHT[k] ?? 1] as const),
        ...(WRITERS.includes(method) ? ([['read-only-corpus', 0.5]] as const) : []),
      ].filter(([k]) => !skip.has(`${method}/${k}`)),
    );
    // A write to a corpus open read-only is refused (an import reports each file as failed).
    if (kind === 'read-only-corpus') return { method, kind, args: null, mustReject: method !== 'importFiles', readOnly: true };
    const made = (GENERIC_KINDS as readonly string[]).includes(kind)
      ? genericCase(method, kind as (typeof GENERIC_KINDS)[number], ctx, rng)
      : (() => {
          const c = semantic[kind]!(ctx, rng);
          return c && { method, kind, ...c };
        })();
    if (made) return made;
    if (attempt > 20) return { method, kind: 'valid', args: template(method, ctx, rng), mustReject: false };
  }
}

// ---------------------------------------------------------------------------------------------
// Judging what came back

/** Words that tell a user nothing, or show the code's insides. */
const UNCLEAR = [
  /\bundefined\b/,
  /Cannot read propert/i,
  /is not a function/,
  /\[object \w+\]/,
  /is not iterable/,
  /Maximum call stack/i,
  /\bSQLITE_[A-Z_]+/,
  /\b(Type|Range|Reference|Syntax)Error\b/,
  /\bat \S+ \(.*:\d+:\d+\)/,
  /(NOT NULL|FOREIGN KEY|UNIQUE|CHECK) constraint/,
  /\bnull is not\b|\bof null\b/,
];
const MESSAGE_MAX = 2000;

/** Why a message is not clear for a user, or null. */
function unclear(message: unknown): string | null {
  if (typeof message !== 'string' || message.trim() === '') return 'an empty message';
  if (message.length > MESSAGE_MAX) return `a message of ${message.length} characters (it echoes the input)`;
  const hit = UNCLEAR.find((re) => re.test(message));
  return hit ? `an unclear message (${hit.source}): ${message.slice(0, 300)}` : null;
}

/** Why a refusal is not a proper one, or null. */
function badRefusal(error: unknown): string | null {
  if (!(error instanceof ApiError)) {
    const name = (error as Error)?.constructor?.name ?? typeof error;
    return `a ${name} reached the caller instead of an ApiError: ${String((error as Error)?.message ?? error).slice(0, 300)}`;
  }
  if (error.code === 'internal') return `an internal error: ${error.message.slice(0, 300)}`;
  return unclear(error.message);
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms: ${what}`)), ms);
    }),
  ]);
}

/** Everything a refused call must leave as it was. */
interface Snapshot {
  openPath: string;
  corpus: string;
  settings: string;
  files: string;
  fixtures: string;
}

/** A digest of every row of every table (and the schema and header pragmas) of a corpus file. */
function corpusDigest(file: string): string {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    db.defaultSafeIntegers(true);
    const hash = createHash('sha256');
    const put = (v: unknown) =>
      hash.update(JSON.stringify(v, (_, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x instanceof Uint8Array ? `bytes:${Buffer.from(x).toString('hex')}` : x)) + '\n');
    put([db.pragma('user_version', { simple: true }), db.pragma('application_id', { simple: true })]);
    const objects = db.prepare("SELECT type, name, sql FROM sqlite_master ORDER BY type, name").all() as { type: string; name: string; sql: string | null }[];
    put(objects);
    for (const { name } of objects.filter((o) => o.type === 'table')) {
      const rows = db.prepare(`SELECT * FROM "${name.replace(/"/g, '""')}"`).raw().all();
      // Rows compared as a set: a rolled-back write may leave them in another page order, not another content.
      put(rows.map((r) => JSON.stringify(r, (_, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x))).sort());
    }
    return hash.digest('hex');
  } finally {
    db.close();
  }
}

/** Why a corpus file is not sound, or null. */
function corpusProblem(file: string): string | null {
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const integrity = db.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') return `integrity_check says ${String(integrity)}`;
    const dangling = db.pragma('foreign_key_check') as unknown[];
    if (dangling.length) return `foreign_key_check finds ${dangling.length} dangling rows`;
    if (db.pragma('application_id', { simple: true }) !== 0x4c4f5550) return 'the file is no longer marked as a Loupe corpus';
    return null;
  } catch (error) {
    return `the corpus file does not open: ${(error as Error).message}`;
  } finally {
    db?.close();
  }
}

function listFiles(dir: string, skip: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const full = path.join(entry.parentPath, entry.name);
    if (full === skip || full.startsWith(skip + path.sep)) continue;
    // SQLite's own companions come and go as it pleases.
    if (/-(wal|shm|journal)$/.test(entry.name)) continue;
    out.push(`${path.relative(dir, full)}${entry.isDirectory() ? '/' : ''}`);
  }
  return out.sort();
}

function fileDigest(files: readonly string[]): string {
  const hash = createHash('sha256');
  for (const f of files) hash.update(fs.existsSync(f) && fs.statSync(f).isFile() ? fs.readFileSync(f) : Buffer.from(`missing ${f}`));
  return hash.digest('hex');
}

// ---------------------------------------------------------------------------------------------
// The run

/** Fuzzes every API method with malformed arguments; see the file comment for what counts as a failure. */
export async function fuzzApi(options: FuzzOptions): Promise<FuzzReport> {
  const started = performance.now();
  const { seed, rounds } = options;
  const log = options.log ?? (() => {});
  const bridgeShare = options.bridgeShare ?? 0.25;
  const skip = new Set(options.skipKinds ?? []);
  const rng = new Rng(seed);
  const report: FuzzReport = { name: `apiFuzz seed=${seed} rounds=${rounds}`, inputs: 0, byKind: {}, rejectedClearly: 0, accepted: 0, failures: [], ms: 0 };
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-apifuzz-')));
  for (const d of ['exports', 'corpora', 'copies', 'fixtures', 'cases', 'renderer']) fs.mkdirSync(path.join(root, d));
  fs.writeFileSync(path.join(root, 'renderer', 'index.html'), '<!doctype html><title>Loupe</title>');

  const fixtures = makeFixtures(path.join(root, 'fixtures'));
  const fixtureFiles = [fixtures.notes, fixtures.foreign, fixtures.newer, fixtures.damaged];
  const settingsFile = path.join(root, 'data', 'settings.json');
  let service: LoupeService | undefined;
  let bridge: Bridge | undefined;
  let stopped = false;
  // Relative paths resolve against the working folder (a Date crosses the bridge as an ISO string,
  // a valid relative path): the run works in a folder of the sandbox, and checks that nothing
  // landed in the folder it was started from.
  const startedIn = process.cwd();
  const cwdBefore = new Set(fs.readdirSync(startedIn));
  fs.mkdirSync(path.join(root, 'cwd'));
  process.chdir(path.join(root, 'cwd'));

  const fail = (where: string, what: string, args?: unknown) => {
    const line = `seed=${seed} ${where}: ${what}${args === undefined ? '' : ` — args ${preview(args)}`}`.slice(0, 1500);
    log(`FAIL ${line}`);
    if (report.failures.length < 200) report.failures.push(line);
  };

  try {
    service = createLoupeService({ dataDir: path.join(root, 'data') });
    const svc = service;
    bridge = await startBridge({ service: svc, staticDir: path.join(root, 'renderer') });
    const origin = `http://127.0.0.1:${bridge.port}`;
    const token = bridge.token;

    const ctx = await setUp(svc, root, fixtures);
    const seenIds = new Set<string>([ctx.corpusId]);

    const refresh = async () => {
      const info = await svc.corpusInfo({});
      if (!seenIds.has(info.id)) seenIds.add(info.id);
      ctx.corpusId = info.id;
      ctx.staleIds = [...seenIds].filter((id) => id !== info.id);
      ctx.schema = { labels: info.labels, linkTypes: info.linkTypes };
      ctx.a = docState(await svc.getDocument({ id: ctx.a.id }));
      ctx.b = docState(await svc.getDocument({ id: ctx.b.id }));
      ctx.backups = (await svc.listBackups({})).map((b) => b.path);
      ctx.existing = new Set((await svc.listDocuments({})).map((d) => d.id));
    };

    const snapshot = async (): Promise<Snapshot> => {
      const openPath = (await svc.corpusInfo({})).path;
      let corpus: string;
      try {
        corpus = corpusDigest(openPath);
      } catch (error) {
        corpus = `unreadable: ${(error as Error).message}`;
      }
      return {
        openPath,
        corpus,
        settings: fs.existsSync(settingsFile) ? fs.readFileSync(settingsFile, 'utf8') : '',
        // Backups are taken in the background (on open, then on a timer), not by the call.
        files: listFiles(root, path.join(root, 'data', 'backups')).join('\n'),
        fixtures: fileDigest(fixtureFiles),
      };
    };

    /** What a refused call changed, or null. */
    const changes = async (before: Snapshot): Promise<string | null> => {
      const after = await snapshot();
      if (after.openPath !== before.openPath) return `the open corpus changed from ${before.openPath} to ${after.openPath}`;
      if (after.corpus !== before.corpus) return 'the corpus changed';
      if (after.settings !== before.settings) return 'the settings changed';
      if (after.fixtures !== before.fixtures) return 'a file that is not a corpus was written to';
      if (after.files !== before.files) {
        const was = new Set(before.files.split('\n'));
        const now = new Set(after.files.split('\n'));
        const added = [...now].filter((f) => !was.has(f));
        const removed = [...was].filter((f) => !now.has(f));
        return `files changed (added ${added.join(', ') || 'none'}; removed ${removed.join(', ') || 'none'})`;
      }
      return null;
    };

    /**
     * The service still answers valid calls (and is back on the main corpus, writable, after an
     * accepted call opened another); stops the run when it does not.
     */
    const stillAnswers = async (where: string): Promise<void> => {
      try {
        const info = await withTimeout(svc.corpusInfo({}), 20_000, 'corpusInfo');
        if (info.path !== ctx.mainPath || info.readOnly) await withTimeout(svc.openCorpus({ path: ctx.mainPath }), 20_000, 'openCorpus');
        await withTimeout(svc.getDocument({ id: ctx.a.id }), 20_000, 'getDocument');
        await refresh();
      } catch (error) {
        fail(where, `the service no longer answers a valid call: ${(error as Error).message}`);
        stopped = true;
      }
      const problem = corpusProblem(ctx.mainPath);
      if (problem && !stopped) {
        fail(where, `the main corpus is gone or damaged, the run stops: ${problem}`);
        stopped = true;
      }
      if (({} as Record<string, unknown>).polluted !== undefined) {
        fail(where, 'Object.prototype was polluted');
        delete (Object.prototype as Record<string, unknown>).polluted;
      }
    };

    const count = (key: string) => {
      report.inputs++;
      report.byKind[key] = (report.byKind[key] ?? 0) + 1;
    };

    /** Checks an accepted call: sound corpus, what was sent was stored, nothing changed when nothing should. */
    const checkAccepted = async (c: Case, value: unknown, before: Snapshot, where: string, faithful: boolean, beforeA: DocState) => {
      report.accepted++;
      if (c.mustReject && faithful) fail(where, 'accepted a call that must be refused', c.args);
      const open = (await svc.corpusInfo({})).path;
      const problem = corpusProblem(open);
      if (problem) fail(where, `the corpus is not sound after an accepted call: ${problem}`, c.args);
      if (open !== ctx.mainPath && corpusProblem(ctx.mainPath)) fail(where, `the main corpus is not sound: ${corpusProblem(ctx.mainPath)}`, c.args);
      if (c.mustNotChange || (c.method === 'updateSchema' && !(value as SchemaUpdateResult).applied)) {
        const changed = await changes(before);
        if (changed) fail(where, `a call that must change nothing did: ${changed}`, c.args);
      }
      if (c.method === 'importFiles' || c.method === 'importPaths') {
        const r = value as ImportReport;
        for (const f of r.failed) {
          const why = unclear(f.error);
          if (why) fail(where, `the import report gives ${why} for ${preview(f.name)}`, c.args);
        }
        // A dry run writes nothing: its report's ids are those the documents would have had.
        const dryRun = (c.args as { dryRun?: unknown }).dryRun === true;
        if (r.imported.length === 0 || dryRun) {
          const changed = await changes(before);
          if (changed) fail(where, `${dryRun ? 'a dry run' : 'an import that imported nothing'} changed something: ${changed}`, c.args);
        }
        for (const i of dryRun ? [] : r.imported) {
          const doc = await svc.getDocument({ id: i.documentId });
          // Keep the corpus small: a huge import is deleted again at once.
          if (doc.text.length > 100_000) await svc.deleteDocument({ id: doc.id });
          else ctx.scratch.push(i.documentId);
        }
      }
      if (c.method === 'deleteDocument') {
        const id = (c.args as { id: number }).id;
        ctx.scratch = ctx.scratch.filter((x) => x !== id);
        ctx.deleted.push(id);
      }
      if (c.method === 'saveDocument' && faithful) await checkSaved(svc, c.args as Json, beforeA, where, fail);
    };

    const runIpc = async (c: Case, tag: string) => {
      const where = `case ${tag} ipc ${c.method}/${c.kind}${c.detail ? ` (${c.detail})` : ''}`;
      count(`${c.method}/${c.kind}`);
      if (c.readOnly) {
        await svc.openCorpus({ path: ctx.mainPath, readOnly: true });
        await refresh();
        c.args = template(c.method, ctx, rng);
      }
      const before = await snapshot();
      const beforeA = ctx.a;
      let outcome: { ok: true; value: unknown } | { ok: false; error: unknown };
      try {
        // What Electron's IPC does: a structured clone, the contract's parse, then the service.
        const args = parseArgs(c.method, structuredClone(c.args));
        const call = svc[c.method] as (a: unknown) => Promise<unknown>;
        outcome = { ok: true, value: await withTimeout(call.call(svc, args), 60_000, c.method) };
      } catch (error) {
        outcome = { ok: false, error };
      }
      if (outcome.ok) await checkAccepted(c, outcome.value, before, where, true, beforeA);
      else {
        const bad = badRefusal(outcome.error);
        if (options.verbose) log(`refused ${where}: ${String((outcome.error as Error)?.message).slice(0, 300)}`);
        const changed = await changes(before);
        if (bad) fail(where, bad, c.args);
        if (changed) fail(where, `a refused call changed something: ${changed}`, c.args);
        if (!bad && !changed) report.rejectedClearly++;
      }
      await stillAnswers(where);
    };

    const post = async (method: string, body: string | Uint8Array, headers: Record<string, string> = {}) => {
      const res = await withTimeout(
        fetch(`${origin}/api/${method}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
          body: body as BodyInit,
        }),
        60_000,
        `POST ${method}`,
      );
      return { status: res.status, text: await res.text() };
    };

    /** Sends a body to the bridge and judges the answer like an IPC call. */
    const runBridge = async (c: Case, body: string | Uint8Array, tag: string, headers?: Record<string, string>, faithful = false) => {
      const where = `case ${tag} bridge ${c.method}/${c.kind}${c.detail ? ` (${c.detail})` : ''}`;
      count(`bridge:${c.method}/${c.kind}`);
      const before = await snapshot();
      const beforeA = ctx.a;
      let status = 0;
      let parsed: { ok?: unknown; result?: unknown; error?: { message?: unknown; code?: unknown } } | undefined;
      try {
        const res = await post(c.method, body, headers);
        status = res.status;
        parsed = JSON.parse(res.text) as typeof parsed;
      } catch (error) {
        fail(where, `no JSON answer: ${(error as Error).message}`, c.args);
      }
      if (parsed?.ok === true && status === 200) await checkAccepted(c, parsed.result, before, where, faithful, beforeA);
      else if (parsed) {
        const code = parsed.error?.code;
        const bad =
          status >= 500 || code === 'internal'
            ? `status ${status}, code ${String(code)}: ${String(parsed.error?.message).slice(0, 300)}`
            : typeof code !== 'string'
              ? `an answer without an error code (status ${status})`
              : unclear(parsed.error?.message);
        if (options.verbose) log(`refused ${where}: ${String(parsed.error?.message).slice(0, 300)}`);
        const changed = await changes(before);
        if (bad) fail(where, bad, c.args);
        if (changed) fail(where, `a refused call changed something: ${changed}`, c.args);
        if (!bad && !changed) report.rejectedClearly++;
      }
      await stillAnswers(where);
    };

    /** The bridge's download of an export: a GET whose query the bridge turns into exportCorpus arguments. */
    const runExportQuery = async (query: string, tag: string) => {
      const where = `case ${tag} bridge GET /api/export?${query.slice(0, 300)}`;
      count('bridge:export/query');
      const before = await snapshot();
      try {
        const res = await withTimeout(fetch(`${origin}/api/export?${query}`, { headers: { authorization: `Bearer ${token}` } }), 60_000, 'GET export');
        const text = await res.text();
        if (res.status === 200) report.accepted++;
        else {
          const body = JSON.parse(text) as { error?: { message?: unknown; code?: unknown } };
          const bad =
            res.status >= 500 || body.error?.code === 'internal'
              ? `status ${res.status}, code ${String(body.error?.code)}: ${String(body.error?.message).slice(0, 300)}`
              : unclear(body.error?.message);
          if (bad) fail(where, bad);
          else report.rejectedClearly++;
        }
      } catch (error) {
        fail(where, `no proper answer: ${(error as Error).message}`);
      }
      const changed = await changes(before);
      if (changed) fail(where, `an export changed something: ${changed}`);
      await stillAnswers(where);
    };

    for (let round = 0; round < rounds && !stopped; round++) {
      for (const method of API_METHODS) {
        if (stopped) break;
        ctx.n++;
        if (method === 'deleteDocument' && ctx.scratch.length === 0) {
          const r = await svc.importFiles({ files: [{ name: `s${ctx.n}.txt`, data: utf8(`Scratch\nfor deleting ${ctx.n}`) }] });
          for (const i of r.imported) {
            ctx.scratch.push(i.documentId);
            ctx.existing.add(i.documentId);
          }
        }
        const c = nextCase(method, ctx, rng, skip);
        const tag = `${round}.${method}`;
        // Decide before the IPC call, so a run replays alike whatever the call did.
        const viaBridge = rng.chance(bridgeShare);
        await runIpc(c, tag);
        if (viaBridge && !stopped && !c.readOnly) {
          let body: string | undefined;
          try {
            body = c.args === undefined ? '' : JSON.stringify(c.args, bytesReplacer);
          } catch {
            body = undefined; // a bigint: JSON cannot carry it
          }
          if (body !== undefined) await runBridge(c, body, tag, undefined, jsonFaithful(c.args));
        }
      }
      if (!stopped) {
        const m = rng.pick(API_METHODS);
        ctx.n++;
        const { kind, body, headers, name, mustReject } = malformedBody(m, rng);
        await runBridge({ method: name as ApiMethod, kind, args: body, mustReject }, body, `${round}.body`, headers, true);
        ctx.n++;
        await runExportQuery(exportQuery(ctx, rng), `${round}.export`);
      }
      if (round % 10 === 9) log(`${report.name}: round ${round + 1}, ${report.inputs} inputs, ${report.failures.length} failures`);
    }
  } catch (error) {
    fail('run', `the fuzzer itself stopped: ${(error as Error).stack ?? String(error)}`);
  } finally {
    process.chdir(startedIn);
    await bridge?.close();
    service?.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
  const strays = fs.readdirSync(startedIn).filter((name) => !cwdBefore.has(name));
  if (strays.length) fail('run', `files appeared in the working folder ${startedIn}: ${strays.join(', ')}`);
  report.ms = Math.round(performance.now() - started);
  return report;
}

/** A body the bridge must refuse (or take) without trouble. */
function malformedBody(method: ApiMethod, rng: Rng): { kind: string; body: string | Uint8Array; name: string; headers?: Record<string, string>; mustReject: boolean } {
  const made = malformedBodyOf(method, rng);
  // Over IPC every one of these is refused; the bridge must not take them either.
  return { ...made, mustReject: made.kind === 'proto-body' || made.kind === 'big-body' };
}

function malformedBodyOf(method: ApiMethod, rng: Rng): { kind: string; body: string | Uint8Array; name: string; headers?: Record<string, string> } {
  const kind = rng.pick(['bad-json', 'non-object', 'empty-body', 'deep-json', 'bad-bytes', 'invalid-utf8', 'proto-body', 'big-body', 'wrong-content-type', 'unknown-method', 'duplicate-keys', 'bom']);
  const deep = 50_000 + rng.int(150_000);
  switch (kind) {
    case 'bad-json':
      return { kind, name: method, body: rng.pick(['{not json', '{"id":1', "{'id':1}", '\u0000', 'NaN', '[1,2', 'undefined', '{"id":01}', '{"a":1,}']) };
    case 'non-object':
      return { kind, name: method, body: rng.pick(['null', '[]', '"str"', '42', 'true', '[{}]', '-0', '1e999']) };
    case 'empty-body':
      return { kind, name: method, body: rng.pick(['', ' ', '\n']) };
    case 'deep-json':
      return { kind, name: method, body: rng.chance(0.5) ? '['.repeat(deep) + ']'.repeat(deep) : `${'{"a":'.repeat(deep)}1${'}'.repeat(deep)}` };
    case 'bad-bytes':
      return { kind, name: 'importFiles', body: JSON.stringify({ files: [{ name: 'x.txt', data: rng.pick<unknown>([{ $bytes: '!!!' }, { $bytes: 5 }, { $bytes: '' }, { $bytes: 'SGk', extra: 1 }, { $bytes: null }]) }] }) };
    case 'invalid-utf8':
      return { kind, name: method, body: rng.pick([new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), new Uint8Array([...utf8('{"id":"'), 0xc3, 0x28, ...utf8('"}')]), new Uint8Array([0xed, 0xa0, 0x80])]) };
    case 'proto-body':
      return {
        kind,
        name: rng.pick(['getDocument', 'updateSettings', 'saveDocument', 'openCorpus']),
        body: rng.pick([
          '{"__proto__":{"id":5}}',
          '{"__proto__":{"locale":"en"}}',
          '{"__proto__":{"path":"/tmp/x.loupe"}}',
          '{"id":1,"__proto__":{"polluted":"yes"}}',
          '{"constructor":{"prototype":{"polluted":"yes"}}}',
        ]),
      };
    case 'big-body':
      return { kind, name: method, body: JSON.stringify({ extra: 'x'.repeat(3 * 1024 * 1024 + rng.int(1024 * 1024)) }) };
    case 'wrong-content-type':
      return { kind, name: 'listDocuments', body: '{}', headers: { 'content-type': rng.pick(['text/plain', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded']) } };
    case 'unknown-method':
      return { kind, name: rng.pick(['close', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'corpusinfo', 'listDocuments/', '..%2flistDocuments', 'export']), body: '{}' };
    case 'duplicate-keys':
      return { kind, name: 'getDocument', body: rng.pick(['{"id":"x","id":1}', '{"id":1,"id":"x"}']) };
    default:
      return { kind: 'bom', name: method, body: '\uFEFF{}' };
  }
}

/** The query of an export download, some of it malformed. */
function exportQuery(ctx: Ctx, rng: Rng): string {
  const params = new URLSearchParams();
  const maybe = (key: string, values: readonly string[]) => {
    if (rng.chance(0.8)) params.set(key, rng.pick(values));
  };
  maybe('format', [...EXPORT_FORMATS, 'xml', '', 'JSONL', '__proto__']);
  maybe('offsets', [...OFFSET_UNITS, 'bytes', '']);
  maybe('documentId', ['abc', '-1', '1.5', '0', '99999999', '1e3', String(ctx.a.id), '', '0x3', ' 3']);
  maybe('filter', ['{', '[]', 'null', '5', '{"labels":["quote"]}', '{"statuses":["finished"]}', '{"__proto__":{"labels":["x"]}}', '{"documentIds":[-1]}']);
  maybe('name', ['../../x.json', 'a/b\\c.csv', '', 'x'.repeat(5000), '名字.jsonl', '%00', '\r\nX-Evil: 1']);
  return params.toString();
}

function docState(doc: OpenedDocument): DocState {
  return { id: doc.id, revision: doc.revision, text: doc.text, length: codePoints(doc.text), spans: doc.spans, links: doc.links };
}

/**
 * Checks that an accepted save stored what it carried, and (for fixture A, read just before) that
 * the text change and the spans it did not name moved by the shared rule of src/shared/textEdit.ts,
 * which the store runs as SQL.
 */
async function checkSaved(svc: LoupeService, args: Json, before: DocState, where: string, fail: (where: string, what: string, args?: unknown) => void) {
  const doc = await svc.getDocument({ id: args.id as number });
  const edit = args.edit as TextEdit | undefined;
  if (doc.id === before.id && edit && !/\p{Cs}/u.test(edit.insert)) {
    if (doc.text !== applyTextEdit(before.text, edit)) fail(where, 'accepted, but the text is not the stored text with the change applied', args);
    const named = new Set([...((args.upsert as Json[]) ?? []).map((s) => s.id as string), ...((args.remove as string[]) ?? [])]);
    for (const old of before.spans) {
      if (named.has(old.id)) continue;
      const want = shiftSpan(old, edit);
      const got = doc.spans.find((s) => s.id === old.id);
      const fragments = (s: { fragments?: unknown[] } | undefined) => (s?.fragments && s.fragments.length > 1 ? s.fragments : undefined);
      if (!got || got.start !== want.start || got.end !== want.end || !isDeepStrictEqual(fragments(got), fragments(want))) {
        fail(where, `accepted, but span ${old.id} moved to ${preview(got && [got.start, got.end, got.fragments])}, not ${preview([want.start, want.end, want.fragments])} (from ${preview([old.start, old.end, old.fragments])})`, args);
      }
    }
  }
  const upsert = (args.upsert as Json[]) ?? [];
  const upserted = new Set(upsert.map((s) => s.id as string));
  for (const s of upsert) {
    const got = doc.spans.find((x) => x.id === s.id);
    // -0 is the offset 0 (JSON and SQLite have no other): compared as numbers, not as bit patterns.
    const zeroed = (n: unknown) => (n === 0 ? 0 : n);
    const want = { label: s.label, start: zeroed(s.start), end: zeroed(s.end), fragments: (s.fragments as unknown[] | undefined)?.length ?? 1 };
    if (!got || !isDeepStrictEqual({ label: got.label, start: got.start, end: got.end, fragments: got.fragments?.length ?? 1 }, want)) {
      fail(where, `accepted, but span ${preview(s.id)} was not stored as sent (got ${preview(got)})`, args);
      return;
    }
  }
  for (const id of (args.remove as string[]) ?? []) {
    if (!upserted.has(id) && doc.spans.some((x) => x.id === id)) fail(where, `accepted, but removed span ${preview(id)} is still there`, args);
  }
  const links = (args.upsertLinks as Json[] | undefined) ?? [];
  for (const l of links) {
    const got = doc.links.find((x) => x.id === l.id);
    if (!got || got.type !== l.type || got.from !== l.from || got.to !== l.to) fail(where, `accepted, but link ${preview(l.id)} was not stored as sent`, args);
  }
  if (typeof args.text === 'string' && !/\p{Cs}/u.test(args.text) && doc.text !== args.text) fail(where, 'accepted, but the text was not stored as sent', args);
}

/** Files that are not corpora (and one that is), for the path inputs. */
function makeFixtures(dir: string): Ctx['fixtures'] {
  const f = {
    notes: path.join(dir, 'notes.txt'),
    folder: path.join(dir, 'folder.loupe'),
    foreign: path.join(dir, 'foreign.sqlite'),
    newer: path.join(dir, 'newer.loupe'),
    damaged: path.join(dir, 'damaged.loupe'),
    other: path.join(dir, 'other.loupe'),
  };
  fs.writeFileSync(f.notes, 'some notes, not a corpus\n');
  fs.mkdirSync(f.folder);
  const foreign = new Database(f.foreign);
  foreign.exec("CREATE TABLE t (x); INSERT INTO t VALUES ('precious')");
  foreign.close();
  CorpusStore.open(f.newer, { create: true }).close();
  const newer = new Database(f.newer);
  newer.pragma('journal_mode = DELETE');
  newer.pragma('user_version = 99');
  newer.close();
  fs.writeFileSync(f.damaged, Buffer.concat([Buffer.from('SQLite format 3\0', 'latin1'), Buffer.alloc(4080, 0x5a)]));
  CorpusStore.open(f.other, { create: true }).close();
  return f;
}

/** Two fixture documents with spans and links (A is what saves work on, B is "another document"). */
async function setUp(svc: LoupeService, root: string, fixtures: Ctx['fixtures']): Promise<Ctx> {
  const info = await svc.corpusInfo({});
  const report = await svc.importFiles({
    files: [
      {
        name: 'fixture-a.txt',
        data: utf8('Fixture A\n赵书记说:“𠮷好,”他又说,“👍🏽”。The council pledged cleaner buses by 2028, the mayor said, and the works start in spring.'),
      },
      { name: 'fixture-b.txt', data: utf8('Fixture B\nAnother article, with spans and a link of its own.') },
    ],
  });
  const [ia, ib] = report.imported;
  if (!ia || !ib) throw new Error(`fixtures did not import: ${JSON.stringify(report.failed)}`);
  for (const [doc, prefix] of [[ia.documentId, 'fxA'], [ib.documentId, 'fxB']] as const) {
    const d = await svc.getDocument({ id: doc });
    await svc.saveDocument({
      corpusId: info.id,
      id: doc,
      baseRevision: d.revision,
      upsert: [
        { id: `${prefix}-q`, label: 'quote', start: 0, end: 4, attrs: { kind: 'direct' } },
        { id: `${prefix}-o`, label: 'official', start: 5, end: 8, attrs: { name: '赵' } },
        { id: `${prefix}-p`, label: 'pledge', start: 9, end: 12 },
      ],
      remove: [],
      upsertLinks: [{ id: `${prefix}-l`, type: 'speaker', from: `${prefix}-q`, to: `${prefix}-o` }],
    });
  }
  // The backup taken on open runs in the background: wait for it, so every run has one to restore.
  for (let i = 0; i < 100 && (await svc.listBackups({})).length === 0; i++) await new Promise((r) => setTimeout(r, 50));
  const sample = path.join(root, 'exports', 'sample.jsonl');
  await svc.exportCorpus({ format: 'jsonl', path: sample, offsets: 'codepoint', documentId: ia.documentId });
  return {
    n: 0,
    root,
    mainPath: info.path,
    corpusId: info.id,
    staleIds: [],
    schema: { labels: info.labels, linkTypes: info.linkTypes },
    a: docState(await svc.getDocument({ id: ia.documentId })),
    b: docState(await svc.getDocument({ id: ib.documentId })),
    scratch: [],
    deleted: [],
    existing: new Set((await svc.listDocuments({})).map((d) => d.id)),
    fixtures,
    exportSample: new Uint8Array(fs.readFileSync(sample)),
    backups: (await svc.listBackups({})).map((b) => b.path),
  };
}
