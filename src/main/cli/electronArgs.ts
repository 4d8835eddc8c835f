/**
 * Whether a start of the Electron app is a `loupe` command: the installed app answers
 * `Loupe import …` like the `loupe` command does. Plain Node, no Electron.
 */

/** The words that make a start of the app a command-line run rather than a window. */
export const CLI_COMMANDS: ReadonlySet<string> = new Set(['import', 'export', 'stats', 'schema', 'web', 'help', '--help', '-h', '--version', '-v']);

/**
 * The command-line arguments of an Electron start, or null when it should open a window. `argv` is
 * process.argv: [executable, args…] when packaged, [electron, appPath, args…] when not
 * (`defaultApp`). `--no-sandbox`, which Linux launchers (AppImage) may put first, is dropped.
 */
export function cliArgsOfElectron(argv: readonly string[], defaultApp: boolean): string[] | null {
  const args = argv.slice(defaultApp ? 2 : 1).filter((arg) => arg !== '--no-sandbox');
  return args.length > 0 && CLI_COMMANDS.has(args[0]!) ? args : null;
}
