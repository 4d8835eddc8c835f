/**
 * How the UI sends a large import: in chunks, so a progress bar can move and no single request is
 * huge. Files that are read together stay together: a brat .txt with its .ann (same folder and
 * stem), and the annotation.conf that applies to a folder (its own, or the nearest above, as brat
 * looks for it) goes with every chunk holding files of that folder. What a brat folder holds besides
 * its pairs (README, LICENSE, a .txt without its .ann) travels with an .ann of that folder, so each
 * chunk's importer skips it as the whole batch's would. The rules of a brat folder live here, shared
 * by the planner and the importer.
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
const extOf = (name: string): string => {
  const base = baseOf(name);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot).toLowerCase() : '';
};
const isAnn = (name: string): boolean => extOf(name) === '.ann';

/** A folder and every folder above it ('' last). */
function* foldersUp(dir: string): Generator<string> {
  for (let d: string | null = dir; d !== null; d = d === '' ? null : dirOf(d)) yield d;
}

/**
 * The annotation.conf a brat file is read with, among `confs` (`/`-separated names of a batch's
 * annotation.conf files): as brat looks for it, the one in the file's folder or the nearest folder
 * above; else, when the batch has exactly one, that one (corpora ship as conf/annotation.conf beside
 * data/). The app's chunks and the importer both ask here, so they never disagree.
 */
export function bratConfFor(name: string, confs: readonly string[]): string | undefined {
  const byDir = new Map(confs.map((c) => [dirOf(c), c]));
  for (const d of foldersUp(dirOf(name))) {
    const conf = byDir.get(d);
    if (conf !== undefined) return conf;
  }
  return confs.length === 1 ? confs[0] : undefined;
}

/** Where a batch's brat .ann files are: their folders (`own`), and those folders with every folder above them (`tree`). */
export interface BratFolders {
  own: ReadonlySet<string>;
  tree: ReadonlySet<string>;
}

/** The brat folders among `names` (`/`-separated paths; a bare name is in the folder ''). */
export function bratFolders(names: Iterable<string>): BratFolders {
  const own = new Set<string>();
  const tree = new Set<string>();
  for (const name of names) {
    if (!isAnn(name)) continue;
    own.add(dirOf(name));
    for (const d of foldersUp(dirOf(name))) tree.add(d);
  }
  return { own, tree };
}

/** Files that tell about a folder rather than being an article, with or without an extension. */
const ABOUT_FOLDER = /^(readme|licen[cs]e|copying|notice|authors)(\.[^.]*)?$/i;

/**
 * Why a file is left out of a brat folder's import, or null when it is read: in a folder holding .ann
 * files, or above one, a README, LICENSE (and the like) or a file without an extension is no article;
 * in a folder holding .ann files, a .txt is read only with its .ann (`paired`). .ann and .conf files
 * are the importer's own business and get null here.
 */
export function bratSkipReason(name: string, folders: BratFolders, paired: boolean): string | null {
  const dir = dirOf(name);
  const ext = extOf(name);
  if (!folders.tree.has(dir) || ext === '.ann' || ext === '.conf' || (ext === '.txt' && paired)) return null;
  const about = ABOUT_FOLDER.exec(baseOf(name));
  if (about) return `the ${about[1]!.toUpperCase()} of a brat folder, not an article`;
  if (ext === '') return 'a file without an extension in a brat folder (brat reads only .txt files with their .ann)';
  if (ext === '.txt' && !paired && folders.own.has(dir)) {
    return `a .txt without ${stemOf(name).slice(dir.length + 1)}.ann beside it, in a brat folder (brat reads a .txt only with its .ann)`;
  }
  return null;
}

/** How much a chunk carries at most (tests make chunks small); CHUNK_BYTES and CHUNK_GROUPS when absent. */
export interface ChunkLimits {
  bytes?: number;
  groups?: number;
}

/** The chunks to send, in order; every file appears in exactly one chunk (a folder's annotation.conf in each of its chunks). */
export function planImportChunks(files: readonly ImportFile[], limits: ChunkLimits = {}): ImportFile[][] {
  const maxBytes = limits.bytes ?? CHUNK_BYTES;
  const maxGroups = limits.groups ?? CHUNK_GROUPS;
  const confs = new Map(files.filter((f) => isConf(f.name)).map((f) => [f.name, f]));
  const confNames = [...confs.keys()];
  const groups = new Map<string, ImportFile[]>();
  for (const f of files) {
    if (isConf(f.name)) continue;
    const key = stemOf(f.name);
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  // What a brat folder skips goes with an .ann of that folder (or of one below it, for a README above them).
  const folders = bratFolders(files.map((f) => f.name));
  const ownAnchor = new Map<string, string>();
  const treeAnchor = new Map<string, string>();
  for (const [key, group] of groups) {
    const ann = group.find((f) => isAnn(f.name));
    if (!ann) continue;
    if (!ownAnchor.has(dirOf(ann.name))) ownAnchor.set(dirOf(ann.name), key);
    for (const d of foldersUp(dirOf(ann.name))) if (!treeAnchor.has(d)) treeAnchor.set(d, key);
  }
  const moves: [from: string, to: string, file: ImportFile][] = [];
  for (const [key, group] of groups) {
    const paired = group.some((f) => isAnn(f.name));
    for (const f of group) {
      if (bratSkipReason(f.name, folders, paired) === null) continue;
      const to = ownAnchor.get(dirOf(f.name)) ?? treeAnchor.get(dirOf(f.name));
      if (to !== undefined) moves.push([key, to, f]);
    }
  }
  for (const [from, to, file] of moves) {
    const rest = groups.get(from)!.filter((f) => f !== file);
    if (rest.length) groups.set(from, rest);
    else groups.delete(from);
    groups.get(to)!.push(file);
  }
  const chunks: ImportFile[][] = [];
  let current: ImportFile[] = [];
  let bytes = 0;
  let count = 0;
  const flush = () => {
    if (current.length === 0) return;
    // The brat configuration each file is read with (see bratConfFor).
    const needed = new Set<ImportFile>();
    for (const f of current) {
      const conf = bratConfFor(f.name, confNames);
      if (conf !== undefined) needed.add(confs.get(conf)!);
    }
    current.push(...needed);
    chunks.push(current);
    current = [];
    bytes = 0;
    count = 0;
  };
  for (const group of groups.values()) {
    const size = group.reduce((n, f) => n + f.data.byteLength, 0);
    if (count > 0 && (bytes + size > maxBytes || count >= maxGroups)) flush();
    current.push(...group);
    bytes += size;
    count += 1;
  }
  flush();
  // A batch of nothing but configuration files still goes through, so the importer can say why it skipped them.
  if (chunks.length === 0 && confs.size > 0) chunks.push([...confs.values()]);
  return chunks;
}
