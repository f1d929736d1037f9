import { expect, test, type Page } from '@playwright/test';
import { OwnServer } from './ownServer';

/**
 * Train and evaluate on the Demo project, through the UI, against a serve-mode instance of its own: a short run
 * of the demo base, then base and tuned decoded and checked on the version's eval split, the scores side by side,
 * the failure browser, and the stored results after a reload. What the demo model learns from a full Demo run is
 * measured by `npm run bench:eval` (docs/evaluate.md); this test keeps the run short.
 */
const server = new OwnServer(47833, 'e2e-evaluate-token');
const SAMPLES = 80;
const STEPS = 20;

test.describe.configure({ mode: 'serial' });
test.beforeAll(() => server.start());
test.afterAll(() => server.kill());

const percentIn = async (page: Page, kind: string, variant: 'base' | 'tuned') =>
  Number.parseFloat((await page.locator(`tr[data-kind="${kind}"] td[data-variant="${variant}"]`).innerText()).replace('%', ''));

test('trains the demo base, evaluates base and tuned side by side, browses the failures, and shows the stored scores again', async ({ page }) => {
  test.setTimeout(10 * 60_000);
  await server.openStep(page, 'Data');
  await page.getByRole('button', { name: 'Generate…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Generate samples' });
  await dialog.getByLabel('Number of samples').fill(String(SAMPLES));
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
  await page.getByLabel('Stop after (steps)').fill(String(STEPS));
  await page.getByLabel('CPU threads').fill('2');
  await page.getByRole('button', { name: 'Start training' }).click();
  await expect(page.getByTestId('run-state')).toHaveText('Done', { timeout: 5 * 60_000 });

  await page.getByRole('navigation', { name: 'Steps' }).getByRole('button', { name: 'Evaluate' }).click();
  await expect(page.getByRole('heading', { name: 'Evaluate', exact: true })).toBeVisible();
  await page.getByLabel('CPU threads').fill('2');
  await page.getByLabel('Longest answer (tokens)').fill('48');
  await page.getByRole('button', { name: 'Start evaluation' }).click();
  await expect(page.getByTestId('eval-state')).toHaveText('Done', { timeout: 5 * 60_000 });

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
