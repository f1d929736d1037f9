import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobProgress, SampleRow } from '../../shared/contract';
import { DATA_TEXT_CHUNK_MAX } from '../../shared/contract';
import type { Sample } from '../../shared/data/conversation';
import { waitForJob } from '../cli/waitForJob';
import { canonicalJson } from '../data/canonicalJson';
import { createTempServices, type TempServices } from '../testing/tempServices';
import { createServices } from './createServices';
import { BATCH_SIZE, type DataService } from './data';

let env: TempServices;
let demoId: string;
beforeEach(async () => {
  env = await createTempServices();
  demoId = (await env.api.projects.list({})).find((project) => project.name === 'Demo')!.id;
});
afterEach(() => env.dispose());

async function generate(projectId: string, count: number, seed = 1): Promise<void> {
  const { jobId } = await env.api.data.generate({ projectId, count, seed });
  const job = await waitForJob(env.api, jobId);
  expect(job).toMatchObject({ state: 'done', done: count, total: count });
}

async function allRows(projectId: string): Promise<SampleRow[]> {
  return (await env.api.data.list({ projectId, offset: 0, limit: 500 })).rows;
}

const weatherTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Weather',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};
function openAiLine(city: unknown, tool = weatherTool): string {
  return JSON.stringify({
    messages: [
      { role: 'user', content: `Weather in ${String(city)}?` },
      { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: tool.function.name, arguments: JSON.stringify({ city }) } }] },
    ],
    tools: [tool],
  });
}

describe('data: generation', () => {
  it('generates verified samples for the Demo project, deterministically for a seed, with progress', async () => {
    const progress: JobProgress[] = [];
    env.api.jobs.on('progress', (event) => progress.push(event));
    await generate(demoId, 300, 7);
    const { total, rows } = await env.api.data.list({ projectId: demoId, offset: 0, limit: 500 });
    expect(total).toBe(300);
    expect(rows.every((row) => row.status === 'pending' && row.source === 'generated')).toBe(true);
    expect(rows.filter((row) => row.checksOk).length).toBeGreaterThan(290);
    expect(new Set(rows.map((row) => row.kind)).size).toBeGreaterThan(5);
    expect(progress.at(-1)).toMatchObject({ state: 'done', done: 300, total: 300, kind: 'generate' });

    const copy = await env.api.projects.duplicate({ id: demoId, name: 'Demo again' });
    await generate(copy.id, 300, 7);
    const first = await env.api.data.get({ projectId: demoId, sampleId: rows[123]!.id });
    const again = await env.api.data.get({ projectId: copy.id, sampleId: (await allRows(copy.id))[123]!.id });
    expect(again.sample).toEqual(first.sample);
  });

  it('cancels between batches: every written batch is whole and the job says how far it got', async () => {
    const { jobId } = await env.api.data.generate({ projectId: demoId, count: 100_000, seed: 3 });
    const cancelled = new Promise<void>((resolve) => {
      env.api.jobs.on('progress', (event) => {
        if (event.state === 'running' && event.done > 0) void env.api.jobs.cancel({ jobId }).then(() => resolve());
      });
    });
    await cancelled;
    const job = await waitForJob(env.api, jobId);
    expect(job.state).toBe('cancelled');
    const { total } = await env.api.data.list({ projectId: demoId, offset: 0, limit: 1 });
    expect(total).toBe(job.done);
    expect(total % BATCH_SIZE).toBe(0);
    expect(total).toBeLessThan(100_000);
  }, 60_000);

  it('refuses to generate without tools', async () => {
    const empty = await env.api.projects.create({ name: 'Empty' });
    await expect(env.api.data.generate({ projectId: empty.id, count: 10, seed: 1 })).rejects.toMatchObject({ code: 'invalid-input' });
  });
});

