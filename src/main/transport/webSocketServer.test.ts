import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createTempServices, type TempServices } from '../testing/tempServices';
import { startServe, type RunningServe } from './webSocketServer';

let env: TempServices;
let serve: RunningServe;
const TOKEN = 'test-token-123';

beforeAll(async () => {
  env = await createTempServices();
  const rendererDir = join(env.dataDir, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>ToolTune</title>');
  writeFileSync(join(env.dataDir, 'secret.txt'), 'not for the web');
  serve = await startServe(env.services.server, env.services.events, { rendererDir, token: TOKEN });
});
afterAll(async () => {
  await serve.close();
  env.dispose();
});

function get(path: string, host = `127.0.0.1:${serve.port}`): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: serve.port, path, headers: { host } }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

function connect(query: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${serve.port}/rpc${query}`, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
}

function call(ws: WebSocket, message: object): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    ws.once('message', (data: Buffer) => resolve(JSON.parse(data.toString()) as Record<string, unknown>));
    ws.send(JSON.stringify(message));
  });
}

describe('serve mode server', () => {
  it('prints a loopback URL with the token in the fragment', () => {
    expect(serve.url).toBe(`http://127.0.0.1:${serve.port}/#token=${TOKEN}`);
  });

  it('serves the UI with a strict CSP', async () => {
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>ToolTune</title>');
    expect(String(page.headers['content-security-policy'])).toContain("script-src 'self'");
  });

  it('never serves files outside the UI folder', async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt']) {
      const page = await get(path);
      expect(page.body).not.toContain('not for the web');
    }
  });

  it('refuses requests addressed to another host (DNS rebinding)', async () => {
    expect((await get('/', `evil.example:${serve.port}`)).status).toBe(403);
  });

  it('refuses RPC connections without the right token or from another origin', async () => {
    await expect(connect('')).rejects.toThrow('403');
    await expect(connect('?token=wrong')).rejects.toThrow('403');
    await expect(connect(`?token=${TOKEN}`, { origin: 'http://evil.example' })).rejects.toThrow('403');
  });

  it('answers calls and pushes events on an authorized connection', async () => {
    const ws = await connect(`?token=${TOKEN}`, { origin: `http://127.0.0.1:${serve.port}` });
    const listed = await call(ws, { kind: 'call', id: 1, service: 'projects', method: 'list', params: {} });
    expect(listed).toMatchObject({ kind: 'result', id: 1, ok: true });
    const event = new Promise<Record<string, unknown>>((resolve) =>
      ws.on('message', (data: Buffer) => {
        const message = JSON.parse(data.toString()) as Record<string, unknown>;
        if (message.kind === 'event') resolve(message);
      }),
    );
    ws.send(JSON.stringify({ kind: 'call', id: 2, service: 'projects', method: 'create', params: { name: 'From WS' } }));
    expect(await event).toMatchObject({ kind: 'event', service: 'projects', event: 'didChange' });
    ws.close();
  });
});
