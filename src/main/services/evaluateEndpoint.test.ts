import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProjectSummary } from '../../shared/contract';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../data/teacher/testing/fakeOpenAiServer';
import { createTempServices, frozenDemoProject, type TempServices } from '../testing/tempServices';

/**
 * Evaluating a served model through its OpenAI-compatible API, against a loopback server whose answers the test
 * scripts: it calls get_weather with the quoted city of the last user turn and answers everything else in text.
 */
describe('Evaluate service: a served model', () => {
  let t: TempServices;
  let demo: ProjectSummary;
  let server: FakeOpenAiServer;

  beforeAll(async () => {
    t = await createTempServices();
    demo = await frozenDemoProject(t, { count: 80, seed: 4, evalFraction: 0.25, name: 'v1' });
    server = await startFakeOpenAiServer((request, response) => {
      const last = [...(request.body.messages ?? [])].reverse().find((m) => m.role === 'user' || m.role === 'tool');
      const city = last?.role === 'user' ? /"(\w+)"\?$/.exec(last.content)?.[1] : undefined;
      const message = city
        ? { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'get_weather', arguments: `{"city": "${city}"}` } }] }
        : { role: 'assistant', content: 'Done.' };
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ choices: [{ index: 0, message, finish_reason: 'stop' }] }));
    });
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    t?.dispose();
  });

  it('scores what the server answers with the same rules, and keeps its API key out of the database', async () => {
    const { jobId } = await t.api.evaluate.start({ projectId: demo.id, endpoint: { baseUrl: server.baseUrl, model: 'served', apiKey: 'sk-secret' } });
    const job = await t.services.evaluate.whenSettled(jobId);
    expect(job.state, job.message ?? '').toBe('done');
    const [result] = await t.api.evaluate.results({ projectId: demo.id });
    expect(result).toMatchObject({ variant: 'endpoint', runId: null, model: { label: `served at ${new URL(server.baseUrl).origin}`, modelSha256: null } });
    // The scripted server makes every simple call (get_weather of the quoted city) and no call where none is expected.
    expect(result!.scores.byKind.simple?.exactCall).toBe(1);
    expect(result!.scores.byKind.no_call?.exactCall).toBe(1);
    expect(server.requests[0]).toMatchObject({ authorization: 'Bearer sk-secret', body: { model: 'served' } });
    expect(server.requests[0]!.body).toMatchObject({ temperature: 0 });
    const stored = t.services.db.prepare('SELECT params_json FROM jobs WHERE id = ?').pluck().get(jobId) as string;
    expect(stored).not.toContain('sk-secret');
  }, 120_000);

  it('refuses a served model together with a run, and a URL that is not http(s)', async () => {
    await expect(t.api.evaluate.start({ projectId: demo.id, modelId: 'abcd1234', endpoint: { baseUrl: server.baseUrl, model: 'm' } })).rejects.toThrow(/on its own/);
    await expect(t.api.evaluate.start({ projectId: demo.id, endpoint: { baseUrl: 'ftp://x', model: 'm' } })).rejects.toThrow(/only http and https/);
  });
});
