import { expect, test, type Page } from '@playwright/test';
import { OwnServer } from './ownServer';

/**
 * The Train step on the Demo project, against a serve-mode instance of its own (its own port and data folder),
 * so that the test can kill the serving process during a run and start it again.
 */
const server = new OwnServer(47832, 'e2e-train-token');
const SAMPLES = 40;
const STEPS = 30;

const trainerPidOfRun = (seq: number) => server.query<number>('SELECT trainer_pid FROM training_runs WHERE seq = ?', seq);
const openStep = (page: Page, step: 'Data' | 'Train') => server.openStep(page, step);

const runRow = (page: Page, seq: number) => page.getByRole('row').filter({ has: page.getByRole('button', { name: `Run ${seq}`, exact: true }) });
const runState = (page: Page) => page.getByTestId('run-state');
const chartPoints = async (page: Page) => Number(await page.getByRole('img', { name: /^Loss / }).getAttribute('data-points'));

/** Short runs with frequent checkpoints: 1 thread leaves the other core to the server and the browser. */
async function fillSettings(page: Page, steps: number): Promise<void> {
  await page.getByLabel('Stop after (steps)').fill(String(steps));
  await page.getByLabel('Window (tokens)').fill('512');
  await page.getByLabel('CPU threads').fill('1');
  await page.getByLabel('Checkpoint every (steps)').fill('5');
  await expect(page.getByLabel('Compute on')).toHaveValue('auto');
  await page.getByLabel('Compute on').selectOption({ label: 'CPU' });
}

test.describe.configure({ mode: 'serial' });
test.beforeAll(() => server.start());
test.afterAll(() => server.kill());

test('generates and freezes Demo data for training', async ({ page }) => {
  await openStep(page, 'Data');
  await page.getByRole('button', { name: 'Generate…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Generate samples' });
  await dialog.getByLabel('Number of samples').fill(String(SAMPLES));
  await dialog.getByRole('button', { name: `Generate ${SAMPLES}` }).click();
  await expect(dialog.getByText(`Finished: ${SAMPLES} of ${SAMPLES} samples.`)).toBeVisible();
  await dialog.getByRole('button', { name: 'Close' }).click();
  await page.getByRole('tab', { name: 'Split & versions' }).click();
  await page.getByRole('button', { name: 'Split', exact: true }).click();
  await page.getByLabel('Version name').fill('v1');
  await page.getByRole('button', { name: 'Freeze', exact: true }).click();
  await expect(page.getByText(`Froze v1 with ${SAMPLES} samples.`)).toBeVisible();
});

test('trains on the demo base with a live loss chart, stops, resumes and finishes; the run survives a reload', async ({ page }) => {
  test.setTimeout(180_000);
  await openStep(page, 'Train');
  await page.getByRole('button', { name: 'Use the demo base' }).click();
  await expect(page.getByText('its chat template has a tool-calling format')).toBeVisible({ timeout: 60_000 });
  await fillSettings(page, STEPS);
  await expect(page.getByText(/threads; a run gets \d+/)).toBeVisible();
  // where a run trains, as the trainer itself says (no GPU on these machines: the CPU, and why no GPU backend is used)
  await expect(page.getByText(/^CPU: \S/)).toBeVisible({ timeout: 30_000 });
  await page.screenshot({ path: test.info().outputPath('train-step.png'), fullPage: true });
  await page.getByRole('button', { name: 'Estimate memory and time' }).click();
  await expect(page.getByText(new RegExp(`^Peak memory \\d+ MiB .* per step × ${STEPS} steps`))).toBeVisible({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Start training' }).click();

  await expect(runState(page)).toHaveText('Training', { timeout: 60_000 });
  // the run names the device its trainer reported (CPU was chosen)
  await expect(page.getByTestId('run-device')).toHaveText(/^Device CPU: \S/);
  await expect.poll(() => chartPoints(page), { timeout: 60_000 }).toBeGreaterThan(3);
  const before = await chartPoints(page);
  await expect.poll(() => chartPoints(page), { timeout: 30_000 }).toBeGreaterThan(before);

  await page.getByRole('button', { name: 'Stop (keeps a checkpoint)' }).click();
  await expect(runState(page)).toHaveText('Stopped', { timeout: 30_000 });
  await expect(page.getByText(/Stopped at step \d+; Resume continues from its checkpoint\./)).toBeVisible();
  await page.getByRole('button', { name: 'Resume', exact: true }).click();
  await expect(runState(page)).toHaveText('Done', { timeout: 120_000 });
  await expect(page.getByText(`Step ${STEPS} of ${STEPS}`)).toBeVisible();

  await page.reload();
  await page.getByRole('navigation', { name: 'Steps' }).getByRole('button', { name: 'Train' }).click();
  await expect(runRow(page, 1).getByText('Done')).toBeVisible();
  await expect(page.getByText(/^Adapter \(step \d+\)/)).toBeVisible();
  expect(await chartPoints(page)).toBe(STEPS);
});

test('a run outlives the serving process: re-attached after a restart, interrupted when its trainer died, resumed to the end', async ({ page }) => {
  test.setTimeout(240_000);
  await openStep(page, 'Train');
  await fillSettings(page, 60);
  await page.getByRole('button', { name: 'Start training' }).click();
  await expect(runRow(page, 2)).toBeVisible();
  await expect(runState(page)).toHaveText('Training', { timeout: 60_000 });
  await expect.poll(() => chartPoints(page), { timeout: 60_000 }).toBeGreaterThan(2);

  // The server dies; the detached trainer goes on, and the next server re-attaches to it.
  await server.kill();
  await server.start();
  await openStep(page, 'Train');
  await expect(runRow(page, 2).getByText('Training')).toBeVisible();
  const afterRestart = await chartPoints(page);
  await expect.poll(() => chartPoints(page), { timeout: 30_000 }).toBeGreaterThan(afterRestart);

  // Now server and trainer die together (the machine stops): the run comes back interrupted and resumable.
  const pid = trainerPidOfRun(2);
  await server.kill();
  process.kill(pid, 'SIGKILL');
  await server.start();
  await openStep(page, 'Train');
  await expect(runState(page)).toHaveText('Interrupted', { timeout: 30_000 });
  await page.getByRole('button', { name: 'Resume', exact: true }).click();
  await expect(runState(page)).toHaveText('Done', { timeout: 120_000 });
});