describe('data: interrupted jobs', () => {
  it('marks a job left running by a dead process as interrupted, and resumes it to the same samples', async () => {
    const { jobId } = await env.api.data.generate({ projectId: demoId, count: 3000, seed: 21 });
    await waitForJob(env.api, jobId);
    // Simulate a crash after the first batch: the row still says running, owned by a process that is gone.
    const deadPid = spawnSync(process.execPath, ['-e', '']).pid as number;
    const db = env.services.db;
    db.prepare('DELETE FROM samples WHERE project_id = ? AND seq > ?').run(demoId, BATCH_SIZE);
    db.prepare("UPDATE jobs SET state = 'running', done = ?, owner_pid = ? WHERE id = ?").run(BATCH_SIZE, deadPid, jobId);
    const reopened = await createServices({ dataDir: env.dataDir, mode: 'cli', version: '0.0.0-test' });
    try {
      const data = reopened.implementations.data;
      expect(await reopened.implementations.jobs.get({ jobId })).toMatchObject({ state: 'interrupted', done: BATCH_SIZE, total: 3000 });
      expect(await data.resumeJob({ jobId })).toMatchObject({ state: 'running' });
      expect(await (data as DataService).whenJobSettled(jobId)).toMatchObject({ state: 'done', done: 3000 });
    } finally {
      reopened.dispose();
    }
    const copy = await env.api.projects.duplicate({ id: demoId, name: 'Uninterrupted' });
    await generate(copy.id, 3000, 21);
    const resumed = (await env.api.data.list({ projectId: demoId, offset: 2990, limit: 10 })).rows;
    const straight = (await env.api.data.list({ projectId: copy.id, offset: 2990, limit: 10 })).rows;
    expect(resumed.map((row) => row.firstUserText)).toEqual(straight.map((row) => row.firstUserText));
  }, 60_000);
});

describe('data: closing the app', () => {
  it('stops running jobs and marks them interrupted, ready to resume', async () => {
    const services = await createServices({ dataDir: join(env.dataDir, 'closing'), mode: 'cli', version: '0.0.0-test' });
    const data = services.implementations.data as DataService;
    const demo = (await services.implementations.projects.list({})).find((project) => project.name === 'Demo')!;
    const firstBatch = new Promise<void>((resolve) => services.events.connect((message) => message.event === 'progress' && (message.payload as JobProgress).done > 0 && resolve()));
    const { jobId } = data.generate({ projectId: demo.id, count: 100_000, seed: 1 });
    await firstBatch;
    services.dispose();
    const reopened = await createServices({ dataDir: join(env.dataDir, 'closing'), mode: 'cli', version: '0.0.0-test' });
    try {
      const job = await reopened.implementations.jobs.get({ jobId });
      expect(job).toMatchObject({ state: 'interrupted', total: 100_000 });
      expect(job.done % BATCH_SIZE).toBe(0);
    } finally {
      reopened.dispose();
    }
  }, 60_000);
});

