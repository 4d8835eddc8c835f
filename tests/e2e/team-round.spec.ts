import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type { Page } from '@playwright/test';
import type { AgreementReport } from '../../src/shared/agreement/report';
import { DEBIAN_PYTHON, python, requireTool, skipWithout } from '../externalTools';
import { answerPath, corpusTitles, editor, expect, fileMenu, type LoupeServer, REPO, selectText, test, waitSaved } from './fixtures';

const REFERENCES = python(['sklearn', 'statsmodels', 'nltk'], ['python3-sklearn', 'python3-statsmodels', 'python3-nltk']);

interface ReferenceFigures {
  corpus: { cohen: Record<string, number | null>; fleiss: number | null; alpha: number | null };
  spans: Record<string, { exact: number[]; overlap: number[] }>;
}

/**
 * scikit-learn's, statsmodels' and NLTK's figures on the corpus file's layers, with the character
 * items built again in Python from the spans (tests/unit/agreementReference.py; docs/agreement.md).
 */
function referenceFigures(loupe: LoupeServer, annotators: string[], labels: string[]): ReferenceFigures {
  requireTool(REFERENCES);
  const docs = loupe.query<{ id: number; length: number }>('SELECT id, length(text) AS length FROM documents ORDER BY id');
  const layers = loupe.query<{ document_id: number; annotator: string }>('SELECT document_id, annotator FROM layers');
  const spans = loupe.query<{ document_id: number; annotator: string; label: string; start: number; end: number; fragments: string | null }>(
    'SELECT document_id, annotator, label, start_cp AS start, end_cp AS "end", fragments FROM spans WHERE annotator IS NOT NULL',
  );
  const documents = docs.map((d) => ({
    id: d.id,
    length: d.length,
    layers: annotators.map((a) =>
      layers.some((l) => l.document_id === d.id && l.annotator === a)
        ? { spans: spans.filter((s) => s.document_id === d.id && s.annotator === a).map((s) => ({ ...s, fragments: s.fragments ? (JSON.parse(s.fragments) as number[][]) : null })) }
        : null,
    ),
  }));
  const script = path.join(REPO, 'tests/unit/agreementReference.py');
  const r = spawnSync(DEBIAN_PYTHON, ['-I', script], { input: JSON.stringify({ kind: 'spans', annotators, labels, documents }), encoding: 'utf8' });
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as ReferenceFigures;
}

/** Answers the open message dialog titled `title` and returns its text. */
async function closeMessage(page: Page, title: string): Promise<string> {
  const dialog = page.getByRole('dialog', { name: title });
  await expect(dialog).toBeVisible();
  const text = (await dialog.textContent()) ?? '';
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toHaveCount(0);
  return text;
}

/** File › Export for annotator…, blind, to `file`: every document, or (`openOnly`) the open one. */
async function handOut(page: Page, name: string, file: string, openOnly = false): Promise<void> {
  await fileMenu(page, 'Export for annotator…');
  await answerPath(page, 'Export for annotator', name);
  await page.getByRole('alertdialog', { name: 'Export for annotator' }).getByRole('button', { name: `Blind: ${name}’s layer only` }).click();
  const which = page.getByRole('dialog', { name: 'Export for annotator' });
  await which.getByRole('combobox', { name: 'Documents' }).selectOption(openOnly ? 'open' : 'all');
  await which.getByRole('button', { name: 'Continue' }).click();
  await answerPath(page, 'Save a copy of the corpus', file);
  expect(await closeMessage(page, 'Export for annotator')).toContain(`Wrote a copy for ${name} to ${file}: documents: ${openOnly ? 1 : 2}`);
}

