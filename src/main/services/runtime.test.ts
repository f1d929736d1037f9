import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProjectSummary, ToolRuntimeInfo } from '../../shared/contract';
import { ToolTuneError } from '../../shared/errors';
import { workspaceDir } from '../paths';
import { createTempServices, type TempServices } from '../testing/tempServices';
import { runCli } from '../testing/runCli';

let t: TempServices;
let demo: ProjectSummary;
let api: Server;
let apiUrl: string;
const seenAuth: string[] = [];
const SECRET = 'tt-secret-4d9f0c2b';

const runtimeOf = async (name: string): Promise<ToolRuntimeInfo> => (await t.api.runtime.list({ projectId: demo.id })).find((r) => r.name === name)!;

beforeAll(async () => {
  t = await createTempServices();
  demo = (await t.api.projects.list({})).find((p) => p.name === 'Demo')!;
  api = createServer((request, response) => {
    seenAuth.push(request.headers.authorization ?? '');
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ path: request.url, echo: `saw ${request.headers.authorization}` }));
  });
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
});
afterAll(() => {
  api.close();
  t.dispose();
});

describe('tool runtimes', () => {
  it('binds the Demo tools out of the box: weather and currency from a table (allow), the story into the workspace (ask)', async () => {
    expect(await runtimeOf('get_weather')).toMatchObject({ binding: { kind: 'builtin', builtin: 'demo_weather' }, policy: 'allow', readOnly: true });
    expect(await runtimeOf('convert_currency')).toMatchObject({ binding: { kind: 'builtin', builtin: 'demo_currency' }, policy: 'allow' });
    expect(await runtimeOf('save_story')).toMatchObject({ binding: { kind: 'builtin', builtin: 'write_file', pathFrom: 'title' }, policy: 'ask', readOnly: false });
    const weather = await t.api.runtime.run({ projectId: demo.id, tool: 'get_weather', arguments: { city: 'Oslo' } });
    expect(weather).toMatchObject({ ok: true, decision: 'allowed', files: [] });
    expect(JSON.parse(weather.content)).toMatchObject({ city: 'Oslo', temperature: -3, unit: 'celsius', condition: 'snow' });
  });

  it('"ask" runs only when approved; a denied call writes nothing', async () => {
    const args = { title: 'A Robot', content: 'Once upon a time a robot learned to call tools.' };
    const denied = await t.api.runtime.run({ projectId: demo.id, tool: 'save_story', arguments: args });
    expect(denied).toMatchObject({ ok: false, decision: 'denied', files: [] });
    expect(existsSync(join(workspaceDir(t.dataDir, demo.id), 'A Robot.txt'))).toBe(false);
    const approved = await t.api.runtime.run({ projectId: demo.id, tool: 'save_story', arguments: args, approved: true });
    expect(approved).toMatchObject({ ok: true, decision: 'approved', files: ['A Robot.txt'] });
    expect(readFileSync(join(workspaceDir(t.dataDir, demo.id), 'A Robot.txt'), 'utf8')).toBe(args.content);
    expect((await t.api.runtime.readWorkspaceFile({ projectId: demo.id, path: 'A Robot.txt' })).content).toBe(args.content);
    await expect(t.api.runtime.readWorkspaceFile({ projectId: demo.id, path: '../tooltune.sqlite' })).rejects.toMatchObject({ code: 'invalid-input' });
    // Without a desktop opener (serve mode, CLI) nothing opens; a file that could run never goes to the opener.
    expect(await t.api.runtime.openWorkspaceFile({ projectId: demo.id, path: 'A Robot.txt' })).toEqual({ opened: false });
    writeFileSync(join(workspaceDir(t.dataDir, demo.id), 'run.sh'), 'echo hi\n');
    await expect(t.api.runtime.openWorkspaceFile({ projectId: demo.id, path: 'run.sh' })).rejects.toMatchObject({ code: 'invalid-input' });
  });

  it('"deny" never runs, not even approved; bad arguments and unknown tools run nothing', async () => {
    const weather = await runtimeOf('get_weather');
    await t.api.runtime.set({ projectId: demo.id, toolId: weather.toolId, binding: weather.binding, policy: 'deny' });
    expect(await t.api.runtime.run({ projectId: demo.id, tool: 'get_weather', arguments: { city: 'Oslo' }, approved: true })).toMatchObject({ ok: false, decision: 'denied' });
    await t.api.runtime.set({ projectId: demo.id, toolId: weather.toolId, binding: weather.binding, policy: 'allow' });
    const bad = await t.api.runtime.run({ projectId: demo.id, tool: 'get_weather', arguments: { town: 'Oslo' } });
    expect(bad.ok).toBe(false);
    expect(bad.content).toMatch(/do not fit the schema of get_weather/);
    expect(JSON.parse((await t.api.runtime.run({ projectId: demo.id, tool: 'launch_rocket', arguments: {} })).content)).toEqual({ error: 'there is no tool named "launch_rocket"' });
  });

  it('refuses malformed bindings at the boundary and credentials in URLs', async () => {
    const weather = await runtimeOf('get_weather');
    await expect(t.api.runtime.set({ projectId: demo.id, toolId: weather.toolId, binding: { kind: 'script' } as never, policy: 'ask' })).rejects.toBeInstanceOf(ToolTuneError);
    await expect(t.api.runtime.set({ projectId: demo.id, toolId: weather.toolId, binding: { kind: 'http', baseUrl: 'http://me:pw@127.0.0.1/', method: 'GET', pathTemplate: '/', params: [] }, policy: 'ask' })).rejects.toMatchObject({ code: 'invalid-input' });
  });

  it('a mock answers with its fixed text or echoes the call', async () => {
    const currency = await runtimeOf('convert_currency');
    await t.api.runtime.set({ projectId: demo.id, toolId: currency.toolId, binding: { kind: 'mock', mode: 'fixed', response: '{"converted": 1}' }, policy: 'allow' });
    expect(await t.api.runtime.run({ projectId: demo.id, tool: 'convert_currency', arguments: { amount: 5, from: 'EUR', to: 'USD' } })).toMatchObject({ ok: true, content: '{"converted": 1}' });
    await t.api.runtime.set({ projectId: demo.id, toolId: currency.toolId, binding: { kind: 'mock', mode: 'example' }, policy: 'allow' });
    const echoed = await t.api.runtime.run({ projectId: demo.id, tool: 'convert_currency', arguments: { amount: 5, from: 'EUR', to: 'USD' } });
    expect(JSON.parse(echoed.content)).toEqual({ tool: 'convert_currency', arguments: { amount: 5, from: 'EUR', to: 'USD' }, result: 'ok (mock)' });
  });

  it('an HTTP binding sends its secret header, which stays out of the database, the log and the result', async () => {
    const currency = await runtimeOf('convert_currency');
    await t.api.runtime.setSecret({ projectId: demo.id, name: 'rates-token', value: SECRET });
    expect(await t.api.runtime.listSecrets({ projectId: demo.id })).toEqual({ names: ['rates-token'], storage: 'file' });
    expect(statSync(join(t.dataDir, 'secrets.json')).mode & 0o777).toBe(0o600);
    await t.api.runtime.set({
      projectId: demo.id,
      toolId: currency.toolId,
      binding: { kind: 'http', baseUrl: `${apiUrl}/v1`, method: 'GET', pathTemplate: '/rates/{from}', params: [{ name: 'from', in: 'path', originalName: 'from' }, { name: 'to', in: 'query', originalName: 'to' }, { name: 'amount', in: 'query', originalName: 'amount' }], headers: [{ name: 'Authorization', secret: 'rates-token' }] },
      policy: 'allow',
    });
    const result = await t.api.runtime.run({ projectId: demo.id, tool: 'convert_currency', arguments: { amount: 5, from: 'EUR', to: 'USD' } });
    expect(result.ok, result.content).toBe(true);
    expect(seenAuth.at(-1)).toBe(SECRET);
    expect(JSON.parse(result.content)).toEqual({ path: '/v1/rates/EUR?to=USD&amount=5', echo: 'saw [secret]' });
    t.services.db.pragma('wal_checkpoint(TRUNCATE)');
    expect(readFileSync(join(t.dataDir, 'tooltune.sqlite')).includes(SECRET)).toBe(false);
  });

  it('a script binding gets the arguments as JSON on stdin, shell syntax and all, and never a shell', async () => {
    const script = join(t.dataDir, 'echo-args.sh');
    writeFileSync(script, '#!/bin/sh\ncat\n');
    chmodSync(script, 0o755);
    const story = await runtimeOf('save_story');
    await t.api.runtime.set({ projectId: demo.id, toolId: story.toolId, binding: { kind: 'script', command: script, args: ['$(touch pwned)'] }, policy: 'allow' });
    const content = 'x; touch pwned && echo `touch pwned` | touch pwned';
    const result = await t.api.runtime.run({ projectId: demo.id, tool: 'save_story', arguments: { title: 'T', content } });
    expect(result.ok, result.content).toBe(true);
    expect(JSON.parse(result.content)).toEqual({ title: 'T', content });
    expect(existsSync(join(workspaceDir(t.dataDir, demo.id), 'pwned'))).toBe(false);
  });
});

