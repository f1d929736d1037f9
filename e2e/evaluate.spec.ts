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

const percentIn = async (page: Page, kind: string, variant: 'base' | 'tuned') =>
  Number.parseFloat((await page.locator(`tr[data-kind="${kind}"] td[data-variant="${variant}"]`).innerText()).replace('%', ''));

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
