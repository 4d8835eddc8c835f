/**
 * Runs Electronegativity (Doyensec's Electron security scanner) over Loupe's sources, offline, and
 * fails on any finding that electronegativityExceptions.mjs does not excuse with a reason.
 *
 *   npm run test:security
 *
 * What it scans: a copy of src/ (main, preload, renderer, shared; .ts/.tsx through Babel's
 * TypeScript parser, index.html through cheerio) plus package.json (its scripts are checked for
 * dangerous Chromium switches), so that the scanner's cross-file checks see the whole app at once
 * and nothing else of the repository (tests, benches, build output) gets in.
 *
 * Offline: the scanner downloads translations at start and Electron's release list in one check.
 * Its HTTP client is replaced by one that refuses (it then falls back to its bundled English
 * texts), the release-list check is excluded, and any other socket the process opens fails the run.
 */
import fs from 'node:fs';
import { createRequire, Module } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXCEPTIONS, EXCLUDED_CHECKS } from './electronegativityExceptions.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const requireHere = createRequire(import.meta.url);
const started = performance.now();

// Descriptions are matched against the exceptions: always the bundled English ones.
process.env.LANG = 'en-US';

/** Every outgoing connection is refused and remembered; one that gets this far fails the run. */
const socketAttempts = [];
net.Socket.prototype.connect = function refuseConnect(...args) {
  const [first] = args;
  socketAttempts.push(typeof first === 'object' && first ? `${first.host ?? first.path ?? '?'}:${first.port ?? ''}` : String(first));
  process.nextTick(() => this.destroy(new Error('the electronegativity run is offline')));
  return this;
};

const toolPackage = requireHere.resolve('@doyensec/electronegativity/package.json');
const requireTool = createRequire(toolPackage);
const toolVersion = requireTool('./package.json').version;

/** Requests the scanner makes through its HTTP client ('got'); all refused. */
const refusedRequests = [];
const gotPath = requireTool.resolve('got');
const refuse = (url) => {
  refusedRequests.push(String(url));
  return Promise.reject(new Error('offline'));
};
refuse.head = refuse;
const gotStub = new Module(gotPath);
gotStub.filename = gotPath;
gotStub.loaded = true;
gotStub.exports = refuse;
requireTool.cache[gotPath] = gotStub;

const run = requireTool('./dist/runner.js');
const cspEvaluator = requireTool('@doyensec/csp-evaluator');
const electronVersion = requireHere('electron/package.json').version;

// Stage what is scanned in one folder (the scanner takes one input).
const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-electronegativity-'));
let result;
try {
  fs.cpSync(path.join(root, 'src'), path.join(stage, 'src'), { recursive: true });
  fs.copyFileSync(path.join(root, 'package.json'), path.join(stage, 'package.json'));
  result = await run(
    {
      input: stage,
      customScan: [],
      excludeFromScan: EXCLUDED_CHECKS.map((e) => e.check.toLowerCase()),
      electronVersionOverride: electronVersion,
      parserPlugins: [],
      isRelative: false,
    },
    false,
  );
} finally {
  fs.rmSync(stage, { recursive: true, force: true });
}

const relative = (file) => (file === 'N/A' ? file : path.relative(stage, file).split(path.sep).join('/'));

/** The CSP evaluator's own remarks on a policy, to say which directive a CSP finding is about. */
function cspRemarks(policy) {
  try {
    const parsed = new cspEvaluator.CspParser(policy).csp;
    return new cspEvaluator.CspEvaluator(parsed, cspEvaluator.Version.CSP3)
      .evaluate()
      .filter((f) => f.severity < cspEvaluator.severities.INFO)
      .map((f) => `${f.directive} ${f.value ?? ''}: ${f.description}`.replace(/\s+:/, ':'));
  } catch {
    return [];
  }
}

const findings = result.issues.map((issue) => ({
  check: issue.id,
  file: relative(issue.file),
  line: issue.location?.line ?? 0,
  column: issue.location?.column ?? 0,
  severity: issue.severity?.name ?? '?',
  confidence: issue.confidence?.name ?? '?',
  description: issue.description,
  sample: issue.sample,
  remarks: issue.id.startsWith('CSP_') && typeof issue.sample === 'string' ? cspRemarks(issue.sample) : [],
}));

const matches = (exception, finding) =>
  exception.check === finding.check &&
  exception.file === finding.file &&
  (exception.description === undefined || exception.description === finding.description) &&
  (exception.sample === undefined || exception.sample === finding.sample);

let failed = false;
console.log(
  `Electronegativity ${toolVersion}: ${result.globalChecks} global and ${result.atomicChecks} atomic checks, ` +
    `Electron ${electronVersion}, src/ and package.json`,
);
for (const excluded of EXCLUDED_CHECKS) console.log(`  not run: ${excluded.check} (${excluded.why})`);

for (const error of result.errors) {
  // a file the scanner could not parse was not scanned at all
  console.log(`${error.tolerable ? 'parse warning' : 'NOT SCANNED'}: ${relative(error.file)}: ${error.message}`);
  if (!error.tolerable) failed = true;
}

const used = new Set();
for (const finding of findings) {
  const exception = EXCEPTIONS.find((e) => matches(e, finding));
  if (exception) used.add(exception);
  else failed = true;
  console.log(
    `\n${exception ? 'excused' : 'FINDING'}: ${finding.check} (${finding.severity} | ${finding.confidence}) ` +
      `${finding.file}:${finding.line}:${finding.column}\n  ${finding.description}`,
  );
  if (finding.sample) console.log(`  at: ${finding.sample}`);
  for (const remark of finding.remarks) console.log(`  csp: ${remark}`);
  if (exception) console.log(`  why: ${exception.why}`);
}

for (const exception of EXCEPTIONS.filter((e) => !used.has(e))) {
  failed = true;
  console.log(`\nSTALE EXCEPTION: ${exception.check} ${exception.file} matches no finding; remove it from electronegativityExceptions.mjs`);
}

if (refusedRequests.length > 0) {
  console.log(`\noffline: refused ${refusedRequests.length} download(s) by the scanner: ${refusedRequests.join(', ')}`);
}
if (socketAttempts.length > 0) {
  failed = true;
  console.log(`\nNETWORK: the run tried to open ${socketAttempts.length} connection(s): ${socketAttempts.join(', ')}`);
}

const excused = findings.length - findings.filter((f) => !EXCEPTIONS.some((e) => matches(e, f))).length;
const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.log(
  `\n${failed ? 'FAILED' : 'passed'}: ${findings.length} finding(s), ${excused} excused, ` +
    `${findings.length - excused} not excused, ${result.errors.length} parse problem(s), in ${seconds} s`,
);
process.exit(failed ? 1 : 0);