/** Opens the corpus at `file` and annotates as `name`: the official and the quote, as `official` words say. */
async function annotateCopy(page: Page, file: string, name: string, official: string): Promise<void> {
  await fileMenu(page, 'Open corpus…');
  await answerPath(page, 'Open corpus', file);
  // The copy is open (the article shows in the last corpus too, until the copy's replaces it).
  await expect(page.getByText(`Corpus: Default – ${name}`)).toBeVisible();
  await expect(editor(page)).toContainText('县委书记周振华');
  await page.locator('.status-annotator').click();
  await answerPath(page, 'Your name as annotator', name);
  await expect(page.locator('.status-annotator')).toHaveText(`Annotator: ${name}`);
  await expect(page.locator('main[aria-busy="true"]')).toHaveCount(0); // reopened in their layer
  await expect(editor(page)).toContainText('县委书记周振华'); // (a count of no spans holds while no editor is there too)
  await expect(editor(page).locator('.lp-span')).toHaveCount(0);
  await selectText(page, official);
  await page.keyboard.press('2');
  await selectText(page, '河道干不干净');
  await page.keyboard.press('1');
  await waitSaved(page);
}

test('the whole round: hand out two blind copies, tag in each, merge both back, measure agreement, accept what agrees into gold, export it', async ({ page, loupe }) => {
  test.setTimeout(120_000);
  await expect(editor(page)).toContainText('县委书记周振华');
  const lead = loupe.corpusPath;
  const wang = path.join(loupe.dataDir, 'copy-wang.loupe');
  const li = path.join(loupe.dataDir, 'copy-li.loupe');
  await handOut(page, '王芳', wang);
  await handOut(page, 'li', li, true);

  await annotateCopy(page, wang, '王芳', '县委书记周振华');
  await annotateCopy(page, li, 'li', '周振华');

  // Back in the lead's corpus: merge both copies.
  await fileMenu(page, 'Open corpus…');
  await answerPath(page, 'Open corpus', lead);
  await expect(editor(page)).toContainText('县委书记周振华');
  for (const [file, name] of [[wang, '王芳'], [li, 'li']] as const) {
    await fileMenu(page, 'Merge annotations from…');
    await answerPath(page, 'Merge annotations from', file);
    const said = await closeMessage(page, 'Merge annotations');
    expect(said).toContain(`${name}: spans added: 2`);
  }

  // Agreement, as the command line computes it.
  await page.getByRole('menuitem', { name: 'View' }).click();
  await page.getByRole('menuitem', { name: 'Agreement…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Agreement between annotators' });
  await expect(dialog.getByRole('checkbox')).toHaveCount(2);
  const cli = spawnSync(process.execPath, [path.join(REPO, 'bin/loupe.cjs'), 'agreement', lead, '--format', 'json'], { encoding: 'utf8' });
  const report = JSON.parse(cli.stdout) as AgreementReport;
  expect(report.annotators).toEqual(['li', '王芳']);
  await expect(dialog.getByRole('table', { name: /Pairs/ }).getByRole('row', { name: /^li – 王芳/ }).getByRole('cell').first()).toHaveText(
    report.characters.corpus.cohen[0]!.kappa.value!.toFixed(3),
  );
  // And as the references compute them on the same items: Cohen's κ (scikit-learn), Fleiss' κ
  // (statsmodels), Krippendorff's α (NLTK), span matches; the app shows them to three places.
  if (!skipWithout(REFERENCES)) {
    const want = referenceFigures(loupe, report.annotators, report.labels);
    const c = report.characters.corpus;
    for (const [got, expected] of [
      [c.cohen[0]!.kappa.value, want.corpus.cohen['0-1']],
      [c.fleiss.value, want.corpus.fleiss],
      [c.alpha.value, want.corpus.alpha],
    ] as const) {
      expect(expected).not.toBeNull();
      expect(Math.abs(got! - expected!)).toBeLessThanOrEqual(1e-9);
    }
    const pair = report.spans.pairs[0]!;
    expect([pair.exact.spansA, pair.exact.spansB, pair.exact.foundA, pair.exact.foundB]).toEqual(want.spans['0-1']!.exact);
    expect([pair.overlap.spansA, pair.overlap.spansB, pair.overlap.foundA, pair.overlap.foundB]).toEqual(want.spans['0-1']!.overlap);
    const allLabels = dialog.getByRole('table', { name: 'By label' }).getByRole('row', { name: /^All labels/ }).getByRole('cell');
    await expect(allLabels.nth(1)).toHaveText(want.corpus.fleiss!.toFixed(3));
    await expect(allLabels.nth(2)).toHaveText(want.corpus.alpha!.toFixed(3));
    await expect(dialog.getByRole('table', { name: /Pairs/ }).getByRole('row', { name: /^li – 王芳/ }).getByRole('cell').first()).toHaveText(
      want.corpus.cohen['0-1']!.toFixed(3),
    );
  }

  // Accept all agreed (all of them): the quote both drew alike goes to gold, the official they bounded differently does not.
  await dialog.getByRole('button', { name: 'Accept all agreed…' }).click();
  await answerPath(page, 'Accept all agreed', 'gold');
  const choose = page.getByRole('dialog', { name: 'Accept all agreed' });
  await choose.getByRole('combobox', { name: 'Agreed by' }).selectOption('all');
  await choose.getByRole('button', { name: 'Accept' }).click();
  expect(await closeMessage(page, 'Accept all agreed')).toContain('Added to gold: spans: 1, links: 0');
  await expect(dialog.getByRole('checkbox')).toHaveCount(3); // gold is a layer too
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);

  // The curation view, from the keyboard: the official's boundaries are the open disagreement.
  await page.getByRole('menuitem', { name: 'View' }).click();
  await page.getByRole('menuitem', { name: 'Curate document…' }).click();
  const lanes = page.getByRole('region', { name: /^Curation of .* into gold$/ });
  await expect(lanes).toBeFocused();
  await expect(lanes.getByRole('status')).toHaveText('Places to decide: 2; agreed by all: 1; open: 1 · curation in progress');
  const place = lanes.getByRole('complementary', { name: 'The place being decided' });
  await expect(place.getByRole('heading')).toContainText('disagreement open');
  await expect(place.getByRole('listitem').filter({ hasText: 'li' })).toContainText('«周振华»');
  await expect(place.getByRole('listitem').filter({ hasText: '王芳' })).toContainText('«县委书记周振华»');
  if (process.env.LOUPE_SHOT) await page.screenshot({ path: process.env.LOUPE_SHOT.replace(/\.png$/, '-curate.png') });
  await page.keyboard.press('2'); // 王芳's version
  await expect(lanes.getByRole('status')).toHaveText('Places to decide: 2; agreed by all: 1; open: 0 · curation in progress');
  await expect(place.getByRole('listitem').filter({ hasText: '王芳' })).toContainText('★ gold');
  await expect(place.getByRole('listitem').filter({ hasText: 'li' })).toContainText('rejected');
  // E: edit in the gold layer: the editor opens it, editable, with the official selected; the curator adds a slogan of their own.
  await page.keyboard.press('e');
  await expect(page.getByRole('status').filter({ hasText: 'You are editing the gold layer gold' })).toBeVisible();
  await expect(page.locator('main[aria-busy="true"]')).toHaveCount(0); // reopened in the gold layer
  await expect(editor(page)).toContainText('县委书记周振华');
  await expect(editor(page).locator('.lp-span')).toHaveCount(2);
  await selectText(page, '一河一策');
  await page.keyboard.press('4');
  await waitSaved(page);
  await expect(editor(page).locator('.lp-span')).toHaveCount(3);
  // Back in the curation view: D marks the document curated; the document list says so.
  await page.getByRole('menuitem', { name: 'View' }).click();
  await page.getByRole('menuitem', { name: 'Curate document…' }).click();
  await expect(lanes).toBeFocused();
  await page.keyboard.press('d');
  await expect(lanes.getByRole('status')).toContainText('curation done');
  // The buttons do the same; after one is clicked, the keys still work.
  await lanes.getByRole('button', { name: /^Reopen curation/ }).click();
  await expect(lanes.getByRole('status')).toContainText('curation in progress');
  await page.keyboard.press('d');
  await expect(lanes.getByRole('status')).toContainText('curation done');
  await expect(page.locator('.doc-curation').first()).toHaveText('★ curated');
  await page.keyboard.press('Escape');
  await expect(lanes).toHaveCount(0);

  // The gold layer alone, from File › Export…, as a data scientist would take it.
  await page.getByRole('menuitem', { name: 'File' }).click();
  await page.getByRole('menuitem', { name: 'Export…' }).click();
  const exportDialog = page.getByRole('dialog', { name: 'Export' });
  await exportDialog.getByRole('combobox', { name: 'Format' }).selectOption({ label: 'JSONL' });
  const layers = exportDialog.getByRole('group', { name: 'Annotators’ layers' });
  await expect(layers.getByRole('checkbox')).toHaveCount(3);
  await layers.getByRole('button', { name: 'The gold layer only' }).click();
  await expect(layers.getByRole('checkbox', { name: 'gold: gold layer (3 spans)' })).toBeChecked();
  await expect(layers.getByRole('checkbox', { name: 'li (2 spans)' })).not.toBeChecked();
  const download = page.waitForEvent('download');
  await exportDialog.getByRole('button', { name: 'Export' }).click();
  const out = path.join(loupe.dataDir, 'gold.jsonl');
  await (await download).saveAs(out);
  const docs = (await import('node:fs')).readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { spans: { label: string; text: string; annotator: string }[] });
  expect(docs.flatMap((d) => d.spans.map((s) => [s.label, s.text, s.annotator]))).toEqual([
    ['slogan', '一河一策', 'gold'],
    ['quote', '河道干不干净', 'gold'],
    ['official', '县委书记周振华', 'gold'],
  ]);
});

