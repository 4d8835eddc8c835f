import fs from 'node:fs';
import path from 'node:path';

/** Flushes a file's content to the disk. */
export function syncFile(file: string): void {
  const fd = fs.openSync(file, 'r+');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Writes a small file so that readers see the old content or the new one, never half of it. */
export function writeFileAtomicSync(file: string, content: string): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    fs.writeFileSync(tmp, content);
    syncFile(tmp);
    fs.renameSync(tmp, file);
  } catch (error) {
    fs.rmSync(tmp, { force: true });
    throw error;
  }
}

/**
 * Copies `source` to `target`, which must not exist yet, so that `target` is either absent or the
 * whole copy: through a temporary file beside it, synced, then renamed.
 */
export function copyFileAtomicSync(source: string, target: string): void {
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.tmp`);
  try {
    fs.copyFileSync(source, tmp, fs.constants.COPYFILE_EXCL);
    syncFile(tmp);
    fs.renameSync(tmp, target);
  } catch (error) {
    fs.rmSync(tmp, { force: true });
    throw error;
  }
}
