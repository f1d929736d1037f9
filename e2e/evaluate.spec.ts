import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { OwnServer } from './ownServer';

/**
 * Train and evaluate on the Demo project, through the UI, against a serve-mode instance of its own: Demo data with
 * the default mix, a run of the demo base with the suggested settings, then base and tuned decoded and checked on
 * the version's eval split. On `simple` cases (get_weather with the city of the request, docs/evaluate.md) the
 * tuned demo model makes the exact call where the untrained base does not. Every kind's figures are printed; the
 * tiny model learns the simple calls, not most other kinds.
 */
const server = new OwnServer(47833, 'e2e-evaluate-token');
const SAMPLES = 1000;
const SEED = 1;
/** Base at most 5%, tuned at least 80% exact calls on `simple` (docs/evaluate.md gives the measured numbers). */
const BASE_SIMPLE_MAX = 5;
const TUNED_SIMPLE_MIN = 80;

test.describe.configure({ mode: 'serial' });
test.beforeAll(() => server.start());
test.afterAll(() => server.kill());

/**
 * A variant's figure for a kind, once the table shows one: the job's "Done" can arrive before the refetched results
 * (the tuned column reads "–" until then).
 */
async function percentIn(page: Page, kind: string, variant: 'base' | 'tuned'): Promise<number> {
  const cell = page.locator(`tr[data-kind="${kind}"] td[data-variant="${variant}"]`);
  await expect(cell).toHaveText(/^\d+(\.\d+)?%$/);
  return Number.parseFloat((await cell.innerText()).replace('%', ''));
}