describe('data: import', () => {
  it('imports OpenAI JSONL, reports broken lines by number and offers missing tools', async () => {
    const project = await env.api.projects.create({ name: 'Imported' });
    const text = [openAiLine('Paris'), '{not json', openAiLine(42), '', JSON.stringify({ nothing: true }), openAiLine('Oslo')].join('\n');
    const { jobId } = await env.api.data.import({ projectId: project.id, text, fileName: 'chat.jsonl' });
    const job = await waitForJob(env.api, jobId);
    expect(job.state).toBe('done');
    const summary = job.importSummary!;
    expect(summary).toMatchObject({ format: 'openai', imported: 3, failingChecks: 1 });
    expect(summary.problems.map((problem) => problem.line)).toEqual([2, 5]);
    expect(summary.missingTools.map((tool) => tool.name)).toEqual(['get_weather']);
    const failing = await env.api.data.list({ projectId: project.id, offset: 0, limit: 10, filter: { failedCheck: 'arguments' } });
    expect(failing.rows.map((row) => row.firstUserText)).toEqual(['Weather in 42?']);
  });

  it('imports a file sent in parts', async () => {
    const project = await env.api.projects.create({ name: 'Parts' });
    const text = Array.from({ length: 50 }, (_, i) => openAiLine(`City ${i}`)).join('\n');
    const first = await env.api.data.uploadChunk({ text: text.slice(0, 1000) });
    await env.api.data.uploadChunk({ uploadId: first.uploadId, text: text.slice(1000) });
    const job = await waitForJob(env.api, (await env.api.data.import({ projectId: project.id, uploadId: first.uploadId })).jobId);
    expect(job.importSummary).toMatchObject({ imported: 50, problems: [] });
    await expect(env.api.data.import({ projectId: project.id, uploadId: first.uploadId })).rejects.toMatchObject({ code: 'not-found' });
  });

  it('refuses a part over the limit, in UTF-16 units as clients slice them', async () => {
    const project = await env.api.projects.create({ name: 'Big parts' });
    await expect(env.api.data.uploadChunk({ text: 'x'.repeat(DATA_TEXT_CHUNK_MAX + 1) })).rejects.toMatchObject({ code: 'too-large' });
    // 1,000,001 emoji: fewer code points than the limit, more UTF-16 units.
    await expect(env.api.data.import({ projectId: project.id, text: '😀'.repeat(DATA_TEXT_CHUNK_MAX / 2 + 1) })).rejects.toMatchObject({ code: 'too-large' });
    expect((await env.api.data.uploadChunk({ text: 'x'.repeat(DATA_TEXT_CHUNK_MAX) })).bytes).toBe(DATA_TEXT_CHUNK_MAX);
  });

  it('fails an import of an unknown format without writing anything', async () => {
    const project = await env.api.projects.create({ name: 'Unknown' });
    const job = await waitForJob(env.api, (await env.api.data.import({ projectId: project.id, text: 'hello\nworld' })).jobId);
    expect(job).toMatchObject({ state: 'failed', message: expect.stringMatching(/not recognised/) });
  });
});

