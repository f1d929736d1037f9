import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempServices, type TempServices } from '../testing/tempServices';

let env: TempServices;
beforeAll(async () => {
  env = await createTempServices();
});
afterAll(() => env.dispose());

describe('RpcServer', () => {
  it('answers a valid call', async () => {
    const result = await env.services.server.handle({ kind: 'call', id: 7, service: 'projects', method: 'list', params: {} });
    expect(result).toMatchObject({ kind: 'result', id: 7, ok: true });
  });

  it('ignores garbage without an id and answers malformed envelopes with an id', async () => {
    expect(await env.services.server.handle('hello')).toBeNull();
    expect(await env.services.server.handle(null)).toBeNull();
    const result = await env.services.server.handle({ kind: 'call', id: 3, service: 'projects' });
    expect(result).toMatchObject({ id: 3, ok: false, error: { code: 'invalid-input' } });
  });

  it('refuses unknown services and methods, including prototype keys', async () => {
    for (const [service, method] of [
      ['projects', 'drop'],
      ['__proto__', 'toString'],
      ['projects', 'constructor'],
    ]) {
      const result = await env.services.server.handle({ kind: 'call', id: 1, service, method, params: {} });
      expect(result).toMatchObject({ ok: false, error: { code: 'not-found' } });
    }
  });

  it('validates params before the implementation runs', async () => {
    const before = (await env.api.projects.list({})).length;
    const cases = [
      { name: 42 },
      { name: 'x', extra: true },
      { name: '' },
      { name: 'x'.repeat(500) },
      {},
    ];
    for (const params of cases) {
      const result = await env.services.server.handle({ kind: 'call', id: 1, service: 'projects', method: 'create', params });
      expect(result).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    }
    expect((await env.api.projects.list({})).length).toBe(before);
  });

  it('turns implementation errors into serialized errors without stacks', async () => {
    const result = await env.services.server.handle({
      kind: 'call',
      id: 9,
      service: 'projects',
      method: 'get',
      params: { id: 'missing' },
    });
    expect(result).toEqual({ kind: 'result', id: 9, ok: false, error: { code: 'not-found', message: 'No project with id missing.' } });
  });
});