test('the tuned demo model makes the simple calls the base cannot; scores side by side, failures browsed, shown again after a reload', async ({ page }) => {
  test.setTimeout(25 * 60_000);
  await server.openStep(page, 'Data');
  await page.getByRole('button', { name: 'Generate…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Generate samples' });
  await dialog.getByLabel('Number of samples').fill(String(SAMPLES));
  // The dialog suggests a random seed; the test fixes one so that it measures the same data every time (the tuned
  // model's simple score varies with the data: 80–100% over the seeds measured, docs/evaluate.md).
  await dialog.getByLabel('Seed').fill(String(SEED));
  await dialog.getByRole('button', { name: `Generate ${SAMPLES}` }).click();
  await expect(dialog.getByText(`Finished: ${SAMPLES} of ${SAMPLES} samples.`)).toBeVisible({ timeout: 120_000 });
  await dialog.getByRole('button', { name: 'Close' }).click();
  await page.getByRole('tab', { name: 'Split & versions' }).click();
  await page.getByRole('button', { name: 'Split', exact: true }).click();
  await page.getByLabel('Version name').fill('v1');
  await page.getByRole('button', { name: 'Freeze', exact: true }).click();
  await expect(page.getByText(/^Froze v1 with \d+ samples\.$/)).toBeVisible();

  await page.getByRole('navigation', { name: 'Steps' }).getByRole('button', { name: 'Train' }).click();
  await page.getByRole('button', { name: 'Use the demo base' }).click();
  await expect(page.getByText('its chat template has a tool-calling format')).toBeVisible({ timeout: 60_000 });
  // Both cores for the trainer: the server and the browser wait meanwhile.
  await page.getByLabel('CPU threads').fill('2');
  await page.getByRole('button', { name: 'Start training' }).click();
  await expect(page.getByTestId('run-state')).toHaveText('Done', { timeout: 20 * 60_000 });

  await page.getByRole('navigation', { name: 'Steps' }).getByRole('button', { name: 'Evaluate' }).click();
  await expect(page.getByRole('heading', { name: 'Evaluate', exact: true })).toBeVisible();
  await page.getByLabel('CPU threads').fill('2');
  await page.getByLabel('Longest answer (tokens)').fill('256');
  await page.getByRole('button', { name: 'Start evaluation' }).click();
  await expect(page.getByTestId('eval-state')).toHaveText('Done', { timeout: 10 * 60_000 });

  const base = await percentIn(page, 'simple', 'base');
  const tunedSimple = await percentIn(page, 'simple', 'tuned');
  console.log(`Demo, ${SAMPLES} samples: simple exactCall base ${base}%, tuned ${tunedSimple}%; every kind: ${server.query<string>('SELECT json_group_object(variant, json(scores_json)) FROM eval_results')}`);
  expect(base).toBeLessThanOrEqual(BASE_SIMPLE_MAX);
  expect(tunedSimple).toBeGreaterThanOrEqual(TUNED_SIMPLE_MIN);

  // Every eval case is counted once; the untrained demo base writes no call at all, so it names no function right
  // and never calls where no call is expected.
  const evalCount = server.query<number>('SELECT eval_count FROM dataset_versions');
  expect(await page.locator('tr[data-kind="overall"] td').first().innerText()).toBe(String(evalCount));
  const tuned = await percentIn(page, 'overall', 'tuned');
  await page.getByLabel('Figure').selectOption({ label: 'Function name' });
  expect(await percentIn(page, 'overall', 'base')).toBe(0);
  await page.getByLabel('Figure').selectOption({ label: 'No-call recall' });
  expect(await percentIn(page, 'overall', 'base')).toBe(100);

  // The failure browser names the rule that failed and shows similar training samples.
  await page.getByRole('button', { name: 'Failures: Base' }).click();
  const failures = page.getByRole('list', { name: 'Failed cases' });
  await failures.getByRole('button').first().click();
  await expect(page.getByRole('heading', { name: 'Most similar training samples' })).toBeVisible();
  await expect(page.getByText(/^Sample \d+ \(/).first()).toBeVisible();

  // Reopening shows the stored results without running again.
  await page.reload();
  await page.getByRole('navigation', { name: 'Steps' }).getByRole('button', { name: 'Evaluate' }).click();
  expect(await percentIn(page, 'overall', 'tuned')).toBe(tuned);
});

test('exports the Demo run: merged F16 and Q8_0 files, packages, and the quality gate next to base and tuned', async ({ page }) => {
  test.setTimeout(15 * 60_000);
  await server.openStep(page, 'Export');
  await page.getByLabel('Q4_K_M').uncheck();
  await page.getByLabel('F16').check();
  await page.getByLabel('CPU threads').fill('2');
  await page.getByRole('button', { name: 'Estimate sizes' }).click();
  const estimate = page.getByRole('status', { name: 'Size estimate' });
  await expect(estimate).toContainText(/Writes about [\d.]+ MiB/);
  await expect(estimate).toContainText('F16');
  await page.getByRole('button', { name: 'Start export' }).click();
  await expect(page.getByTestId('export-state')).toHaveText('Done', { timeout: 12 * 60_000 });

  const card = page.getByRole('region', { name: 'Export demo-run1' });
  for (const file of ['demo-run1-F16.gguf', 'demo-run1-Q8_0.gguf', 'ollama/Modelfile.Q8_0', 'adapter/demo-run1-lora.gguf', 'SHA256SUMS']) {
    await expect(card.getByRole('cell', { name: file, exact: true })).toBeVisible();
  }
  const gate = card.getByRole('table', { name: 'Quality gate (eval split)' });
  const exactCall = async (row: string) => Number.parseFloat((await gate.getByTestId(`gate-${row}`).locator('td').nth(1).innerText()).replace('%', ''));
  const [tuned, f16, q8] = [await exactCall('tuned'), await exactCall('F16'), await exactCall('Q8_0')];
  console.log(`Demo export quality gate, overall exactCall: base ${await exactCall('base')}%, tuned ${tuned}%, F16 ${f16}%, Q8_0 ${q8}%`);
  // The merged F16 file answers as the base with the adapter applied at run time (export.native.test.ts compares every answer).
  expect(f16).toBe(tuned);
  expect(server.query<number>("SELECT COUNT(*) FROM eval_results WHERE variant = 'export'")).toBe(2);

  // llama-server (built from the bundled source) serves the exported file with its own template: an OpenAI-style
  // request with tools gets a parsed tool call, for an eval case the tuned model answered right.
  const dir = server.query<string>('SELECT dir FROM exports');
  const cases = JSON.parse(server.query<string>("SELECT cases_json FROM eval_results WHERE variant = 'export' AND output = 'F16'")) as Array<{ id: string; kind: string; valid: boolean }>;
  const right = cases.find((c) => c.kind === 'simple' && c.valid);
  expect(right, 'a simple case the F16 file answered right').toBeDefined();
  const sample = JSON.parse(server.query<string>('SELECT sample_json FROM dataset_version_samples WHERE sample_id = ?', Number(right!.id))) as { messages: Array<{ role: string; content: string; toolCalls?: Array<{ name: string; arguments: unknown }> }> };
  const tools = JSON.parse(server.query<string>('SELECT t.tools_json FROM tool_sets t JOIN dataset_version_samples s ON s.tool_set_id = t.id WHERE s.sample_id = ?', Number(right!.id))) as Array<{ name: string; description: string; parameters: unknown }>;
  const firstAnswer = sample.messages.findIndex((m) => m.role === 'assistant');
  const served = await serveWithLlamaServer(join(dir, 'demo-run1-F16.gguf'), 47834);
  try {
    const response = await fetch('http://127.0.0.1:47834/v1/chat/completions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        messages: sample.messages.slice(0, firstAnswer).map((m) => ({ role: m.role, content: m.content })),
        tools: tools.map((tool) => ({ type: 'function', function: tool })),
        temperature: 0,
        max_tokens: 128,
      }),
    });
    const body = (await response.json()) as { choices: Array<{ message: { tool_calls?: Array<{ function: { name: string; arguments: string } }> } }> };
    expect(response.status, JSON.stringify(body)).toBe(200);
    const call = body.choices[0]!.message.tool_calls?.[0];
    expect(call, JSON.stringify(body)).toBeDefined();
    const expected = sample.messages[firstAnswer]!.toolCalls![0]!;
    expect(call!.function.name).toBe(expected.name);
    expect(JSON.parse(call!.function.arguments)).toEqual(expected.arguments);
  } finally {
    served.kill('SIGKILL');
  }
});

