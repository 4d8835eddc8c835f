/**
 * What the UI, the shell's dialogs and the bridge need to know of each file format: its name, its
 * file extension, its media type, and which offsets it writes (some formats fix their own unit).
 */
import type { ExportFormat, ImportFormat, OffsetUnit } from './types';

export interface ExportFormatInfo {
  name: string;
  extension: string;
  mime: string;
  /** 'chosen': the unit the user picked; a unit: the format's own, whatever was picked; 'none': no offsets. */
  offsets: 'chosen' | OffsetUnit | 'none';
  /** A second part of the file name, so exports of formats sharing an extension do not collide. */
  suffix: string;
}

export const EXPORT_FORMAT_INFO: Readonly<Record<ExportFormat, ExportFormatInfo>> = {
  jsonl: { name: 'JSONL', extension: 'jsonl', mime: 'application/jsonl; charset=utf-8', offsets: 'chosen', suffix: '' },
  json: { name: 'JSON', extension: 'json', mime: 'application/json; charset=utf-8', offsets: 'chosen', suffix: '' },
  csv: { name: 'CSV', extension: 'csv', mime: 'text/csv; charset=utf-8', offsets: 'chosen', suffix: '' },
  'csv-links': { name: 'CSV (links)', extension: 'csv', mime: 'text/csv; charset=utf-8', offsets: 'none', suffix: '.links' },
  xlsx: { name: 'XLSX', extension: 'xlsx', mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', offsets: 'chosen', suffix: '' },
  conll: { name: 'CoNLL (BIO)', extension: 'conll', mime: 'text/plain; charset=utf-8', offsets: 'none', suffix: '' },
  brat: { name: 'brat standoff (zip)', extension: 'zip', mime: 'application/zip', offsets: 'codepoint', suffix: '.brat' },
  doccano: { name: 'doccano JSONL', extension: 'jsonl', mime: 'application/jsonl; charset=utf-8', offsets: 'codepoint', suffix: '.doccano' },
  'label-studio': { name: 'Label Studio JSON', extension: 'json', mime: 'application/json; charset=utf-8', offsets: 'codepoint', suffix: '.label-studio' },
  w3c: { name: 'W3C Web Annotation (JSON-LD)', extension: 'jsonld', mime: 'application/ld+json; charset=utf-8', offsets: 'codepoint', suffix: '.w3c' },
};

export const IMPORT_FORMAT_NAMES: Readonly<Record<ImportFormat, string>> = {
  text: 'Plain text',
  markdown: 'Markdown',
  html: 'HTML',
  docx: 'Word (.docx)',
  'loupe-jsonl': 'Loupe JSONL / JSON',
  doccano: 'doccano JSONL',
  brat: 'brat standoff (.txt + .ann)',
  'label-studio': 'Label Studio JSON',
  conll: 'CoNLL (BIO / BIOES)',
};

/** The file name an export is offered under: base, the format's suffix, the unit when not the default. */
export function exportFileName(base: string, format: ExportFormat, unit: OffsetUnit): string {
  const info = EXPORT_FORMAT_INFO[format];
  const unitPart = info.offsets === 'chosen' && unit !== 'codepoint' ? `.${unit}` : '';
  return `${base}${info.suffix}${unitPart}.${info.extension}`;
}

/**
 * The extensions (without the dot) File › Import offers by default, in the native dialog and the
 * browser build's picker: those of every format Loupe reads, brat's .ann and .conf, and .zip.
 */
export const IMPORT_EXTENSIONS: readonly string[] = [
  'txt', 'text', 'md', 'markdown', 'html', 'htm', 'xhtml', 'docx', 'jsonl', 'ndjson', 'json',
  'ann', 'conf', 'conll', 'bio', 'bioes', 'iob', 'iob2', 'zip',
];
