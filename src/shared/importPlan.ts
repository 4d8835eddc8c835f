/**
 * How the UI sends a large import: in chunks, so a progress bar can move and no single request is
 * huge. Files that are read together stay together: a brat .txt with its .ann (same folder and
 * stem), and the annotation.conf that applies to a folder (its own, or the nearest above, as brat
 * looks for it) goes with every chunk holding files of that folder.
 */
import type { ImportFile } from './types';

/** Roughly how much one chunk carries. */
export const CHUNK_BYTES = 16 * 1024 * 1024;
export const CHUNK_GROUPS = 40;

const dirOf = (name: string): string => (name.includes('/') ? name.slice(0, name.lastIndexOf('/')) : '');
const baseOf = (name: string): string => name.slice(name.lastIndexOf('/') + 1);
const stemOf = (name: string): string => {
  const base = baseOf(name);
  const dot = base.lastIndexOf('.');
  return `${dirOf(name)}/${dot > 0 ? base.slice(0, dot) : base}`;
};
const isConf = (name: string): boolean => baseOf(name).toLowerCase() === 'annotation.conf';

/** The chunks to send, in order; every file appears in exactly one chunk (a folder's annotation.conf in each of its chunks). */
export function planImportChunks(files: readonly ImportFile[]): ImportFile[][] {
  const confs = new Map(files.filter((f) => isConf(f.name)).map((f) => [dirOf(f.name), f]));
  const groups = new Map<string, ImportFile[]>();
  for (const f of files) {
    if (isConf(f.name)) continue;
    const key = stemOf(f.name);
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  const chunks: ImportFile[][] = [];
  let current: ImportFile[] = [];
  let bytes = 0;
  let count = 0;
  const flush = () => {
    if (current.length === 0) return;
    // Each folder's brat configuration: its own annotation.conf, or the nearest one above it.
    const needed = new Set<ImportFile>();
    for (const dir of new Set(current.map((f) => dirOf(f.name)))) {
      for (let d: string | null = dir; d !== null; d = d === '' ? null : dirOf(d)) {
        const conf = confs.get(d);
        if (conf) {
          needed.add(conf);
          break;
        }
      }
    }
    current.push(...needed);
    chunks.push(current);
    current = [];
    bytes = 0;
    count = 0;
  };
  for (const group of groups.values()) {
    const size = group.reduce((n, f) => n + f.data.byteLength, 0);
    if (count > 0 && (bytes + size > CHUNK_BYTES || count >= CHUNK_GROUPS)) flush();
    current.push(...group);
    bytes += size;
    count += 1;
  }
  flush();
  // A batch of nothing but configuration files still goes through, so the importer can say why it skipped them.
  if (chunks.length === 0 && confs.size > 0) chunks.push([...confs.values()]);
  return chunks;
}
