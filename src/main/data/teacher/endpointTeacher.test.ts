import { afterEach, describe, expect, it } from 'vitest';
import { TeacherPlanner } from '../../../shared/data/teacher/plan';
import { teacherPrompt } from '../../../shared/data/teacher/prompt';
import { DEMO_TOOLS } from '../testing/demoTools';
import { chatCompletionsUrl } from '../../net/chatCompletions';
import { EndpointTeacher } from './endpointTeacher';
import { TeacherError } from './teacher';
import { instanceOf, replyContent, startFakeOpenAiServer, type FakeOpenAiServer } from './testing/fakeOpenAiServer';

let server: FakeOpenAiServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

const plan = new TeacherPlanner(DEMO_TOOLS, { seed: 1, language: 'en', mix: { simple: 1 } }).plan(0)!;
const prompt = teacherPrompt(plan, []);
const never = new AbortController().signal;

/** Answers every request with a valid instance of the schema it asked with. */
async function schemaServer(): Promise<FakeOpenAiServer> {
  return (server = await startFakeOpenAiServer((request, response) => replyContent(response, JSON.stringify(instanceOf(request.body.response_format?.json_schema?.schema)))));
}

describe('EndpointTeacher', () => {
  it('asks with a json_schema response format, the seed and the key as a bearer token', async () => {
    const fake = await schemaServer();
    const teacher = new EndpointTeacher({ baseUrl: `${fake.baseUrl}/`, model: 'big', apiKey: 'sk-secret' });
    const answer = await teacher.ask(prompt, never);
    expect(answer).toMatchObject({ turns: [{ user: 'Paris', calls: [{ name: plan.targets[0]!.name }] }] });
    expect(fake.requests[0]).toMatchObject({ authorization: 'Bearer sk-secret', body: { model: 'big', seed: plan.seed, response_format: { type: 'json_schema' } } });
  });

  it('retries after 429 and 5xx, then succeeds', async () => {
    const fake = (server = await startFakeOpenAiServer((_request, response, index) => {
      if (index === 0) return void response.writeHead(429, { 'retry-after': '0' }).end('slow down');
      if (index === 1) return void response.writeHead(503).end('busy');
      replyContent(response, '{"ok": true}');
    }));
    const teacher = new EndpointTeacher({ baseUrl: fake.baseUrl, model: 'm', backoffMs: 1 });
    expect(await teacher.ask(prompt, never)).toEqual({ ok: true });
    expect(fake.requests).toHaveLength(3);
  });

  it('gives up after its retries with a fatal error that names the status and hides the key', async () => {
    const fake = (server = await startFakeOpenAiServer((request, response) => void response.writeHead(500).end(`broken for ${request.authorization ?? ''}`)));
    const teacher = new EndpointTeacher({ baseUrl: fake.baseUrl, model: 'm', apiKey: 'sk-secret', retries: 2, backoffMs: 1 });
    const error = (await teacher.ask(prompt, never).catch((e: unknown) => e)) as TeacherError;
    expect(error).toBeInstanceOf(TeacherError);
    expect(error).toMatchObject({ fatal: true, message: expect.stringMatching(/HTTP 500.*after 2 retries/) });
    expect(error.message).not.toContain('sk-secret');
    expect(fake.requests).toHaveLength(3);
  });

  it('falls back to json_object for good once the server refuses json_schema', async () => {
    const fake = (server = await startFakeOpenAiServer((request, response) => {
      if (request.body.response_format?.type === 'json_schema') return void response.writeHead(400).end('{"error": "response_format json_schema is not supported"}');
      replyContent(response, '```json\n{"ok": false}\n```');
    }));
    const teacher = new EndpointTeacher({ baseUrl: fake.baseUrl, model: 'm' });
    expect(await teacher.ask(prompt, never)).toEqual({ ok: false });
    expect(await teacher.ask(prompt, never)).toEqual({ ok: false });
    expect(fake.requests.map((r) => r.body.response_format?.type)).toEqual(['json_schema', 'json_object', 'json_object']);
  });

  it('stops reading a response past the size cap', async () => {
    const fake = (server = await startFakeOpenAiServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(`{"choices": [{"message": {"content": "${'x'.repeat(2_000_000)}"}}]}`);
    }));
    const teacher = new EndpointTeacher({ baseUrl: fake.baseUrl, model: 'm', maxResponseBytes: 100_000 });
    await expect(teacher.ask(prompt, never)).rejects.toMatchObject({ fatal: false, message: expect.stringMatching(/larger than 100000 bytes/) });
  });

  it('times out a slow answer without failing the teacher', async () => {
    const fake = (server = await startFakeOpenAiServer((_request, response) => void setTimeout(() => replyContent(response, '{}'), 2000)));
    const teacher = new EndpointTeacher({ baseUrl: fake.baseUrl, model: 'm', timeoutMs: 200 });
    await expect(teacher.ask(prompt, never)).rejects.toMatchObject({ fatal: false, message: expect.stringMatching(/within 0.2 s/) });
  });

  it('rejects non-JSON content as one bad answer, and a non-OpenAI server as fatal', async () => {
    const fake = (server = await startFakeOpenAiServer((_request, response, index) => (index === 0 ? replyContent(response, 'Sure! Here is') : void response.writeHead(200).end('<html>'))));
    const teacher = new EndpointTeacher({ baseUrl: fake.baseUrl, model: 'm' });
    await expect(teacher.ask(prompt, never)).rejects.toMatchObject({ fatal: false, message: expect.stringMatching(/not JSON/) });
    await expect(teacher.ask(prompt, never)).rejects.toMatchObject({ fatal: true, message: expect.stringMatching(/OpenAI-compatible/) });
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const fake = (server = await startFakeOpenAiServer(async (_request, response) => {
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 20));
      inFlight--;
      replyContent(response, '{}');
    }));
    const teacher = new EndpointTeacher({ baseUrl: fake.baseUrl, model: 'm', concurrency: 2 });
    await Promise.all(Array.from({ length: 6 }, () => teacher.ask(prompt, never)));
    expect(most).toBe(2);
  });

  it('refuses URLs that are not http(s) and explains an unreachable server', async () => {
    expect(() => chatCompletionsUrl('ftp://example.com')).toThrow(/only http and https/);
    expect(() => chatCompletionsUrl('not a url')).toThrow(/not a URL/);
    expect(() => chatCompletionsUrl('http://user:pw@example.com')).toThrow(/API key in its own field/);
    expect(chatCompletionsUrl('http://127.0.0.1:8080/v1/').href).toBe('http://127.0.0.1:8080/v1/chat/completions');
    const fake = await schemaServer();
    const closed = fake.baseUrl;
    await fake.close();
    server = null;
    await expect(new EndpointTeacher({ baseUrl: closed, model: 'm' }).ask(prompt, never)).rejects.toMatchObject({ fatal: true, message: expect.stringMatching(/could not reach http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED/) });
  });
});
