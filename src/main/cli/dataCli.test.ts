import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataStats, DatasetVersion, ImportSummary } from '../../shared/contract';
import { runCli } from '../testing/runCli';
import { EXIT } from './exitCodes';

let dataDir: string;
const tooltune = (...args: string[]) => runCli(dataDir, ...args);

function json<T>(...args: string[]): T {
  const result = tooltune(...args, '--json');
  expect(result.status, result.stderr).toBe(EXIT.ok);
  return JSON.parse(result.stdout) as T;
}

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'tooltune-data-cli-'));
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

// Each test starts several CLI processes through tsx: allow for a loaded machine.
describe('tooltune data', { timeout: 180_000 }, () => {
  it('generates with progress, splits, freezes, exports and re-imports with identical counts', () => {
    const generated = tooltune('data', 'generate', '--project', 'Demo', '--count', '1500', '--seed', '4');
    expect(generated.status, generated.stderr).toBe(EXIT.ok);
    expect(generated.stdout).toMatch(/Generated 1500 samples in "Demo" \(seed 4\)/);
    expect(generated.stderr).toMatch(/^generate: \d+\/1500$/m);
    expect(json<DataStats>('data', 'stats', '--project', 'Demo').total).toBe(1500);

    expect(tooltune('data', 'split', '--project', 'Demo', '--eval', '0.1', '--seed', '1').status).toBe(EXIT.ok);
    const version = json<DatasetVersion>('data', 'freeze', '--project', 'Demo', '--name', 'v1');
    expect(version.evalCount).toBeGreaterThan(0);
    expect(version.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(json<DataStats>('data', 'stats', '--project', 'Demo', '--version', 'v1').total).toBe(version.sampleCount);

    const sharegpt = join(dataDir, 'demo.sharegpt.jsonl');
    expect(tooltune('data', 'export', '--project', 'Demo', '--format', 'sharegpt', '--version', 'v1', '--out', sharegpt).status).toBe(EXIT.ok);
    expect(JSON.parse(readFileSync(join(dataDir, 'dataset_info.json'), 'utf8'))).toHaveProperty(['Demo-v1', 'formatting'], 'sharegpt');

    const openai = join(dataDir, 'demo.openai.jsonl');
    expect(tooltune('data', 'export', '--project', 'Demo', '--format', 'openai', '--version', 'v1', '--out', openai).status).toBe(EXIT.ok);
    expect(tooltune('project', 'create', 'Copy').status).toBe(EXIT.ok);
    const imported = tooltune('data', 'import', openai, '--project', 'Copy', '--format', 'openai', '--add-tools', '--json');
    expect(imported.status, imported.stderr).toBe(EXIT.ok);
    expect(imported.stderr).toMatch(/Added \d+ tools the samples use/);
    expect((JSON.parse(imported.stdout) as ImportSummary).imported).toBe(version.sampleCount);
    const copied = json<DataStats>('data', 'stats', '--project', 'Copy');
    expect(copied.total).toBe(version.sampleCount);
    // OpenAI JSONL carries no kind: every imported sample got one from its structure, mostly the one it was made as
    const kinds = (stats: DataStats) => new Map(stats.byKind.map((entry) => [entry.key, entry.count]));
    const versionStats = json<DataStats>('data', 'stats', '--project', 'Demo', '--version', 'v1');
    const original = kinds(versionStats);
    const classified = kinds(copied);
    expect(classified.get('unknown') ?? 0).toBe(0);
    const agreeing = [...classified].reduce((n, [kind, count]) => n + Math.min(count, original.get(kind) ?? 0), 0);
    expect(agreeing / version.sampleCount).toBeGreaterThan(0.8);
    // and the kind-specific checks hold for the classified kinds (missing_argument samples get their argument named)
    expect(copied.byFailedCheck).toEqual(versionStats.byFailedCheck);
  }, 120_000);

  it('reports broken lines by number on stderr and still imports the rest', () => {
    expect(tooltune('project', 'create', 'Lines').status).toBe(EXIT.ok);
    const file = join(dataDir, 'mixed.jsonl');
    const good = JSON.stringify({ messages: [{ role: 'user', content: 'hi' }, { role: 'assistant', content: 'hello' }] });
    writeFileSync(file, [good, '{"messages": [', good].join('\n'));
    const result = tooltune('data', 'import', file, '--project', 'Lines');
    expect(result.status).toBe(EXIT.ok);
    expect(result.stderr).toMatch(/^line 2: error: not valid JSON/m);
    expect(result.stdout).toMatch(/Imported 2 samples \(openai\)/);
  });

  it('uses distinct exit codes for usage errors and missing things', () => {
    expect(tooltune('data', 'export', '--project', 'Demo').status).toBe(EXIT.usage);
    expect(tooltune('data', 'export', '--project', 'Demo', '--format', 'csv').status).toBe(EXIT.usage);
    expect(tooltune('data', 'generate', '--project', 'Demo', '--count', 'many').status).toBe(EXIT.usage);
    expect(tooltune('data', 'stats', '--project', 'Demo', '--version', 'nope').status).toBe(EXIT.notFound);
    expect(tooltune('data', 'import', join(dataDir, 'missing.jsonl'), '--project', 'Demo').status).toBe(EXIT.notFound);
    expect(tooltune('data', 'freeze', '--project', 'Demo', '--name', 'v1').status).toBe(EXIT.conflict);
    expect(existsSync(join(dataDir, 'tooltune.sqlite'))).toBe(true);
  }, 60_000);
});
