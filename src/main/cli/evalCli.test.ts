import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../testing/runCli';

let dir: string;
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tooltune-eval-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tooltune eval without a model', { timeout: 120_000 }, () => {
  it('eval score prints the documented report for predictions made elsewhere', () => {
    const fn = { name: 'lights.set', description: 'Set a light', parameters: { type: 'dict', properties: { room: { type: 'string' }, level: { type: 'integer' } }, required: ['room'] } };
    const questions = file('q.json', `${JSON.stringify({ id: 'simple_1', question: [[{ role: 'user', content: 'Kitchen lights to 40' }]], function: [fn] })}\n${JSON.stringify({ id: 'simple_2', question: [[{ role: 'user', content: 'Hall lights' }]], function: [fn] })}\n`);
    const answers = file('a.json', `${JSON.stringify({ id: 'simple_1', ground_truth: [{ 'lights.set': { room: ['kitchen'], level: [40] } }] })}\n${JSON.stringify({ id: 'simple_2', ground_truth: [{ 'lights.set': { room: ['hall'], level: [''] } }] })}\n`);
    const predictions = file('p.jsonl', '{"id": "simple_1", "calls": [{"name": "lights.set", "arguments": {"room": "Kitchen", "level": 40.0}}]}\n{"id": "simple_2", "calls": [{"name": "lights.set", "arguments": {"room": "hall"}}]}\n');
    const result = runCli(dir, 'eval', 'score', '--questions', questions, '--answers', answers, '--predictions', predictions, '--json');
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      total: 2,
      valid: 1,
      cases: [
        { id: 'simple_1', valid: false, error: 'type_error: "level" should be of type integer' },
        { id: 'simple_2', valid: true, error: null },
      ],
    });
  });

  it('eval score and eval run name what is missing', () => {
    expect(runCli(dir, 'eval', 'score', '--questions', join(dir, 'none.json'), '--answers', 'x', '--predictions', 'y')).toMatchObject({ status: 3 });
    const run = runCli(dir, 'eval', 'run', '--project', 'Demo');
    expect(run.status).toBe(5);
    expect(run.stderr).toMatch(/no finished training run/);
    expect(runCli(dir, 'eval', 'run', '--project', 'Demo', '--variants', 'merged').stderr).toMatch(/--variants takes/);
  });
});
