/**
 * Where a worker thread's script is: the built one beside the bundle (out/main, where every entry and
 * shared chunk lies), else the TypeScript source beside the module that starts it, compiled in the
 * worker by tsx as the CLI and the tests are.
 */
import fs from 'node:fs';
import path from 'node:path';

/** The script of worker `name` (a `lib.entry` of electron.vite.config.ts) for a module in `dir` (its __dirname). */
export function workerScript(dir: string, name: string): { file: string; execArgv: string[] } {
  const built = path.join(dir, `${name}.js`);
  if (fs.existsSync(built)) return { file: built, execArgv: [] };
  return { file: path.join(dir, `${name}.ts`), execArgv: ['--require', require.resolve('tsx/cjs')] };
}