test('Export for annotator… hands out the documents ticked: a filter over their names, all / none of those shown', async ({ page, loupe }) => {
  await expect(editor(page)).toContainText('县委书记周振华');
  const file = path.join(loupe.dataDir, 'copy-picked.loupe');
  await fileMenu(page, 'Export for annotator…');
  await answerPath(page, 'Export for annotator', '王芳');
  await page.getByRole('alertdialog', { name: 'Export for annotator' }).getByRole('button', { name: 'With the other layers' }).click();
  const which = page.getByRole('dialog', { name: 'Export for annotator' });
  await which.getByRole('combobox', { name: 'Documents' }).selectOption({ label: 'Some I choose…' });
  await which.getByRole('button', { name: 'Continue' }).click();

  const pick = page.getByRole('dialog', { name: 'Export for annotator' });
  await expect(pick).toContainText('Tick the documents 王芳 gets.');
  const count = pick.getByRole('status');
  await expect(count).toHaveText('1 of 2 ticked'); // the open document, to begin with
  const filter = pick.getByRole('searchbox', { name: 'Show only names with…' });
  await expect(filter).toBeFocused();
  await filter.fill('harbour');
  await expect(pick.getByRole('checkbox')).toHaveCount(1);
  await pick.getByRole('button', { name: 'All of those shown' }).click();
  await filter.fill('');
  await expect(count).toHaveText('2 of 2 ticked');
  await pick.getByRole('checkbox', { name: /清河县部署春季河道治理/ }).uncheck();
  await expect(count).toHaveText('1 of 2 ticked');
  await pick.getByRole('button', { name: 'None of those shown' }).click();
  await expect(pick.getByRole('button', { name: 'Continue' })).toBeDisabled(); // a copy of nothing is not offered
  await pick.getByRole('checkbox', { name: /Harbour city/ }).check();
  await pick.getByRole('button', { name: 'Continue' }).click();
  await answerPath(page, 'Save a copy of the corpus', file);
  expect(await closeMessage(page, 'Export for annotator')).toContain(`Wrote a copy for 王芳 to ${file}: documents: 1`);
  expect(corpusTitles(file)).toEqual(['Harbour city promises cleaner buses by 2028']);
});
