import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import type { CorpusInfo } from '../../src/shared/types';
import { editor, expect, selectText, test, waitSaved } from './fixtures';

/** Opens Edit › Schema… from the in-page menu bar and returns the dialog. */
async function openSchemaEditor(page: Page) {
  await page.getByRole('menuitem', { name: 'Edit' }).click();
  await page.getByRole('menuitem', { name: 'Schema…' }).click();
  const dialog = page.getByRole('dialog', { name: /Annotation schema of/ });
  await expect(dialog).toBeVisible();
  return dialog;
}

/** Asks the bridge what the corpus looks like now, as any client of the API would. */
async function corpusInfo(page: Page): Promise<CorpusInfo> {
  return page.evaluate(async () => {
    const response = await fetch('/api/corpusInfo', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${sessionStorage.getItem('loupe-token') ?? ''}` },
      body: '{}',
    });
    const reply = (await response.json()) as { ok: boolean; result: CorpusInfo };
    return reply.result;
  });
}

/** Tags the demo article's “县委书记周振华” as a slogan (key 4) and waits for the save. */
async function tagSlogan(page: Page): Promise<void> {
  await expect(editor(page)).toContainText('县委书记周振华');
  await selectText(page, '县委书记周振华');
  await page.keyboard.press('4');
  await waitSaved(page);
}

// These need App.tsx to open <SchemaEditor> on the 'edit-schema' menu command.

test('rename a label, add a choice attribute and a label; spans follow the rename', async ({ page, loupe }) => {
  await tagSlogan(page);
  const dialog = await openSchemaEditor(page);

  const slogan = dialog.getByRole('group', { name: 'Label 4', exact: true });
  await expect(slogan.getByRole('textbox', { name: 'Name', exact: true })).toHaveValue('slogan');
  await slogan.getByRole('textbox', { name: 'Name', exact: true }).fill('口号');
  await slogan.getByRole('button', { name: 'Add attribute' }).click();
  const attribute = slogan.getByRole('group', { name: 'Attribute 1', exact: true });
  await expect(attribute.getByRole('textbox', { name: 'Attribute name' })).toBeFocused();
  await attribute.getByRole('textbox', { name: 'Attribute name' }).fill('register');
  await attribute.getByRole('combobox', { name: 'Kind' }).selectOption('choice');
  // a choice without options is not valid yet: Save waits
  await expect(dialog).toContainText('the choice “register” of “口号” needs at least one option');
  await expect(dialog.getByRole('button', { name: 'Save', exact: true })).toBeDisabled();
  await attribute.getByRole('textbox', { name: 'Options' }).fill('formal, informal\nslang');
  await attribute.getByRole('combobox', { name: 'Default' }).selectOption('formal');

  await dialog.getByRole('button', { name: 'Add label' }).click();
  const place = dialog.getByRole('group', { name: 'Label 5', exact: true });
  await place.getByRole('textbox', { name: 'Name', exact: true }).fill('place');
  await expect(place.getByRole('textbox', { name: 'Key' })).toHaveValue('5');

  // the speaker link type may now start at the new label as well
  const speaker = dialog.getByRole('group', { name: 'Link type 1', exact: true });
  await speaker.getByRole('group', { name: 'From labels' }).getByRole('checkbox', { name: 'place' }).check();

  await dialog.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(dialog).toBeHidden();

  const info = await corpusInfo(page);
  expect(info.labels.map((l) => [l.name, l.hotkey])).toEqual([
    ['quote', '1'],
    ['official', '2'],
    ['pledge', '3'],
    ['口号', '4'],
    ['place', '5'],
  ]);
  expect(info.labels[3]!.attributes).toEqual([
    { name: 'register', kind: 'choice', options: ['formal', 'informal', 'slang'], default: 'formal', description: '' },
  ]);
  expect(info.linkTypes.find((t) => t.name === 'speaker')).toMatchObject({ from: ['quote', 'place'], to: ['official'] });
  // the span tagged as slogan is a 口号 now, in the file itself
  expect(loupe.query('SELECT label FROM spans')).toEqual([{ label: '口号' }]);
  // and the window shows the new labels
  await expect(page.getByRole('button', { name: '口号', exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: 'place', exact: true })).toBeVisible();
});

test('deleting a label in use asks first, saying how many spans go', async ({ page, loupe }) => {
  await tagSlogan(page);
  const dialog = await openSchemaEditor(page);
  await dialog.getByRole('group', { name: 'Label 4', exact: true }).getByRole('button', { name: 'Delete label' }).click();
  await expect(dialog.getByRole('group', { name: 'Label 4', exact: true })).toHaveCount(0);

  await dialog.getByRole('button', { name: 'Save', exact: true }).click();
  const confirm = page.getByRole('alertdialog', { name: 'Delete annotations?' });
  await expect(confirm).toContainText('label “slogan”: 1 span');
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  // nothing was written; the editor is still open with the change
  await expect(dialog).toBeVisible();
  expect(loupe.query('SELECT label FROM spans')).toEqual([{ label: 'slogan' }]);
  expect((await corpusInfo(page)).labels.map((l) => l.name)).toContain('slogan');

  await dialog.getByRole('button', { name: 'Save', exact: true }).click();
  await confirm.getByRole('button', { name: 'Delete and save' }).click();
  await expect(dialog).toBeHidden();
  expect(loupe.query('SELECT label FROM spans')).toEqual([]);
  expect((await corpusInfo(page)).labels.map((l) => l.name)).toEqual(['quote', 'official', 'pledge']);
  await expect(page.getByRole('button', { name: 'slogan', exact: true })).toHaveCount(0);
});

test('Escape closes an unchanged editor at once and asks before dropping changes', async ({ page }) => {
  let dialog = await openSchemaEditor(page);
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();

  dialog = await openSchemaEditor(page);
  await dialog.getByRole('group', { name: 'Label 1', exact: true }).getByRole('textbox', { name: 'Description', exact: true }).fill('Reported speech');
  await page.keyboard.press('Escape');
  const ask = page.getByRole('alertdialog', { name: 'Discard your changes to the schema?' });
  await ask.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeVisible();
  await page.keyboard.press('Escape');
  await ask.getByRole('button', { name: 'Discard changes' }).click();
  await expect(dialog).toBeHidden();
  expect((await corpusInfo(page)).labels[0]!.description).not.toBe('Reported speech');
});

test('export the schema, and import an edited copy: matched by name, deletions confirmed on save', async ({ page, loupe }) => {
  await tagSlogan(page);
  const dialog = await openSchemaEditor(page);
  const download = page.waitForEvent('download');
  await dialog.getByRole('button', { name: 'Export schema…' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe('Default.loupe-schema.json');
  const exported = JSON.parse(fs.readFileSync((await file.path())!, 'utf8')) as {
    format: string;
    labels: { name: string; hotkey: string | null }[];
    linkTypes: { name: string }[];
  };
  expect(exported.format).toBe('loupe-schema');
  expect(exported.labels.map((l) => l.name)).toEqual(['quote', 'official', 'pledge', 'slogan']);

  // a colleague's version: no slogan, a new “place” label
  const edited = {
    ...exported,
    labels: [...exported.labels.filter((l) => l.name !== 'slogan'), { name: 'place', color: '#1098ad', hotkey: '4', description: '', attributes: [] }],
  };
  const shared = path.join(test.info().outputDir, 'team.loupe-schema.json');
  fs.mkdirSync(path.dirname(shared), { recursive: true });
  fs.writeFileSync(shared, JSON.stringify(edited));
  const chooser = page.waitForEvent('filechooser');
  await dialog.getByRole('button', { name: 'Import schema…' }).click();
  await (await chooser).setFiles(shared);
  await expect(dialog).toContainText('Loaded team.loupe-schema.json');
  await expect(dialog.getByRole('group', { name: 'Label 4', exact: true }).getByRole('textbox', { name: 'Name', exact: true })).toHaveValue(
    'place',
  );
  // nothing is written before Save
  expect((await corpusInfo(page)).labels.map((l) => l.name)).toContain('slogan');

  await dialog.getByRole('button', { name: 'Save', exact: true }).click();
  const confirm = page.getByRole('alertdialog', { name: 'Delete annotations?' });
  await expect(confirm).toContainText('label “slogan”: 1 span');
  await confirm.getByRole('button', { name: 'Delete and save' }).click();
  await expect(dialog).toBeHidden();
  const info = await corpusInfo(page);
  expect(info.labels.map((l) => l.name)).toEqual(['quote', 'official', 'pledge', 'place']);
  // the labels the file shares with the corpus kept their attributes
  expect(info.labels[0]!.attributes.map((a) => a.name)).toEqual(['kind']);
  expect(loupe.query('SELECT count(*) AS n FROM spans')).toEqual([{ n: 0 }]);
});

test('a file that is not a schema is refused with the reason, and the draft is left alone', async ({ page }) => {
  const dialog = await openSchemaEditor(page);
  const bogus = path.join(test.info().outputDir, 'not-a-schema.json');
  fs.mkdirSync(path.dirname(bogus), { recursive: true });
  fs.writeFileSync(bogus, '{"labels": []}');
  const chooser = page.waitForEvent('filechooser');
  await dialog.getByRole('button', { name: 'Import schema…' }).click();
  await (await chooser).setFiles(bogus);
  await expect(dialog.getByRole('alert')).toContainText('Could not import not-a-schema.json: not a schema file');
  await expect(dialog.getByRole('group', { name: 'Label 4', exact: true }).getByRole('textbox', { name: 'Name', exact: true })).toHaveValue(
    'slogan',
  );
});