describe('data: review', () => {
  it('filters by tool, kind, status, failed check, text and split', async () => {
    await generate(demoId, 400, 11);
    const rows = await allRows(demoId);
    const count = async (filter: object) => (await env.api.data.list({ projectId: demoId, offset: 0, limit: 1, filter })).total;
    expect(await count({ tool: 'get_weather' })).toBe(rows.filter((row) => row.toolsCalled.includes('get_weather')).length);
    expect(await count({ kind: 'no_call' })).toBe(rows.filter((row) => row.kind === 'no_call').length);
    expect(await count({ failedCheck: 'any' })).toBe(rows.filter((row) => !row.checksOk).length);
    expect(await count({ status: 'approved' })).toBe(0);
    expect(await count({ split: 'none' })).toBe(400);
    const searched = rows.find((row) => row.firstUserText.length > 12)!.firstUserText.slice(0, 12).toUpperCase();
    expect(await count({ text: searched })).toBeGreaterThan(0);
    expect(await count({ tool: 'get_weather', kind: 'no_call' })).toBe(0);
    const page = await env.api.data.list({ projectId: demoId, offset: 10, limit: 5, sort: 'seq-desc' });
    expect(page.rows.map((row) => row.seq)).toEqual([390, 389, 388, 387, 386]);
  });

  it('changes statuses in bulk and undoes it, once', async () => {
    await generate(demoId, 20);
    const ids = (await allRows(demoId)).map((row) => row.id);
    await env.api.data.setStatus({ projectId: demoId, sampleIds: ids.slice(0, 3), status: 'flagged' });
    const result = await env.api.data.setStatus({ projectId: demoId, sampleIds: ids.slice(0, 10), status: 'approved' });
    expect(result.changed).toBe(10);
    await expect(env.api.data.undo({ projectId: 'someone-else', undoToken: result.undoToken! })).rejects.toMatchObject({ code: 'not-found' });
    expect(await env.api.data.undo({ projectId: demoId, undoToken: result.undoToken! })).toEqual({ restored: 10 });
    const statuses = (await allRows(demoId)).slice(0, 10).map((row) => row.status);
    expect(statuses).toEqual([...Array(3).fill('flagged'), ...Array(7).fill('pending')]);
    await expect(env.api.data.undo({ projectId: demoId, undoToken: result.undoToken! })).rejects.toMatchObject({ code: 'not-found' });
  });

  it('deletes samples and undo brings them back under the same ids', async () => {
    await generate(demoId, 20);
    const before = await allRows(demoId);
    const { deleted, undoToken } = await env.api.data.deleteSamples({ projectId: demoId, sampleIds: before.slice(5, 8).map((row) => row.id) });
    expect(deleted).toBe(3);
    expect((await allRows(demoId)).length).toBe(17);
    await env.api.data.undo({ projectId: demoId, undoToken: undoToken! });
    expect(await allRows(demoId)).toEqual(before);
  });

  it('puts undeleted samples after newer ones when their positions were taken meanwhile', async () => {
    await generate(demoId, 5);
    const [last] = (await env.api.data.list({ projectId: demoId, offset: 0, limit: 1, sort: 'seq-desc' })).rows;
    const { undoToken } = await env.api.data.deleteSamples({ projectId: demoId, sampleIds: [last!.id] });
    await generate(demoId, 1);
    await env.api.data.undo({ projectId: demoId, undoToken: undoToken! });
    expect((await env.api.data.get({ projectId: demoId, sampleId: last!.id })).seq).toBe(6);
  });

  it('verifies edits live and saves a fixed sample with fresh checks', async () => {
    const project = await env.api.projects.create({ name: 'Edit' });
    await waitForJob(env.api, (await env.api.data.import({ projectId: project.id, text: openAiLine(42) })).jobId);
    const [row] = await allRows(project.id);
    expect(row!.failedChecks).toEqual(['arguments']);
    const stored = await env.api.data.get({ projectId: project.id, sampleId: row!.id });
    const fixed: Sample = structuredClone(stored.sample);
    const assistant = fixed.messages[1]!;
    if (assistant.role === 'assistant') assistant.toolCalls[0]!.arguments = { city: 'Lima' };
    const live = await env.api.data.verify({ projectId: project.id, sample: fixed });
    expect(live.checks.every((check) => check.ok)).toBe(true);
    const saved = await env.api.data.update({ projectId: project.id, sampleId: row!.id, sample: fixed });
    expect(saved).toMatchObject({ checksOk: true, failedChecks: [], status: 'pending' });
    expect((await env.api.data.list({ projectId: project.id, offset: 0, limit: 5, filter: { failedCheck: 'arguments' } })).total).toBe(0);

    const broken = { messages: [{ role: 'wizard', content: 'x' }] };
    expect((await env.api.data.verify({ projectId: project.id, sample: broken })).checks[0]).toMatchObject({ check: 'format', ok: false });
    await expect(env.api.data.update({ projectId: project.id, sampleId: row!.id, sample: broken })).rejects.toMatchObject({ code: 'invalid-input' });
  });
});

