/** Reading what a downstream tool would read: exported JSONL, sliced by code points. */

export interface ExportedSpan {
  id: string;
  label: string;
  start: number;
  end: number;
  text: string;
}
export interface ExportedDocument {
  id: number;
  title: string;
  text: string;
  offset_unit: string;
  spans: ExportedSpan[];
}

export const parseJsonl = (content: string): ExportedDocument[] =>
  content
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as ExportedDocument);

/** Slices like Python's str: by code points. */
export const sliceCp = (text: string, start: number, end: number): string => Array.from(text).slice(start, end).join('');
