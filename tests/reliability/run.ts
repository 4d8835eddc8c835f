/**
 * `npm run reliability`: the long run of the crash harness and the fuzzers (npm test runs them at CI
 * size), writing what was injected, tried and lost to tests/reliability/RESULTS.md.
 *
 *   npm run reliability                 # the default long run (about 15 minutes here)
 *   npm run reliability -- --scale 0.2  # shorter; --seed N replays a run
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { crashEdits, crashExports, crashImports, type CrashReport } from './crashHarness';
import { fuzzApi } from './apiFuzz';
import { fuzzImporters } from './importFuzz';
import type { FuzzReport } from './fuzzReport';
import { fuzzUi, type UiFuzzReport } from './uiFuzz';
import { checkLabelStudio } from '../realClients/labelStudio';
import { checkSpreadsheets } from '../realClients/spreadsheets';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const scale = flag('scale', 1);
const seed = flag('seed', Date.now() % 1_000_000);
const n = (count: number): number => Math.max(1, Math.round(count * scale));
const log = (line: string): void => console.log(line);

function crashTable(reports: CrashReport[]): string {
  const rows = reports.map(
    (r) =>
      `| ${r.scenario} | ${r.kills} | ${r.duringStartup} | ${r.calls} | ${r.acknowledged} | ${r.refused} | ${r.atAcknowledged} | ${r.withCallInFlight} | ${r.failures.length} | ${(r.ms / 1000).toFixed(0)} s |`,
  );
  return [
    '| Scenario | SIGKILLs | before the child was ready | calls sent | acknowledged | refused by the API (both sides) | corpus = acknowledged state | = acknowledged + the call in flight | lost or corrupt | time |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
  ].join('\n');
}

function fuzzSection(report: FuzzReport): string {
  const kinds = Object.entries(report.byKind)
    .sort((a, b) => b[1] - a[1])
    .map(([kind, count]) => `| ${kind} | ${count} |`);
  return [
    `**${report.name}**: ${report.inputs} inputs in ${(report.ms / 1000).toFixed(0)} s; ${report.rejectedClearly} refused with a clear message, ${report.accepted} accepted, **${report.failures.length} failures**.`,
    '',
    '| Kind of input | Count |',
    '| --- | ---: |',
    ...kinds,
    ...(report.failures.length ? ['', 'Failures:', '', ...report.failures.slice(0, 50).map((f) => `- ${f}`)] : []),
  ].join('\n');
}

function uiFuzzSection(r: UiFuzzReport): string {
  const kinds = Object.entries(r.byKind)
    .sort((a, b) => b[1] - a[1])
    .map(([kind, count]) => `${kind} ${count}`)
    .join(', ');
  return [
    `**${r.name}** (Chromium over \`loupe web\`), ${(r.ms / 1000).toFixed(0)} s: ${r.actions} actions on ${r.documents.length} documents (${r.documents.join('; ')}).`,
    `Spans at the start of the walks: ${r.spansAtStart}; removed by the user or with all their text deleted: ${r.spansGoneLegitimately}; **lost: ${r.spansLost}**. The corpus file was compared with the editor ${r.corpusChecks} times, after autosave.`,
    '',
    `Actions: ${kinds}.`,
    ...(r.failures.length ? ['', 'Failures (each names the seed that replays it):', '', ...r.failures.slice(0, 20).map((f) => `- ${f}`)] : []),
  ].join('\n');
}

async function main(): Promise<void> {
  const started = Date.now();
  log(`reliability run: seed ${seed}, scale ${scale}`);
  const crash: CrashReport[] = [];
  crash.push(await crashEdits({ seed, kills: n(300), log }));
  crash.push(await crashImports({ seed: seed + 1, kills: n(50), log }));
  crash.push(await crashExports({ seed: seed + 2, kills: n(30), maxLifeMs: 3000, log }));
  const importFuzz = await fuzzImporters({ seed: seed + 3, rounds: n(16), big: true });
  const apiFuzz = await fuzzApi({ seed: seed + 4, rounds: n(200) });
  const uiFuzz = await fuzzUi({ seed: seed + 5, runs: n(20), actions: 200, log });
  log('real clients: Label Studio, pandas/openpyxl, LibreOffice');
  const labelStudio = await checkLabelStudio({ log });
  const spreadsheets = await checkSpreadsheets();
  const realClientFailures = [
    ...labelStudio.mismatches.map((m) => `Label Studio: ${m}`),
    ...spreadsheets.mismatches.map((m) => `spreadsheets: ${m}`),
  ];
  const failures = [...crash.flatMap((r) => r.failures), ...importFuzz.failures, ...apiFuzz.failures, ...uiFuzz.failures, ...realClientFailures];

  const exportTargets = crash.find((r) => r.scenario === 'export')?.exportTargets ?? {};
  const importKept = crash.find((r) => r.scenario === 'import')?.byMethod ?? {};
  const edits = crash.find((r) => r.scenario === 'edits')!;
  const out = [
    '# Reliability run',
    '',
    `Written by \`npm run reliability -- --seed ${seed}${scale !== 1 ? ` --scale ${scale}` : ''}\` on ${new Date().toISOString().slice(0, 10)}`,
    `(${os.cpus().length} cores, Node ${process.versions.node}, ${os.platform()}); ${((Date.now() - started) / 60000).toFixed(1)} minutes.`,
    `What the faults are and what counts as a loss: docs/reliability.md.`,
    '',
    `**Acknowledged work lost: ${failures.length === 0 ? 'none' : `${failures.length} failures (below)`}.**`,
    '',
    '## SIGKILL of the Node side',
    '',
    crashTable(crash),
    '',
    `Calls acknowledged during the edit stream, by method: ${Object.entries(edits.byMethod)
      .map(([m, c]) => `${m} ${c}`)
      .join(', ')}.`,
    '',
    `Imports killed mid-batch (8 files each; whole files kept): ${Object.entries(importKept)
      .sort()
      .map(([m, c]) => `${m.replace('files kept of a killed batch: ', '')} kept × ${c}`)
      .join(', ')}.`,
    '',
    `Export targets after a kill: ${Object.entries(exportTargets)
      .map(([k, c]) => `${k} ${c}`)
      .join(', ')}; never a partial file. Temporary files of killed exports left after the next export to the same target: ${crash.find((r) => r.scenario === 'export')?.tmpLeft ?? 0}.`,
    '',
    `Backups found beside the corpus after kills and checked with \`PRAGMA quick_check\` (the child backs up on open, so kills fall during backups too): ${edits.backupsChecked}, all sound unless listed below.`,
    '',
    '## Importers',
    '',
    fuzzSection(importFuzz),
    '',
    '## API methods',
    '',
    fuzzSection(apiFuzz),
    '',
    '## The editor, driven as a user drives it',
    '',
    uiFuzzSection(uiFuzz),
    '',
    '## Real clients',
    '',
    'Loupe\'s exports read by the tools they are for (tests/realClients/):',
    '',
    '| Tool | Files | Compared | Mismatches | Time |',
    '| --- | ---: | ---: | ---: | ---: |',
    `| Label Studio 1.4.0's frontend in Chromium (export → regions highlighted; regions drawn → import) | ${labelStudio.files} | ${labelStudio.regions} regions | ${labelStudio.mismatches.length} | ${(labelStudio.ms / 1000).toFixed(0)} s |`,
    `| pandas and openpyxl (every export, every unit), LibreOffice headless (XLSX, CSV with the README's filter) | ${spreadsheets.files} | ${spreadsheets.rows} rows, ${spreadsheets.cells} values | ${spreadsheets.mismatches.length} | ${spreadsheets.seconds.toFixed(0)} s |`,
    ...(labelStudio.tooWideAmongOthers.length
      ? ['', `Label Studio drew ${labelStudio.tooWideAmongOthers.length} nested highlights wider than their region among others (its own drawing; each is right alone).`]
      : []),
    '',
    ...(failures.length ? ['## Failures', '', ...failures.map((f) => `- ${f}`), ''] : []),
  ].join('\n');
  const file = path.join(__dirname, 'RESULTS.md');
  fs.writeFileSync(file, `${out}\n`);
  log(`\nwrote ${path.relative(process.cwd(), file)}: ${failures.length} failures`);
  process.exitCode = failures.length ? 1 : 0;
}

void main();