describe('data: splits, versions and export', () => {
  it('freezes an immutable version whose hash is the sha256 of its canonical content', async () => {
    await generate(demoId, 200, 5);
    const rows = await allRows(demoId);
    await env.api.data.setStatus({ projectId: demoId, sampleIds: [rows[0]!.id], status: 'rejected' });
    const split = await env.api.data.split({ projectId: demoId, evalFraction: 0.2, seed: 1 });
    expect(split.eval).toBe(Math.round(199 * 0.2));
    const trainable = rows.slice(1).filter((row) => row.checksOk);
    const version = await env.api.data.freeze({ projectId: demoId, name: 'v1' });
    expect(version).toMatchObject({ name: 'v1', sampleCount: trainable.length });
    expect(version.trainCount + version.evalCount).toBe(version.sampleCount);

    const expected = await Promise.all(
      trainable.map(async (row) => {
        const stored = await env.api.data.get({ projectId: demoId, sampleId: row.id });
        return { sample: stored.sample, split: stored.split };
      }),
    );
    expect(version.contentHash).toBe(createHash('sha256').update(canonicalJson(expected)).digest('hex'));

    // Later edits and deletions never change the version.
    const exported = await env.api.data.export({ projectId: demoId, format: 'openai', versionId: version.id });
    await env.api.data.deleteSamples({ projectId: demoId, sampleIds: trainable.slice(0, 10).map((row) => row.id) });
    expect(await env.api.data.export({ projectId: demoId, format: 'openai', versionId: version.id })).toEqual(exported);
    expect((await env.api.data.stats({ projectId: demoId, versionId: version.id })).total).toBe(version.sampleCount);
    await expect(env.api.data.freeze({ projectId: demoId, name: 'V1' })).rejects.toMatchObject({ code: 'conflict' });
  });

  it('keeps the split of frozen samples when splitting again', async () => {
    await generate(demoId, 100, 2);
    await env.api.data.split({ projectId: demoId, evalFraction: 0.2, seed: 1 });
    const version = await env.api.data.freeze({ projectId: demoId, name: 'v1' });
    const frozen = new Map((await allRows(demoId)).filter((row) => row.checksOk).map((row) => [row.id, row.split]));
    expect(frozen.size).toBe(version.sampleCount);
    await generate(demoId, 100, 3);
    const again = await env.api.data.split({ projectId: demoId, evalFraction: 0.5, seed: 9 });
    expect(again.locked).toBe(version.sampleCount);
    for (const row of await allRows(demoId)) if (frozen.has(row.id)) expect(row.split).toBe(frozen.get(row.id));
  });

  it('exports every format and re-imports an export into a new project with identical counts', async () => {
    await generate(demoId, 120, 4);
    const version = await env.api.data.freeze({ projectId: demoId, name: 'release' });
    const sharegpt = await env.api.data.export({ projectId: demoId, format: 'sharegpt', versionId: version.id });
    expect(sharegpt.extraFiles.map((file) => file.fileName)).toEqual(['dataset_info.json']);
    expect(JSON.parse(sharegpt.extraFiles[0]!.text)).toHaveProperty(['Demo-release', 'file_name'], sharegpt.fileName);
    const bfcl = await env.api.data.export({ projectId: demoId, format: 'bfcl' });
    expect(bfcl.extraFiles[0]!.fileName).toMatch(/possible_answer/);
    for (const format of ['glaive', 'xlam'] as const) expect((await env.api.data.export({ projectId: demoId, format })).text.length).toBeGreaterThan(0);

    const openai = await env.api.data.export({ projectId: demoId, format: 'openai', versionId: version.id });
    const copy = await env.api.projects.create({ name: 'Round trip' });
    const job = await waitForJob(env.api, (await env.api.data.import({ projectId: copy.id, text: openai.text, format: 'openai' })).jobId);
    expect(job.importSummary).toMatchObject({ imported: version.sampleCount, problems: [] });
    expect((await env.api.data.stats({ projectId: copy.id })).total).toBe(version.sampleCount);
  });
});

describe('data: stats', () => {
  it('counts per status, kind, tool and check, and finds exact duplicates', async () => {
    const project = await env.api.projects.create({ name: 'Stats' });
    const text = [openAiLine('Paris'), openAiLine('Paris'), openAiLine('Rome'), openAiLine(1)].join('\n');
    await waitForJob(env.api, (await env.api.data.import({ projectId: project.id, text })).jobId);
    const stats = await env.api.data.stats({ projectId: project.id });
    expect(stats).toMatchObject({
      total: 4,
      byStatus: [{ key: 'pending', count: 4 }],
      byKind: [{ key: 'simple', count: 4 }], // classified from their structure at import
      byTool: [{ key: 'get_weather', count: 4 }],
      byFailedCheck: [{ key: 'arguments', count: 1 }],
      bySplit: [{ key: 'none', count: 4 }],
    });
    expect(stats.duplicates).toEqual([{ sampleIds: expect.any(Array), firstUserText: 'Weather in Paris?' }]);
    expect(stats.duplicates[0]!.sampleIds).toHaveLength(2);
    const { groups } = await env.api.data.duplicates({ projectId: project.id });
    expect(groups).toEqual([{ kind: 'exact', sampleIds: stats.duplicates[0]!.sampleIds, similarity: 1, firstUserText: 'Weather in Paris?' }]);
  });
});
