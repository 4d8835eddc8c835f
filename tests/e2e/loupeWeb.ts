/** Starts `loupe web` on a free loopback port, as a user would, for the browser tests and benchmarks. */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';

export const REPO = path.resolve(__dirname, '../..');

/** Runs `loupe web --port 0` with `args`; resolves with the process and its URL (token included). */
export async function startLoupeWeb(args: string[], timeoutMs = 30_000): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [path.join(REPO, 'bin/loupe.cjs'), 'web', '--port', '0', ...args], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const lines = readline.createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`loupe web did not start: ${stderr}`)), timeoutMs);
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve(line.trim());
    });
    child.once('exit', (code) => reject(new Error(`loupe web exited with ${code}: ${stderr}`)));
  });
  return { child, url };
}
