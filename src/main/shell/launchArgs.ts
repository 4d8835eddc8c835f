/**
 * Reads what the shell needs from its command line: the data folder and a corpus to open (a
 * `.loupe` file passed by the OS file association or by the user). Plain Node, no Electron.
 * Chromium's own switches (`--no-sandbox`, `--inspect=…`) pass through untouched.
 */
import path from 'node:path';

export interface LaunchArgs {
  /** From `--data-dir=PATH` (or `--data-dir PATH`); the LOUPE_DATA_DIR variable is `defaultDataDir`'s business. */
  dataDir?: string;
  /** The last `.loupe` file named on the command line, absolute. */
  corpusPath?: string;
}

/** Parses argv (without the executable); relative paths resolve against cwd. */
export function parseLaunchArgs(argv: readonly string[], cwd: string): LaunchArgs {
  const result: LaunchArgs = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg.startsWith('--data-dir=')) {
      const value = arg.slice('--data-dir='.length);
      if (value) result.dataDir = path.resolve(cwd, value);
    } else if (arg === '--data-dir') {
      const value = argv[i + 1];
      if (value && !value.startsWith('-')) {
        result.dataDir = path.resolve(cwd, value);
        i++;
      }
    } else if (!arg.startsWith('-') && arg.toLowerCase().endsWith('.loupe')) {
      result.corpusPath = path.resolve(cwd, arg);
    }
  }
  return result;
}
