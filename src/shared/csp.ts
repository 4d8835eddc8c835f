/**
 * The Content-Security-Policy of Loupe's pages, in one place: the Electron shell sends it as a
 * header, the loopback bridge too, and src/renderer/index.html carries it as a meta tag (a unit test
 * keeps that copy equal; a meta CSP cannot hold frame-ancestors).
 */

/** Extra sources, for the development server only. */
export interface CspExtras {
  script?: string[];
  style?: string[];
  connect?: string[];
}

/** The policy's directives, in order. */
export function cspDirectives(extras: CspExtras = {}): string[] {
  const list = (base: string[], more: string[] = []) => [...base, ...more].join(' ');
  return [
    "default-src 'self'",
    `script-src ${list(["'self'"], extras.script)}`,
    `style-src ${list(["'self'"], extras.style)}`,
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src ${list(["'self'"], extras.connect)}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ];
}

/** The policy as a header value. */
export const contentSecurityPolicyHeader = (extras: CspExtras = {}): string => cspDirectives(extras).join('; ');
