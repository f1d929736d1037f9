import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GenerateParams, JobProgress, SampleRow, TeacherSettings } from '../../../shared/contract';
import { waitForJob } from '../../cli/waitForJob';
import { createTempServices, type TempServices } from '../../testing/tempServices';
import { instanceOf, replyContent, startFakeOpenAiServer, type FakeHandler, type FakeOpenAiServer } from './testing/fakeOpenAiServer';

let env: TempServices;
let demoId: string;
let server: FakeOpenAiServer;
beforeEach(async () => {
  env = await createTempServices();
  demoId = (await env.api.projects.list({})).find((project) => project.name === 'Demo')!.id;
});
afterEach(async () => {
  env.dispose();
  await server?.close();
});

const schemaOf = (request: Parameters<FakeHandler>[0]) => request.body.response_format?.json_schema?.schema;
const isJudge = (request: Parameters<FakeHandler>[0]) => request.body.messages?.[0]?.content.startsWith('You review') === true;
/** Valid drafts built from the schema each request carries; judges say ok unless told otherwise. */
const schemaAnswers: FakeHandler = (request, response) => replyContent(response, JSON.stringify(isJudge(request) ? { ok: true, reason: 'fits' } : instanceOf(schemaOf(request))));

function endpoint(extra: Partial<Extract<TeacherSettings, { kind: 'endpoint' }>> = {}): TeacherSettings {
  return { kind: 'endpoint', baseUrl: server.baseUrl, model: 'teacher-7b', apiKey: 'sk-test-key', ...extra };
}

async function generate(params: Omit<GenerateParams, 'projectId'>, projectId = demoId) {
  const { jobId } = await env.api.data.generate({ projectId, ...params });
  return { jobId, job: await waitForJob(env.api, jobId) };
}

async function rows(projectId = demoId): Promise<SampleRow[]> {
  return (await env.api.data.list({ projectId, offset: 0, limit: 500 })).rows;
}

