/**
 * The real tools some tests check Loupe's files with (pandas, openpyxl, LibreOffice, Chromium…).
 * `.ci/run` installs them and sets LOUPE_CI=1: there a missing tool fails its tests. Elsewhere the
 * tests that need it are skipped, and the reason is printed.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

/** Whether this run is CI's (`.ci/run` sets LOUPE_CI=1; most CI services set CI=true). */
export const IN_CI = process.env.LOUPE_CI === '1' || process.env.CI === 'true' || process.env.CI === '1';

export interface ToolCheck {
  name: string;
  ok: boolean;
  /** Why it is not usable, and how to get it (empty when ok). */
  why: string;
}

/** Debian's Python, whose modules (python3-pandas, -openpyxl…) live there; another python3 may come first on PATH. */
export const DEBIAN_PYTHON = '/usr/bin/python3';

const checks = new Map<string, ToolCheck>();
const cached = (name: string, check: () => string): ToolCheck => {
  let found = checks.get(name);
  if (!found) {
    const why = check();
    found = { name, ok: why === '', why };
    checks.set(name, found);
  }
  return found;
};

/** Debian's Python with these modules importable (e.g. `['pandas', 'openpyxl']`). */
export function python(modules: readonly string[], debianPackages: readonly string[]): ToolCheck {
  return cached(`python:${modules.join(',')}`, () => {
    if (!fs.existsSync(DEBIAN_PYTHON)) return `${DEBIAN_PYTHON} is missing (apt-get install python3 ${debianPackages.join(' ')})`;
    const r = spawnSync(DEBIAN_PYTHON, ['-c', `import ${modules.join(', ')}`], { encoding: 'utf8' });
    return r.status === 0 ? '' : `${DEBIAN_PYTHON} cannot import ${modules.join(', ')} (apt-get install ${debianPackages.join(' ')})`;
  });
}

/** A command on PATH (or at an absolute path) that answers `args` with exit status 0. */
export function command(name: string, args: readonly string[], debianPackage: string): ToolCheck {
  return cached(`command:${name}`, () => {
    const r = spawnSync(name, [...args], { encoding: 'utf8', timeout: 60_000 });
    return r.status === 0 ? '' : `${name} is not usable here (apt-get install ${debianPackage})`;
  });
}

/**
 * Whether tests needing `tool` are to be skipped: only outside CI, and then the reason is printed.
 * In CI they run, and `requireTool` makes them fail with the reason.
 */
export function skipWithout(tool: ToolCheck): boolean {
  if (tool.ok || IN_CI) return false;
  console.warn(`[skipped] tests needing ${tool.name}: ${tool.why}`);
  return true;
}

/** Fails (in CI, where skipping is not allowed) when `tool` is not usable. */
export function requireTool(tool: ToolCheck): void {
  if (!tool.ok) throw new Error(`${tool.name} is needed by this test and CI must have it: ${tool.why}`);
}
