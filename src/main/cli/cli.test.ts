import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, runCliWithClosedStdout } from '../testing/runCli';
import { EXIT } from './exitCodes';

let dataDir: string;
const tooltune = (...args: string[]) => runCli(dataDir, ...args);

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'tooltune-cli-'));
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

// Each test starts several CLI processes through tsx: allow for a loaded machine.
describe('tooltune CLI', { timeout: 180_000 }, () => {
  it('lists the Demo project as JSON', () => {
    const result = tooltune('project', 'list', '--json');
    expect(result.status).toBe(EXIT.ok);
    const projects = JSON.parse(result.stdout) as { name: string; toolCount: number }[];
    expect(projects).toEqual([expect.objectContaining({ name: 'Demo', toolCount: 3 })]);
  });

  it('creates a project, imports tools into it and exports them', () => {
    expect(tooltune('project', 'create', 'Scripted').status).toBe(EXIT.ok);
    expect(tooltune('project', 'create', 'scripted').status).toBe(EXIT.conflict);
    const file = join(dataDir, 'tools.json');
    writeFileSync(
      file,
      JSON.stringify([{ name: 'ping', description: 'Ping a host.', parameters: { type: 'object', properties: { host: { type: 'string' } } } }]),
    );
    const imported = tooltune('tools', 'import', file, '--project', 'Scripted');
    expect(imported.stderr).toBe('');
    expect(imported.status).toBe(EXIT.ok);
    const listed = JSON.parse(tooltune('tools', 'list', '--project', 'Scripted', '--json').stdout) as { name: string }[];
    expect(listed.map((tool) => tool.name)).toEqual(['ping']);
    const out = join(dataDir, 'out.json');
    expect(tooltune('tools', 'export', '--project', 'Scripted', '--format', 'mcp', '--out', out).status).toBe(EXIT.ok);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toMatchObject({ tools: [{ name: 'ping' }] });
  });

  it('reports broken tools with pointers and exit code 4, saving nothing', () => {
    const file = join(dataDir, 'broken.json');
    writeFileSync(file, JSON.stringify([{ name: 'bad', description: 'x', parameters: { type: 'object', properties: { a: { type: 'strng' } } } }]));
    const result = tooltune('tools', 'import', file, '--project', 'Demo');
    expect(result.status).toBe(EXIT.invalidInput);
    expect(result.stderr).toMatch(/bad: \/properties\/a/);
    const listed = JSON.parse(tooltune('tools', 'list', '--project', 'Demo', '--json').stdout) as unknown[];
    expect(listed).toHaveLength(3);
  });

  it('--skip-invalid imports the good tools of a file and names the ones left out', () => {
    expect(tooltune('project', 'create', 'Partial').status).toBe(EXIT.ok);
    const file = join(dataDir, 'partly-broken.json');
    const good = { name: 'ping', description: 'Ping a host.', parameters: { type: 'object', properties: { host: { type: 'string' } } } };
    writeFileSync(file, JSON.stringify([good, { name: 'bad', description: 'x', parameters: { type: 'object', properties: { a: { type: 'strng' } } } }]));
    expect(tooltune('tools', 'import', file, '--project', 'Partial').status).toBe(EXIT.invalidInput);
    const result = tooltune('tools', 'import', file, '--project', 'Partial', '--skip-invalid');
    expect(result.status, result.stderr).toBe(EXIT.ok);
    expect(result.stdout).toMatch(/Imported 1 tools \(bare\) into "Partial"; left out 1 with errors: bad\./);
    const listed = JSON.parse(tooltune('tools', 'list', '--project', 'Partial', '--json').stdout) as { name: string }[];
    expect(listed.map((tool) => tool.name)).toEqual(['ping']);
  });

  it('chooses OpenAPI operations by --tag, --path-prefix and --method', () => {
    expect(tooltune('project', 'create', 'Chosen').status).toBe(EXIT.ok);
    const op = (operationId: string, tags: string[]) => ({ operationId, tags, summary: operationId, responses: { '200': { description: 'ok' } } });
    const spec = {
      openapi: '3.0.3',
      info: { title: 'Shop', version: '1' },
      paths: {
        '/pets': { get: op('listPets', ['pets']), post: op('addPet', ['pets', 'admin']) },
        '/orders': { get: op('listOrders', ['orders']) },
        '/admin/users': { delete: op('deleteUsers', ['admin']) },
      },
    };
    const file = join(dataDir, 'shop.json');
    writeFileSync(file, JSON.stringify(spec));
    const names = () => (JSON.parse(tooltune('tools', 'list', '--project', 'Chosen', '--json').stdout) as { name: string }[]).map((t) => t.name).sort();
    const first = tooltune('tools', 'import', file, '--project', 'Chosen', '--tag', 'pets', '--tag', 'orders', '--method', 'get');
    expect(first.status, first.stderr).toBe(EXIT.ok);
    expect(first.stdout).toMatch(/Imported 2 tools \(openapi\) into "Chosen"; 2 not chosen\./);
    expect(names()).toEqual(['listOrders', 'listPets']);
    expect(tooltune('tools', 'import', file, '--project', 'Chosen', '--path-prefix', '/admin').status).toBe(EXIT.ok);
    expect(names()).toEqual(['deleteUsers', 'listOrders', 'listPets']);
    expect(tooltune('tools', 'import', file, '--project', 'Chosen', '--tag', 'nothing').status).toBe(EXIT.invalidInput);
  });

  it('ends quietly with its own exit code when the reader closes stdout early (| head)', async () => {
    for (const args of [['tools', 'list', '--project', 'Demo', '--json'], ['--help']]) {
      const result = await runCliWithClosedStdout(dataDir, ...args);
      expect(result.stderr, args.join(' ')).not.toMatch(/EPIPE|Error/);
      expect(result.status, args.join(' ')).toBe(EXIT.ok);
    }
  });

  it('uses distinct exit codes for usage errors and missing things', () => {
    expect(tooltune('frobnicate').status).toBe(EXIT.usage);
    expect(tooltune('project', 'list', '--bogus').status).toBe(EXIT.usage);
    expect(tooltune('tools', 'list', '--project', 'Nope').status).toBe(EXIT.notFound);
    expect(tooltune('tools', 'import', join(dataDir, 'missing.json'), '--project', 'Demo').status).toBe(EXIT.notFound);
    expect(tooltune('project', 'delete', 'Scripted').status).toBe(EXIT.usage);
    expect(tooltune('project', 'delete', 'Scripted', '--yes').status).toBe(EXIT.ok);
  });
});
