import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { OwnServer } from './ownServer';

/**
 * The Test step against real tools, with real models and no canned output:
 * - a tiny model trained here, once, for the "write a story and save it" flow. It learns one story by heart (24
 *   copies of one conversation, 150 steps): what it writes into `save_story`'s content is the story it memorised,
 *   and the file must hold exactly that;
 * - the reference MCP filesystem server from npm, started by the app: its tools listed, imported, called;
 * - an HTTP tool from the fixture OpenAPI spec against a loopback server.
 */
const server = new OwnServer(47836, 'e2e-test-step-token');
const STORY = 'A small robot woke up in a quiet workshop. It fixed a broken lamp, and the lamp lit the whole room. From then on, the robot fixed one thing every day.';
const PROMPT = 'Write a short story about a robot and save it as robot.txt';
let inventory: Server;
let inventoryUrl: string;
const inventoryRequests: string[] = [];

function cli(...args: string[]): string {
  const result = spawnSync(process.execPath, ['bin/tooltune.mjs', ...args], { env: { ...process.env, TOOLTUNE_DATA_DIR: server.dataDir }, encoding: 'utf8', timeout: 15 * 60_000 });
  if (result.status !== 0) throw new Error(`tooltune ${args.join(' ')} exited with ${result.status}: ${result.stderr}`);
  return result.stdout;
}

/** The Story project: the Demo tools, one story conversation 24 times, a run of the demo base that learns it. */
function trainStoryModel(): void {
  const tools = JSON.parse(readFileSync('resources/demo/tools.json', 'utf8')) as unknown[];
  const call = { id: 'call_1', type: 'function', function: { name: 'save_story', arguments: JSON.stringify({ title: 'robot', content: STORY }) } };
  const row = {
    messages: [
      { role: 'user', content: PROMPT },
      { role: 'assistant', content: '', tool_calls: [call] },
      { role: 'tool', tool_call_id: 'call_1', content: JSON.stringify({ saved: 'robot.txt' }) },
      { role: 'assistant', content: 'I saved the story as robot.txt.' },
    ],
    tools,
  };
  const file = join(server.dataDir, 'story.jsonl');
  writeFileSync(file, `${Array.from({ length: 24 }, () => JSON.stringify(row)).join('\n')}\n`);
  cli('project', 'create', 'Story');
  cli('tools', 'import', 'resources/demo/tools.json', '--project', 'Story');
  cli('data', 'import', file, '--project', 'Story');
  cli('data', 'freeze', '--project', 'Story', '--name', 'v1');
  cli('models', 'use', 'demo', '--project', 'Story');
  cli('train', 'start', '--project', 'Story', '--max-steps', '150', '--lr', '0.005', '--ctx', '1024', '--wait');
  cli('project', 'create', 'Inventory');
  cli('tools', 'import', 'e2e/fixtures/inventory-openapi.yaml', '--project', 'Inventory');
}

const workspaceOf = (project: string) => join(server.dataDir, 'projects', server.query<string>('SELECT id FROM projects WHERE name = ?', project), 'workspace');

async function openProject(page: Page, name: string): Promise<void> {
  await server.openStep(page, 'Test');
  await page.getByTestId('project-picker').selectOption({ label: name });
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(name);
}

async function bindSaveStory(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Edit the binding of save_story' }).click();
  const dialog = page.getByRole('dialog', { name: 'How save_story runs' });
  await dialog.getByLabel('Binding', { exact: true }).selectOption('builtin');
  await dialog.getByLabel('Built-in tool').selectOption('write_file');
  await dialog.getByLabel('Argument with the file name').fill('title');
  await dialog.getByLabel('The file name is').selectOption('title');
  await expect(dialog.getByLabel('Policy')).toHaveValue('ask');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('row').filter({ hasText: 'save_story' })).toContainText('write_file');
}

async function askForTheStory(page: Page) {
  await page.getByRole('button', { name: 'Start conversation' }).click();
  await page.getByLabel('Message').fill(PROMPT);
  await page.getByLabel('Message').press('Enter');
  const card = page.getByRole('article', { name: 'Call of save_story' });
  await expect(card.getByRole('group', { name: 'Approval' })).toBeVisible({ timeout: 120_000 });
  // The full arguments are shown before anything runs: the story the model wrote.
  await expect(card.getByLabel('Arguments')).toContainText(STORY);
  return card;
}

/**
 * After the call the model answers on (a memorised story does not teach what follows a result): stop it there.
 * Between two rounds of its answer there is no Stop for a moment, so Stop is looked for until the turn has ended.
 */
async function stopAnswering(page: Page): Promise<void> {
  const stop = page.getByRole('button', { name: 'Stop' });
  const regenerate = page.getByRole('button', { name: 'Regenerate' });
  await expect(async () => {
    if (await stop.isVisible()) await stop.click();
    await expect(regenerate).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 60_000 });
}

test.describe.configure({ mode: 'serial' });
test.beforeAll(async () => {
  test.setTimeout(15 * 60_000);
  trainStoryModel();
  inventory = createServer((request, response) => {
    inventoryRequests.push(`${request.method} ${request.url}`);
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify([{ sku: 'DRL-0042', name: 'Cordless drill', category: 'tools', in_stock: 7 }]));
  });
  await new Promise<void>((resolve) => inventory.listen(0, '127.0.0.1', resolve));
  inventoryUrl = `http://127.0.0.1:${(inventory.address() as AddressInfo).port}/api/v1`;
  await server.start();
});
test.afterAll(async () => {
  await server.kill();
  inventory?.close();
});

