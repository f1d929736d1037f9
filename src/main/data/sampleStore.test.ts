import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SampleFilter } from '../../shared/contract';
import { SAMPLE_KINDS } from '../../shared/data/conversation';
import { openDatabase, type Database } from '../db/database';
import type { PreparedSample } from './preparedSample';
import { SampleStore } from './sampleStore';

const ROWS = 100_000;
const BATCH = 1000;
const TOOLS = ['get_weather', 'save_story', 'convert_currency', 'search_flights', 'send_email'];
const CITIES = ['paris', 'tokyo', 'nairobi', 'lima', 'oslo', 'quito', 'hanoi'];

function prepared(index: number): PreparedSample {
  const tool = TOOLS[index % TOOLS.length] as string;
  const city = CITIES[index % CITIES.length] as string;
  const failing = index % 10 === 0;
  const query = `Request ${index}: what about ${city}?`;
  const sample = {
    messages: [
      { role: 'user', content: query },
      { role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: tool, arguments: { city } }] },
    ],
    kind: SAMPLE_KINDS[index % SAMPLE_KINDS.length],
  };
  return {
    kind: sample.kind ?? null,
    sampleJson: JSON.stringify(sample),
    checks: [
      { check: 'format', ok: true, message: 'well-formed' },
      failing ? { check: 'arguments', ok: false, message: 'city must be an integer', pointer: '/messages/1/toolCalls/0/arguments/city' } : { check: 'arguments', ok: true, message: '1 call' },
    ],
    toolsHash: 'tools',
    dedupeKey: `key-${index % 50_000}`,
    firstUser: query,
    toolsCalled: [tool],
    searchText: `${query}\n${tool}\n{"city":"${city}"}`.toLowerCase(),
  };
}

function countIndices(predicate: (index: number) => boolean): number {
  let count = 0;
  for (let i = 0; i < ROWS; i++) if (predicate(i)) count++;
  return count;
}

let dir: string;
let db: Database;
let store: SampleStore;
let insertSeconds = 0;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tooltune-samples-'));
  db = openDatabase(join(dir, 'perf.sqlite'));
  const now = new Date().toISOString();
  db.prepare("INSERT INTO projects (id, name, created_at, updated_at) VALUES ('p', 'Perf', ?, ?)").run(now, now);
  store = new SampleStore(db);
  const batches = Array.from({ length: ROWS / BATCH }, (_, b) => Array.from({ length: BATCH }, (_, i) => prepared(b * BATCH + i)));
  const started = performance.now();
  const toolSets = { tools: '[]' };
  for (const batch of batches) store.insertBatch('p', 'generated', { samples: batch, toolSets });
  insertSeconds = (performance.now() - started) / 1000;
}, 300_000);
afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('SampleStore at 100,000 samples', () => {
  it('writes 100,000 samples in batches of 1,000, one transaction each', () => {
    console.log(`[perf] insert ${ROWS} samples: ${insertSeconds.toFixed(2)} s (${Math.round(ROWS / insertSeconds)} samples/s)`);
    expect(db.prepare('SELECT COUNT(*) FROM samples').pluck().get()).toBe(ROWS);
    expect(db.prepare('SELECT MAX(seq) FROM samples').pluck().get()).toBe(ROWS);
    expect(insertSeconds).toBeLessThan(60);
  });

  it('answers a filtered page and its total quickly', () => {
    const cases: [string, SampleFilter, number][] = [
      ['no filter', {}, ROWS],
      ['status', { status: 'pending' }, ROWS],
      ['kind', { kind: 'parallel' }, countIndices((i) => SAMPLE_KINDS[i % SAMPLE_KINDS.length] === 'parallel')],
      ['tool', { tool: 'save_story' }, ROWS / TOOLS.length],
      ['failed check', { failedCheck: 'arguments' }, ROWS / 10],
      ['any failing', { failedCheck: 'any' }, ROWS / 10],
      ['tool + failed check', { tool: 'get_weather', failedCheck: 'arguments' }, ROWS / 10],
      ['text', { text: 'NAIROBI' }, countIndices((i) => CITIES[i % CITIES.length] === 'nairobi')],
    ];
    for (const [name, filter, expectedTotal] of cases) {
      for (const [where, offset] of [['first page', 0], ['deep page', 9_000]] as const) {
        const started = performance.now();
        const page = store.list('p', filter, 'seq', offset, 100);
        const ms = performance.now() - started;
        console.log(`[perf] list ${name}, ${where}: ${ms.toFixed(1)} ms (total ${page.total})`);
        expect(page.total).toBe(expectedTotal);
        expect(page.rows.length).toBe(Math.min(100, Math.max(0, expectedTotal - offset)));
        expect(ms).toBeLessThan(500);
      }
    }
  });

  it('changes and deletes in bulk and restores exactly', () => {
    const ids = store.list('p', { tool: 'send_email' }, 'seq', 0, 500).rows.map((row) => row.id);
    const previous = store.setStatus('p', ids, 'approved');
    expect(previous).toHaveLength(ids.length);
    expect(store.setStatus('p', ids, 'approved')).toEqual([]);
    expect(store.restoreStatuses('p', previous)).toBe(ids.length);
    const before = store.get('p', ids[0] as number);
    const deleted = store.delete('p', ids);
    expect(store.list('p', { tool: 'send_email' }, 'seq', 0, 1).total).toBe(ROWS / TOOLS.length - ids.length);
    store.restore('p', deleted);
    expect(store.get('p', ids[0] as number)).toEqual(before);
    expect(store.list('p', { tool: 'send_email' }, 'seq', 0, 1).total).toBe(ROWS / TOOLS.length);
  });
});
