/**
 * The `loupe` command's entry, built to out/main/cli.js (bin/loupe.cjs loads it) and called by the
 * Electron entry when the app is started with a command. `--version` answers before the rest of the
 * CLI (better-sqlite3, exceljs, the formats) is loaded, so it starts as fast as Node does.
 */
import { LOUPE_VERSION } from '../../shared/version';

/** Runs the CLI with `argv` (without node and the script); resolves to the exit code. */
export async function runCli(argv: string[]): Promise<number> {
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) {
    process.stdout.write(`${LOUPE_VERSION}\n`);
    return 0;
  }
  const cli = await import('./main');
  return cli.runCli(argv);
}

/** Runs the CLI, waits until stdout and stderr have taken everything written, then calls `exit`. */
export async function runCliThenExit(argv: string[], exit: (code: number) => void): Promise<void> {
  const code = await runCli(argv);
  // Pipes are asynchronous on macOS and Windows: exiting at once could cut the output short.
  await Promise.all([process.stdout, process.stderr].map((stream) => new Promise<void>((resolve) => stream.write('', () => resolve()))));
  exit(code);
}
