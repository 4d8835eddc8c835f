/**
 * Paths on the computer Loupe's Node side runs on, handled where Node's `path` is not available (the
 * browser build's page): POSIX (`/home/…`) or Windows (`C:\…`, `\\server\share\…`), told apart by the
 * absolute path they are resolved against.
 */

const WINDOWS_ABSOLUTE = /^(?:[A-Za-z]:[\\/]|[\\/]{2}[^\\/])/;

/** Whether `p` is an absolute path on POSIX or on Windows. */
export function isAbsolutePath(p: string): boolean {
  return p.startsWith('/') || WINDOWS_ABSOLUTE.test(p);
}

/** The separator paths use on the system `absolute` (an absolute path) comes from. */
function separatorOf(absolute: string): '/' | '\\' {
  return WINDOWS_ABSOLUTE.test(absolute) ? '\\' : '/';
}

/** The folder of an absolute file path. */
export function folderOf(file: string): string {
  const sep = separatorOf(file);
  const parts = file.split(sep === '\\' ? /[\\/]/ : '/');
  parts.pop();
  const folder = parts.join(sep);
  return folder === '' ? sep : /^[A-Za-z]:$/.test(folder) ? `${folder}${sep}` : folder;
}

/**
 * `typed` resolved against the absolute folder `base`, as Node's path.resolve does there: an absolute
 * path stays (normalised), a relative one is taken from `base`; `.` and `..` are folded.
 */
export function resolvePath(base: string, typed: string): string {
  const sep = separatorOf(base);
  const windows = sep === '\\';
  const start = isAbsolutePath(typed) ? typed : `${base}${sep}${typed}`;
  const root = windows ? (/^[A-Za-z]:/.exec(start)?.[0] ?? '') : '';
  const rest = start.slice(root.length).split(windows ? /[\\/]+/ : /\/+/);
  const kept: string[] = [];
  for (const part of rest) {
    if (part === '' || part === '.') continue;
    if (part === '..') kept.pop();
    else kept.push(part);
  }
  return `${root}${sep}${kept.join(sep)}`;
}
