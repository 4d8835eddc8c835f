/**
 * Runs the `loupe` command in this process (runCli), as the tests of its commands do: its output,
 * what it wrote to stderr, and its exit code.
 */
import { PassThrough } from 'node:stream';
import { runCli } from '../../src/main/cli/main';

export async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out = new PassThrough();
  let text = '';
  out.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  const errors: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string) => (errors.push(String(chunk)), true)) as typeof process.stderr.write;
  try {
    return { code: await runCli(args, out), out: text, err: errors.join('') };
  } finally {
    process.stderr.write = write;
  }
}
