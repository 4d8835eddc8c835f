import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseLaunchArgs } from '../../src/main/shell/launchArgs';
import { appUrlTest, contentSecurityPolicy } from '../../src/main/shell/security';

const installDir = path.resolve('/opt/Loupe 新闻/resources/app.asar/out/renderer');
const built = { kind: 'file', indexHtml: path.join(installDir, 'index.html') } as const;

describe('appUrlTest', () => {
  it('accepts the built page, even from a folder with spaces and CJK characters', () => {
    const isApp = appUrlTest(built);
    expect(isApp(pathToFileURL(built.indexHtml).href)).toBe(true);
    expect(isApp(`${pathToFileURL(built.indexHtml).href}#/doc/3`)).toBe(true);
  });

  it('refuses other files, other schemes and look-alike folders', () => {
    const isApp = appUrlTest(built);
    expect(isApp(pathToFileURL('/etc/passwd').href)).toBe(false);
    expect(isApp(pathToFileURL(`${installDir}-evil/index.html`).href)).toBe(false);
    expect(isApp(pathToFileURL(path.join(installDir, '../main/index.js')).href)).toBe(false);
    expect(isApp('https://example.org/index.html')).toBe(false);
    expect(isApp('not a url')).toBe(false);
  });

  it('accepts only the dev server origin in development', () => {
    const isApp = appUrlTest({ kind: 'dev', url: 'http://localhost:5173/' });
    expect(isApp('http://localhost:5173/index.html')).toBe(true);
    expect(isApp('http://localhost:5174/')).toBe(false);
    expect(isApp('http://127.0.0.1:5173/')).toBe(false);
  });
});

describe('contentSecurityPolicy', () => {
  const directives = (csp: string): Map<string, string[]> =>
    new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name = '', ...sources]) => [name, sources]));

  it('allows no inline code, no eval, no plugins and no framing in the built app', () => {
    const csp = directives(contentSecurityPolicy(built));
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('style-src')).toEqual(["'self'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp.get('connect-src')).toEqual(["'self'"]);
  });

  it('admits the dev server socket and Vite nonce only in development', () => {
    const csp = directives(contentSecurityPolicy({ kind: 'dev', url: 'http://localhost:5173/', nonce: 'abc' }));
    expect(csp.get('connect-src')).toEqual(["'self'", 'ws://localhost:5173']);
    expect(csp.get('script-src')).toEqual(["'self'", "'nonce-abc'"]);
    expect(csp.get('script-src')).not.toContain("'unsafe-inline'");
  });
});

describe('parseLaunchArgs', () => {
  it('reads --data-dir in both spellings and resolves it against the working folder', () => {
    expect(parseLaunchArgs(['out/main/index.js', '--data-dir=tmp/d'], '/w').dataDir).toBe(path.resolve('/w/tmp/d'));
    expect(parseLaunchArgs(['--data-dir', '/abs'], '/w').dataDir).toBe(path.resolve('/abs'));
    expect(parseLaunchArgs(['--no-sandbox', '--inspect=0'], '/w')).toEqual({});
  });

  it('takes a .loupe file from the command line as the corpus to open', () => {
    expect(parseLaunchArgs(['.', 'News.LOUPE', '--flag'], '/w').corpusPath).toBe(path.resolve('/w/News.LOUPE'));
    expect(parseLaunchArgs(['notes.txt'], '/w').corpusPath).toBeUndefined();
  });
});
