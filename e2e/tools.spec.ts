import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';

const TOKEN = 'e2e-token';
const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name);

/** Opens the app the way a user does: the address printed by `tooltune serve`. */
async function openApp(page: Page): Promise<void> {
  await page.goto(`/#token=${TOKEN}`);
  await expect(page.getByRole('heading', { name: 'Tools', exact: true })).toBeVisible();
}

function toolList(page: Page) {
  return page.getByRole('list', { name: 'Tools, in order' });
}

async function importFile(page: Page, fileName: string) {
  await page.getByRole('button', { name: 'Import…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Import tools' });
  await dialog.getByLabel('Choose a file').setInputFiles(fixture(fileName));
  return dialog;
}

// One story in order: each test builds on what the previous one saved.
test.describe.configure({ mode: 'serial' });

test('shows the Demo project with its three tools on first start', async ({ page }) => {
  await openApp(page);
  await expect(page.getByTestId('project-picker')).toHaveValue(/.+/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Demo');
  await expect(toolList(page).getByRole('listitem')).toHaveCount(3);
  for (const name of ['get_weather', 'save_story', 'convert_currency']) {
    await expect(toolList(page).getByText(name, { exact: true })).toBeVisible();
  }
  // The token is kept for reloads but no longer shown in the address bar.
  expect(page.url()).not.toContain('token');
  await expect(page.getByTestId('workspace-path')).toContainText('workspace');
});

test('creates a project', async ({ page }) => {
  await openApp(page);
  await page.getByRole('button', { name: 'New project' }).click();
  const dialog = page.getByRole('dialog', { name: 'New project' });
  await dialog.getByLabel('Project name').fill('Inventory');
  await dialog.getByLabel('Project name').press('Enter');
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Inventory');
  await expect(page.getByText('No tools yet.')).toBeVisible();
});

test('imports an OpenAPI spec with $refs from a file', async ({ page }) => {
  await openApp(page);
  const dialog = await importFile(page, 'inventory-openapi.yaml');
  await expect(dialog.getByText('Format: OpenAPI. 3 tools found.')).toBeVisible();
  for (const name of ['list_items', 'create_item', 'adjust_stock']) await expect(dialog.getByRole('row').filter({ hasText: name })).toBeVisible();
  // Operations can be chosen by method and path prefix before anything is saved.
  const chooser = dialog.getByRole('group', { name: 'Choose operations' });
  await chooser.getByLabel('GET (1)').check();
  await expect(dialog.getByRole('button', { name: 'Import selected (1)' })).toBeVisible();
  await expect(dialog.getByLabel('Import list_items')).toBeChecked();
  await chooser.getByLabel('GET (1)').uncheck();
  // Typed key by key, as a user does: the space between two prefixes must survive.
  await chooser.getByLabel('Path prefixes (space-separated)').pressSequentially('/nope /items/');
  await expect(dialog.getByRole('button', { name: 'Import selected (1)' })).toBeVisible();
  await expect(dialog.getByLabel('Import adjust_stock')).toBeChecked();
  await chooser.getByLabel('Path prefixes (space-separated)').fill('');
  await dialog.getByRole('button', { name: 'Import selected (3)' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByText('Imported 3 tools.')).toBeVisible();
  await expect(toolList(page).getByRole('listitem')).toHaveCount(3);
});

test('shows schema errors with their pointer and imports only the valid MCP tools', async ({ page }) => {
  await openApp(page);
  const dialog = await importFile(page, 'mcp-tools-list.json');
  await expect(dialog.getByText('Format: MCP tools/list. 2 tools found.')).toBeVisible();
  const broken = dialog.getByRole('row').filter({ hasText: 'archive_note' });
  await expect(broken.getByText('/properties/note_id/type')).toBeVisible();
  await expect(broken.getByText('Error', { exact: true })).toBeVisible();
  // A tool with errors is left out and cannot be put back in.
  await expect(dialog.getByLabel('Import archive_note')).not.toBeChecked();
  await expect(dialog.getByLabel('Import archive_note')).toBeDisabled();
  await expect(dialog.getByLabel('Import search_notes')).toBeChecked();
  await dialog.getByRole('button', { name: 'Import selected (1)' }).click();
  await expect(dialog).toBeHidden();
  await expect(toolList(page).getByRole('listitem')).toHaveCount(4);
  await expect(toolList(page).getByText('archive_note')).toHaveCount(0);
});

test('edits a tool: new description and an added parameter', async ({ page }) => {
  await openApp(page);
  await toolList(page).getByRole('button', { name: /^search_notes/ }).click();
  const editor = page.getByRole('form', { name: 'Edit search_notes' });
  await editor.getByLabel('Description', { exact: true }).fill('Search the notes of the user by keyword or phrase.');
  await editor.getByRole('button', { name: 'Add parameter' }).click();
  const added = editor.getByRole('group', { name: 'Parameter new_property' });
  await added.getByLabel('Parameter name').fill('folder');
  await added.getByLabel('Parameter name').press('Enter');
  const folder = editor.getByRole('group', { name: 'Parameter folder' });
  await folder.getByLabel('Parameter description').fill('Only search in this folder.');
  await folder.getByLabel('Allowed values').fill('inbox, work, personal');
  await folder.getByLabel('Allowed values').press('Tab');
  // The form and the raw JSON are two views of one schema.
  await expect(editor.getByLabel('Parameters schema (JSON)')).toHaveValue(/"folder": \{\s+"type": "string",\s+"description": "Only search in this folder.",\s+"enum": \[\s+"inbox"/);
  await expect(editor.getByText('No errors.')).toBeVisible();
  await editor.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Saved search_notes.')).toBeVisible();
});

test('keeps everything after a reload', async ({ page }) => {
  await openApp(page);
  await page.reload();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Inventory');
  await expect(toolList(page).getByRole('listitem')).toHaveCount(4);
  await expect(toolList(page).getByText('Search the notes of the user by keyword or phrase.')).toBeVisible();
  await toolList(page).getByRole('button', { name: /^search_notes/ }).click();
  await expect(page.getByRole('group', { name: 'Parameter folder' }).getByLabel('Allowed values')).toHaveValue('inbox, work, personal');
  await expect(page.getByTestId('project-picker').locator('option')).toHaveText(['Inventory', 'Demo']);
});

test('switches to Chinese and keeps the choice', async ({ page }) => {
  await openApp(page);
  await page.getByLabel('Language').selectOption('zh-CN');
  await expect(page.getByRole('heading', { name: '工具', exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: '导入…' })).toBeVisible();
  await expect(page.getByRole('button', { name: '新建项目' })).toBeVisible();
  await page.reload();
  await expect(page.getByRole('button', { name: '导出 OpenAI JSON' })).toBeVisible();
  await page.getByLabel('语言').selectOption('en');
  await expect(page.getByRole('button', { name: 'Export OpenAI JSON' })).toBeVisible();
});

test('exports the tools as OpenAI JSON', async ({ page }) => {
  await openApp(page);
  const downloadStarted = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export OpenAI JSON' }).click();
  const download = await downloadStarted;
  expect(download.suggestedFilename()).toBe('Inventory-tools.openai.json');
  const exported = JSON.parse(await readFile(await download.path(), 'utf8')) as { type: string; function: { name: string } }[];
  expect(exported.map((tool) => tool.function.name)).toEqual(['list_items', 'create_item', 'adjust_stock', 'search_notes']);
  expect(exported.every((tool) => tool.type === 'function')).toBe(true);
});