describe('tooltune tools run', { timeout: 120_000 }, () => {
  it('runs a tool with the policy: allowed, "ask" denied without a terminal, approved with --auto-approve', async () => {
    const story = await runtimeOf('save_story');
    await t.api.runtime.set({ projectId: demo.id, toolId: story.toolId, binding: { kind: 'builtin', builtin: 'write_file', pathArgument: 'title', pathFrom: 'title' }, policy: 'ask' });
    const dir = t.dataDir;
    const args = '{"title": "cli story", "content": "Written from the command line."}';
    const denied = runCli(dir, 'tools', 'run', '--project', 'Demo', 'save_story', args);
    expect(denied.status).toBe(5);
    expect(denied.stderr).toMatch(/needs approval: denied/);
    expect(existsSync(join(workspaceDir(dir, demo.id), 'cli story.txt'))).toBe(false);
    const approved = runCli(dir, 'tools', 'run', '--project', 'Demo', 'save_story', args, '--auto-approve');
    expect(approved.status, approved.stderr).toBe(0);
    expect(readFileSync(join(workspaceDir(dir, demo.id), 'cli story.txt'), 'utf8')).toBe('Written from the command line.');
    const weather = runCli(dir, 'tools', 'run', '--project', 'Demo', 'get_weather', '{"city": "Tokyo"}');
    expect(weather.status, weather.stderr).toBe(0);
    expect(JSON.parse(weather.stdout)).toMatchObject({ city: 'Tokyo', condition: 'clear' });
    expect(runCli(dir, 'tools', 'run', '--project', 'Demo', 'get_weather', 'not json')).toMatchObject({ status: 2 });
  });
});