test('in the Test step the tuned run calls get_weather for real, side by side with the base', async ({ page }) => {
  test.setTimeout(5 * 60_000);
  await server.openStep(page, 'Test');
  // The newest run is the default model; the base answers the same prompt beside it.
  await page.getByLabel('Side by side with').selectOption({ label: 'ToolTune Demo (tiny Qwen2)' });
  await page.getByRole('button', { name: 'Start conversation' }).click();
  await page.getByLabel('Message').fill('What\'s the weather in "Paris"?');
  await page.getByRole('button', { name: 'Send' }).click();
  const tuned = page.getByLabel('Answers of ToolTune Demo (tiny Qwen2) + run 1');
  const card = tuned.getByRole('article', { name: 'Call of get_weather' });
  await expect(card).toContainText('done', { timeout: 120_000 });
  await expect(card.getByLabel('Arguments')).toContainText('"city": "Paris"');
  // The Demo binding answers from its offline table.
  await expect(card).toContainText('"condition":"cloudy"');
  await expect(page.getByRole('button', { name: 'Regenerate' })).toBeVisible({ timeout: 120_000 });
  const base = page.getByLabel('Answers of ToolTune Demo (tiny Qwen2)', { exact: true });
  await expect(base.locator('.chat-assistant')).toHaveCount(1);
  await expect(base.getByRole('article')).toHaveCount(0);
  console.log(`Test step, Demo run: ${server.query<number>("SELECT COUNT(*) FROM tool_calls WHERE tool = 'get_weather' AND status = 'ok'")} get_weather call(s) ran`);
});

/** llama-server on loopback with the GGUF's own chat template (`--jinja`); resolves once it answers /health. */
async function serveWithLlamaServer(model: string, port: number): Promise<ChildProcess> {
  const binary = join('resources', 'bin', `${process.platform}-${process.arch}`, 'llama-server');
  const child = spawn(binary, ['-m', model, '--jinja', '--host', '127.0.0.1', '--port', String(port), '-c', '4096', '-t', '2', '--no-webui'], { stdio: 'ignore' });
  for (let i = 0; i < 120; i++) {
    if (child.exitCode !== null) throw new Error(`llama-server exited with ${child.exitCode}`);
    const healthy = await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.ok, () => false);
    if (healthy) return child;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  child.kill('SIGKILL');
  throw new Error('llama-server did not answer /health within 60 s');
}