test('a denied story call writes nothing; approved, the file holds the story the model wrote and opens from the chat', async ({ page }) => {
  test.setTimeout(5 * 60_000);
  await openProject(page, 'Story');
  await bindSaveStory(page);
  const file = join(workspaceOf('Story'), 'robot.txt');

  const denied = await askForTheStory(page);
  await denied.getByRole('button', { name: 'Deny' }).click();
  await expect(denied).toContainText('not run');
  await expect(denied).toContainText('denied by you');
  expect(existsSync(file)).toBe(false);
  await stopAnswering(page);

  const approved = await askForTheStory(page);
  await approved.getByRole('button', { name: 'Approve' }).click();
  await expect(approved).toContainText('done', { timeout: 30_000 });
  await expect(approved).toContainText('approved by you');
  expect(readFileSync(file, 'utf8')).toBe(STORY);
  await approved.getByRole('button', { name: 'Open robot.txt' }).click();
  const viewer = page.getByRole('dialog', { name: 'robot.txt' });
  await expect(viewer.getByLabel('File content')).toHaveText(STORY);
  await viewer.getByRole('button', { name: 'Close' }).click();
  await stopAnswering(page);

  // Saved: the conversations are there after a reload.
  await page.reload();
  await page.getByRole('navigation', { name: 'Steps' }).getByRole('button', { name: 'Test' }).click();
  await page.getByTestId('project-picker').selectOption({ label: 'Story' });
  await expect(page.getByRole('article', { name: 'Call of save_story' })).toContainText('approved by you');
});

test('the reference MCP filesystem server: started after its command was shown, its tools listed, imported and called', async ({ page }) => {
  test.setTimeout(3 * 60_000);
  const require = createRequire(import.meta.url);
  const serverPackage = require.resolve('@modelcontextprotocol/server-filesystem/package.json');
  const entry = join(dirname(serverPackage), (JSON.parse(readFileSync(serverPackage, 'utf8')) as { bin: Record<string, string> }).bin['mcp-server-filesystem']!);
  const workspace = workspaceOf('Story');
  await openProject(page, 'Story');
  const panel = page.getByRole('region', { name: 'MCP servers' });
  await panel.getByLabel('Name').fill('files');
  await panel.getByLabel('Command').fill(process.execPath);
  await panel.getByLabel('Arguments (one per line)').fill(`${entry}\n${workspace}`);
  await panel.getByRole('button', { name: 'Add server' }).click();
  await panel.getByRole('button', { name: 'Start and list tools' }).click();
  const confirm = page.getByRole('dialog', { name: 'Start files?' });
  await expect(confirm).toContainText(`${process.execPath} ${entry} ${workspace}`);
  await confirm.getByRole('button', { name: 'Start and list tools' }).click();
  const tools = panel.getByRole('list', { name: 'Tools of files' });
  await expect(tools.getByText('list_directory', { exact: true })).toBeVisible({ timeout: 60_000 });
  await panel.getByRole('button', { name: /^Import \d+ tools$/ }).click();
  await expect(panel.getByText(/^Imported: .*list_directory/)).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole('row').filter({ hasText: 'list_directory' }).first()).toContainText('MCP list_directory');

  await page.getByRole('button', { name: 'Try list_directory', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Try list_directory' });
  await dialog.getByLabel('Arguments (a JSON object)').fill(JSON.stringify({ path: workspace }));
  await dialog.getByRole('button', { name: 'Run' }).click();
  await expect(dialog.getByLabel('Result')).toContainText('robot.txt', { timeout: 30_000 });
});

test('an HTTP tool from the OpenAPI spec, prefilled, reaches only its loopback API', async ({ page }) => {
  await openProject(page, 'Inventory');
  await page.getByRole('button', { name: 'Edit the binding of list_items' }).click();
  const editor = page.getByRole('dialog', { name: 'How list_items runs' });
  // Prefilled from the imported operation: method, path, where each argument goes; the base URL is the user's.
  await expect(editor.getByLabel('Binding', { exact: true })).toHaveValue('http');
  await expect(editor.getByLabel('Path template')).toHaveValue('/items');
  await expect(editor.getByLabel('Base URL (the only origin reached)')).toHaveValue('https://inventory.internal.example/api/v1');
  await editor.getByLabel('Base URL (the only origin reached)').fill(inventoryUrl);
  await expect(editor.getByLabel('Policy')).toHaveValue('ask');
  await editor.getByRole('button', { name: 'Save' }).click();
  await expect(editor).toBeHidden();

  await page.getByRole('button', { name: 'Try list_items', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Try list_items' });
  await dialog.getByLabel('Arguments (a JSON object)').fill('{"warehouse_id": "berlin", "limit": 5}');
  await dialog.getByRole('button', { name: 'Run' }).click();
  await expect(dialog.getByRole('group', { name: 'Approval' })).toContainText('"warehouse_id": "berlin"');
  await dialog.getByRole('button', { name: 'Approve' }).click();
  await expect(dialog.getByLabel('Result')).toContainText('Cordless drill');
  expect(inventoryRequests).toEqual(['GET /api/v1/items?warehouse_id=berlin&limit=5']);
});
