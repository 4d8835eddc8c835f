/**
 * What Electronegativity reports that does not apply to Loupe, each with the reason. The runner
 * (electronegativity.mjs beside this file) fails on any finding not listed here, and on any entry
 * here that no longer matches a finding, so this list cannot outlive the code it excuses.
 *
 * A finding matches an entry when the check id and the file (relative to the repository) are equal and, if
 * the entry has them, the description and the sample (the offending source text) are equal too.
 */

/** Checks not run at all. */
export const EXCLUDED_CHECKS = [
  {
    check: 'AvailableSecurityFixesGlobalCheck',
    why:
      "Downloads Electron's release list from the network at every run; the scan must run offline. " +
      'Keeping Electron current is the job of dependency updates, not of this source scan.',
  },
  {
    check: 'ElectronVersionJSONCheck',
    why:
      'Only reads the Electron version out of package.json to feed AvailableSecurityFixesGlobalCheck ' +
      '(excluded above); on its own it reports the version as a finding. The runner passes the ' +
      'installed Electron version to every other check instead.',
  },
];

/** Findings reviewed and found not to apply. */
export const EXCEPTIONS = [
  {
    check: 'PRELOAD_JS_CHECK',
    file: 'src/main/shell/window.ts',
    why:
      'Fires for any preload ("review the use of preload scripts"). Reviewed: src/preload/index.ts runs ' +
      'sandboxed with contextIsolation, exposes one global holding the contract methods and the ' +
      'HostBridge members, and passes no ipcRenderer function through; ' +
      'tests/unit/electronSecurity.test.ts ("the preload") checks exactly that.',
  },
  {
    check: 'AUXCLICK_JS_CHECK',
    file: 'src/main/shell/window.ts',
    why:
      'Asks for disableBlinkFeatures: "Auxclick", which is not a Blink runtime feature since auxclick ' +
      'shipped in Chrome 55, so the option would do nothing (electron/electron#10315). What the ' +
      'check guards against, a middle-click opening a link in a new window, is refused by ' +
      'guardWebContents: setWindowOpenHandler denies every URL and will-navigate refuses foreign ones ' +
      '(tests/unit/electronSecurity.test.ts, "guardWebContents").',
  },
  {
    check: 'CSP_GLOBAL_CHECK',
    file: 'src/main/shell/security.ts',
    description: 'Failed to parse CSP, it may not be valid.',
    why:
      'The header value is computed (src/shared/csp.ts, plus the dev server nonce in development), so ' +
      'the scan sees a variable, not a policy. The same policy is checked literally in ' +
      'src/renderer/index.html (entry below), and tests/unit/shared.test.ts and ' +
      'tests/unit/electronSecurity.test.ts keep the header, the meta tag and the directives in line.',
  },
  {
    check: 'CSP_GLOBAL_CHECK',
    file: 'src/renderer/index.html',
    description: 'One or more CSP directives detected seems to be vulnerable',
    // Any change to the policy makes this entry stale, so the finding comes back for review.
    sample:
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; font-src 'self' data:; " +
      "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'",
    why:
      "The CSP evaluator's only remark is \"script-src 'self' can be problematic if you host JSONP, " +
      "Angular or user uploaded files\". Loupe's origin serves none of those, only the built renderer's " +
      'own bundles (the bridge serves out/renderer and nothing else). Residual risk, left on record: ' +
      "the built page is a file:// page, and file: URLs have no host, so 'self' there is a much wider " +
      "set than one web origin; Electron's security checklist recommends a custom protocol over " +
      'file:// for this reason. That would change how the shell loads the page.',
  },
];