describe('data.generate with a teacher endpoint', () => {
  it('writes verified samples of the planned kinds, keeps the API key out of the database, reports progress', async () => {
    server = await startFakeOpenAiServer(schemaAnswers);
    const progress: JobProgress[] = [];
    env.api.jobs.on('progress', (event) => progress.push(event));
    const started = performance.now();
    const { job } = await generate({ count: 40, seed: 5, generator: { kind: 'teacher', teacher: endpoint({ concurrency: 4 }) } });
    const seconds = (performance.now() - started) / 1000;
    console.info(`fake endpoint teacher: ${(40 / seconds).toFixed(1)} samples/s`);
    expect(job).toMatchObject({ state: 'done', done: 40, total: 40 });
    const stored = await rows();
    expect(stored).toHaveLength(40);
    expect(new Set(stored.map((row) => row.kind)).size).toBeGreaterThan(4);
    expect(stored.filter((row) => row.checksOk).length).toBeGreaterThan(20);
    const sample = await env.api.data.get({ projectId: demoId, sampleId: stored.find((row) => row.kind === 'simple')!.id });
    expect(sample.sample.meta).toMatchObject({ generator: 'teacher', language: 'en' });
    expect(sample.sample.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'assistant']);
    expect(server.requests.every((request) => request.authorization === 'Bearer sk-test-key')).toBe(true);
    const paramsJson = env.services.db.prepare('SELECT params_json FROM jobs').pluck().get() as string;
    expect(paramsJson).toContain('teacher-7b');
    expect(paramsJson).not.toContain('sk-test-key');
    expect(progress.at(-1)).toMatchObject({ state: 'done', done: 40, total: 40 });
  });

  it('stores answers it cannot use as failing samples, and keeps the count exact', async () => {
    server = await startFakeOpenAiServer((request, response, index) => {
      if (index % 4 === 1) return replyContent(response, 'I cannot do JSON today');
      if (index % 4 === 2) return replyContent(response, '{"turns": "nope"}');
      schemaAnswers(request, response, index);
    });
    const { job } = await generate({ count: 12, seed: 2, mix: { simple: 1 }, generator: { kind: 'teacher', teacher: endpoint() } });
    expect(job).toMatchObject({ state: 'done', done: 12 });
    const failing = (await env.api.data.list({ projectId: demoId, offset: 0, limit: 50, filter: { failedCheck: 'format' } })).rows;
    expect(failing).toHaveLength(6);
    const broken = await env.api.data.get({ projectId: demoId, sampleId: failing[0]!.id });
    expect(broken.checks.find((check) => !check.ok)?.message).toMatch(/teacher's answer was unusable/);
  });

  it('fails the job with a clear message when the server cannot be reached or keeps refusing', async () => {
    server = await startFakeOpenAiServer((_request, response) => void response.writeHead(401).end('{"error": "bad key"}'));
    const refused = await generate({ count: 5, seed: 1, generator: { kind: 'teacher', teacher: endpoint() } });
    expect(refused.job).toMatchObject({ state: 'failed', done: 0, message: expect.stringMatching(/HTTP 401/) });
    const closed = server.baseUrl;
    await server.close();
    const unreachable = await generate({ count: 5, seed: 1, generator: { kind: 'teacher', teacher: endpoint({ baseUrl: closed }) } });
    expect(unreachable.job).toMatchObject({ state: 'failed', message: expect.stringMatching(/could not reach/) });
    server = await startFakeOpenAiServer((_request, response) => replyContent(response, 'garbage'));
    const garbage = await generate({ count: 40, seed: 1, generator: { kind: 'teacher', teacher: endpoint() } });
    expect(garbage.job).toMatchObject({ state: 'failed', message: expect.stringMatching(/unusable answers in a row/) });
    await expect(env.api.data.generate({ projectId: demoId, count: 1, seed: 1, generator: { kind: 'teacher', teacher: endpoint({ baseUrl: 'file:///etc/passwd' }) } })).rejects.toMatchObject({ code: 'invalid-input' });
  });

  it('cancels between batches and resumes to the same plan as an uninterrupted run', async () => {
    server = await startFakeOpenAiServer(async (request, response, index) => {
      await new Promise((resolve) => setTimeout(resolve, 15));
      schemaAnswers(request, response, index);
    });
    const teacher = endpoint({ concurrency: 2 });
    // Listening before the job starts: on a busy machine its first batch can be written before `generate` returns.
    const firstBatch = new Promise<void>((resolve) => env.api.jobs.on('progress', (event) => event.projectId === demoId && event.done > 0 && resolve()));
    const { jobId } = await env.api.data.generate({ projectId: demoId, count: 30, seed: 9, generator: { kind: 'teacher', teacher } });
    await firstBatch;
    const cancelled = await env.api.jobs.cancel({ jobId });
    expect(cancelled.state).toBe('cancelled');
    expect(cancelled.done).toBeGreaterThan(0);
    expect(cancelled.done).toBeLessThan(30);
    expect(cancelled.done % 4).toBe(0);
    expect(await rows()).toHaveLength(cancelled.done);
    await env.api.data.resumeJob({ jobId });
    expect(await waitForJob(env.api, jobId)).toMatchObject({ state: 'done', done: 30 });
    const copy = await env.api.projects.duplicate({ id: demoId, name: 'Straight' });
    await env.api.data.deleteSamples({ projectId: copy.id, sampleIds: (await rows(copy.id)).map((row) => row.id) }).catch(() => undefined);
    await generate({ count: 30, seed: 9, generator: { kind: 'teacher', teacher } }, copy.id);
    const summary = (list: SampleRow[]) => list.map((row) => `${row.kind}:${row.toolsCalled.join(',')}:${row.firstUserText}`);
    expect(summary(await rows())).toEqual(summary(await rows(copy.id)));
  });

  it('records the teacher verdict as a semantic check per sample', async () => {
    server = await startFakeOpenAiServer((request, response, index) => {
      if (!isJudge(request)) return schemaAnswers(request, response, index);
      const ok = !request.body.messages![1]!.content.includes('call get_weather(');
      replyContent(response, JSON.stringify({ ok, reason: ok ? 'matches' : 'the city is not the one asked for' }));
    });
    const { job } = await generate({ count: 16, seed: 4, mix: { simple: 1, no_call: 1 }, generator: { kind: 'teacher', teacher: endpoint(), semanticCheck: true } });
    expect(job.state).toBe('done');
    for (const row of await rows()) {
      const { checks } = await env.api.data.get({ projectId: demoId, sampleId: row.id });
      const semantic = checks.filter((check) => check.check === 'semantic');
      expect(semantic).toHaveLength(1);
    }
    const failing = (await env.api.data.list({ projectId: demoId, offset: 0, limit: 50, filter: { failedCheck: 'semantic' } })).rows;
    const weatherRows = (await rows()).filter((row) => row.toolsCalled.includes('get_weather'));
    expect(failing.length).toBeGreaterThan(0);
    expect(failing.every((row) => weatherRows.some((w) => w.id === row.id))).toBe(true);
    const one = await env.api.data.get({ projectId: demoId, sampleId: failing[0]!.id });
    expect(one.checks.find((check) => check.check === 'semantic')).toMatchObject({ ok: false, message: 'the city is not the one asked for' });
  });
});
