import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { HttpRuntimeBinding } from '../../shared/chat/bindings';
import { ToolTuneError } from '../../shared/errors';
import { runHttpTool } from './httpRunner';
import { REDACTED } from './secretStore';

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

const SECRET = 'sk-live-7f3a9c';
const secrets = (name: string) => (name === 'api-key' ? SECRET : undefined);

/** A loopback server that records each request; `route` picks the answer by path. */
function server(route: (seen: Seen, answer: ServerResponse) => void) {
  const seen: Seen[] = [];
  const http: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const entry = { method: request.method ?? '', url: request.url ?? '', headers: request.headers, body };
      seen.push(entry);
      route(entry, response);
    });
  });
  return {
    seen,
    http,
    start: () => new Promise<string>((resolve) => http.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(http.address() as AddressInfo).port}`))),
    stop: () => new Promise<void>((resolve) => http.close(() => resolve())),
  };
}

const other = server((_, answer) => answer.end('you should not be here'));
let otherOrigin = '';
const api = server((seen, answer) => {
  const path = seen.url.split('?')[0] ?? '';
  if (path === '/api/same') return answer.writeHead(302, { location: '/api/v1/echo?from=redirect' }).end();
  if (path === '/api/see-other') return answer.writeHead(303, { location: '/api/v1/echo' }).end();
  if (path === '/api/loop') return answer.writeHead(307, { location: '/api/loop' }).end();
  if (path === '/api/away') return answer.writeHead(302, { location: `${otherOrigin}/steal?key=${SECRET}` }).end();
  if (path === '/api/slow') return setTimeout(() => answer.end('late'), 3000);
  if (path === '/api/big') return answer.end('✓'.repeat(1000));
  if (path === '/api/missing') return answer.writeHead(404, { 'content-type': 'text/plain' }).end('no such city');
  answer.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ method: seen.method, url: seen.url, authorization: seen.headers['authorization'] }));
});
let origin = '';

beforeAll(async () => {
  origin = await api.start();
  otherOrigin = await other.start();
});
afterAll(async () => {
  api.http.closeAllConnections();
  await Promise.all([api.stop(), other.stop()]);
});
beforeEach(() => {
  api.seen.length = 0;
  other.seen.length = 0;
});

function binding(overrides: Partial<HttpRuntimeBinding> = {}): HttpRuntimeBinding {
  return { kind: 'http', baseUrl: `${origin}/api/`, method: 'GET', pathTemplate: '/v1/echo', params: [], ...overrides };
}

async function failure(run: Promise<unknown>): Promise<ToolTuneError> {
  try {
    await run;
  } catch (error) {
    expect(error).toBeInstanceOf(ToolTuneError);
    return error as ToolTuneError;
  }
  throw new Error('expected the call to fail');
}

describe('runHttpTool', () => {
  it('places path, query, header and body arguments as the binding says', async () => {
    const result = await runHttpTool(
      binding({
        method: 'POST',
        pathTemplate: '/v1/cities/{city_name}/days/{day}',
        params: [
          { name: 'city', in: 'path', originalName: 'city_name' },
          { name: 'day', in: 'path', originalName: 'day' },
          { name: 'units', in: 'query', originalName: 'units' },
          { name: 'fields', in: 'query', originalName: 'field' },
          { name: 'unused', in: 'query', originalName: 'unused' },
          { name: 'trace', in: 'header', originalName: 'X-Trace' },
          { name: 'payload', in: 'body', originalName: 'payload' },
        ],
      }),
      { city: 'São Paulo/Centro', day: 3, units: 'metric', fields: ['temp', 'wind'], trace: 'abc', payload: { note: 'hi' }, extra: 'ignored' },
      { secrets },
    );
    expect(result).toMatchObject({ status: 200, contentType: 'application/json', truncated: false });
    const request = api.seen[0]!;
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/api/v1/cities/S%C3%A3o%20Paulo%2FCentro/days/3?units=metric&field=temp&field=wind');
    expect(request.headers['x-trace']).toBe('abc');
    expect(request.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request.body)).toEqual({ note: 'hi' });
    expect(result.url).toBe(`${origin}${request.url}`);
  });

  it('builds a json-object body from every body argument, keyed by original name', async () => {
    await runHttpTool(
      binding({
        method: 'PUT',
        bodyMode: 'json-object',
        params: [
          { name: 'title', in: 'body', originalName: 'Title' },
          { name: 'count', in: 'body', originalName: 'count' },
          { name: 'tags', in: 'body', originalName: 'tags' },
        ],
      }),
      { title: 'Day', count: 2 },
      { secrets },
    );
    expect(api.seen[0]?.method).toBe('PUT');
    expect(JSON.parse(api.seen[0]?.body ?? '')).toEqual({ Title: 'Day', count: 2 });
  });

  it('sends secret headers without ever showing the secret', async () => {
    const withSecret = binding({
      params: [{ name: 'q', in: 'query', originalName: 'q' }],
      headers: [
        { name: 'Authorization', secret: 'api-key' },
        { name: 'X-Client', value: 'tooltune' },
      ],
    });
    // The answer echoes the header and the model passes the secret back as a query value: both redacted.
    const result = await runHttpTool(withSecret, { q: SECRET }, { secrets });
    expect(api.seen[0]?.headers['authorization']).toBe(SECRET);
    expect(api.seen[0]?.headers['x-client']).toBe('tooltune');
    expect(api.seen[0]?.url).toBe(`/api/v1/echo?q=${SECRET}`);
    expect(result.url).toBe(`${origin}/api/v1/echo?q=${REDACTED}`);
    expect(JSON.stringify(result)).not.toContain(SECRET);

    // A tool call cannot replace a configured header.
    await runHttpTool(binding({ params: [{ name: 'auth', in: 'header', originalName: 'Authorization' }], headers: withSecret.headers }), { auth: 'mine' }, { secrets });
    expect(api.seen[1]?.headers['authorization']).toBe(SECRET);

    const errors = await Promise.all([
      failure(runHttpTool({ ...withSecret, pathTemplate: '/away' }, {}, { secrets })),
      failure(runHttpTool(withSecret, {}, { secrets: (name) => (name === 'api-key' ? `${SECRET}\r\nX-Evil: 1` : undefined) })),
    ]);
    for (const error of errors) expect(error.message).not.toContain(SECRET);
    expect(errors[1]?.message).toBe('The header "Authorization" has an invalid name or value');
  });

  it('names a missing secret, and only its name', async () => {
    const error = await failure(runHttpTool(binding({ headers: [{ name: 'Authorization', secret: 'weather-key' }] }), {}, { secrets }));
    expect(error.code).toBe('not-found');
    expect(error.message).toBe('The secret "weather-key" (for the header Authorization) is not set');
    expect(api.seen).toHaveLength(0);
  });

  it('refuses a redirect to another origin, without contacting it', async () => {
    const error = await failure(runHttpTool(binding({ pathTemplate: '/away' }), {}, { secrets }));
    expect(error.message).toBe(`${origin} redirected to another origin: ${otherOrigin}; only ${origin} is reached`);
    expect(other.seen).toHaveLength(0);
  });

  it('follows redirects within the origin, up to three', async () => {
    const followed = await runHttpTool(binding({ pathTemplate: '/same' }), {}, { secrets });
    expect(followed).toMatchObject({ status: 200, url: `${origin}/api/v1/echo?from=redirect` });
    const post = await runHttpTool(binding({ method: 'POST', pathTemplate: '/see-other', params: [{ name: 'b', in: 'body', originalName: 'b' }] }), { b: 1 }, { secrets });
    expect(JSON.parse(post.body)).toMatchObject({ method: 'GET' });
    const error = await failure(runHttpTool(binding({ pathTemplate: '/loop' }), {}, { secrets }));
    expect(error.message).toBe(`${origin} redirected more than 3 times`);
    expect(api.seen.filter((seen) => seen.url === '/api/loop')).toHaveLength(4);
  });

  it('returns a non-2xx answer with its status', async () => {
    const result = await runHttpTool(binding({ pathTemplate: '/missing' }), {}, { secrets });
    expect(result).toMatchObject({ status: 404, contentType: 'text/plain', body: 'no such city', truncated: false });
  });

  it('stops reading at the response cap, without splitting a character', async () => {
    const result = await runHttpTool(binding({ pathTemplate: '/big' }), {}, { secrets, maxResponseBytes: 100 });
    // ✓ is 3 bytes: 33 fit in 100.
    expect(result).toMatchObject({ status: 200, truncated: true, body: '✓'.repeat(33) });
    expect((await runHttpTool(binding({ pathTemplate: '/big' }), {}, { secrets, maxResponseBytes: 3000 })).truncated).toBe(false);
  });

  it('times out, and stops when the caller aborts', async () => {
    const started = performance.now();
    const error = await failure(runHttpTool(binding({ pathTemplate: '/slow' }), {}, { secrets, timeoutMs: 200 }));
    expect(error.code).toBe('timeout');
    expect(error.message).toBe(`${origin} gave no complete answer within 0.2 s`);
    expect(performance.now() - started).toBeLessThan(2000);
    const stop = new AbortController();
    setTimeout(() => stop.abort(new Error('stopped by the user')), 100);
    await expect(runHttpTool(binding({ pathTemplate: '/slow', timeoutMs: 10_000 }), {}, { secrets, signal: stop.signal })).rejects.toThrow('stopped by the user');
  });

  it('refuses bad bindings and arguments before sending anything', async () => {
    const city = { name: 'city', in: 'path' as const, originalName: 'city' };
    const cases: [HttpRuntimeBinding, Record<string, unknown>, string][] = [
      [binding({ baseUrl: 'file:///etc/passwd' }), {}, 'must be http or https'],
      [binding({ baseUrl: 'not a url' }), {}, 'is not a URL'],
      [binding({ baseUrl: 'http://user:pw@127.0.0.1/' }), {}, 'may not hold credentials'],
      [binding({ pathTemplate: '/cities/{city}', params: [city] }), {}, 'The path parameter "city" is missing'],
      [binding({ pathTemplate: '/cities/{city}', params: [city] }), { city: '..' }, 'may not be "." or ".."'],
      [binding({ params: [{ name: 'b', in: 'body', originalName: 'b' }] }), { b: 1 }, 'A GET request cannot carry a body'],
    ];
    for (const [bad, args, message] of cases) expect((await failure(runHttpTool(bad, args, { secrets }))).message).toContain(message);
    expect(api.seen).toHaveLength(0);
  });

  it('reports an unreachable origin', async () => {
    const closed = server(() => {});
    const closedOrigin = await closed.start();
    await closed.stop();
    const error = await failure(runHttpTool(binding({ baseUrl: closedOrigin }), {}, { secrets }));
    expect(error).toMatchObject({ code: 'unavailable', message: `Could not reach ${closedOrigin}: ECONNREFUSED` });
  });
});
