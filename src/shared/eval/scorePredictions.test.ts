import { describe, expect, it } from 'vitest';
import { scorePredictions } from './scorePredictions';

const lines = (...values: unknown[]) => values.map((v) => JSON.stringify(v)).join('\n');

const factorial = { name: 'math.factorial', description: 'n!', parameters: { type: 'dict', properties: { number: { type: 'integer' } }, required: ['number'] } };
const area = {
  name: 'geometry.area',
  description: 'area',
  parameters: { type: 'dict', properties: { radius: { type: 'float' }, unit: { type: 'string' } }, required: ['radius'] },
};

const QUESTIONS = lines(
  { id: 'simple_0', question: [[{ role: 'user', content: 'What is 5 factorial?' }]], function: [factorial] },
  { id: 'parallel_0', question: [[{ role: 'user', content: 'Areas of circles of radius 2 and 3.5' }]], function: [area] },
  { id: 'irrelevance_0', question: [[{ role: 'user', content: 'Tell me a joke' }]], function: [factorial] },
  { id: 'simple_1', question: [[{ role: 'user', content: 'Area of a circle of radius 4 in cm' }]], function: [area] },
);

const ANSWERS = lines(
  { id: 'simple_0', ground_truth: [{ 'math.factorial': { number: [5] } }] },
  { id: 'parallel_0', ground_truth: [{ 'geometry.area': { radius: [2.0], unit: ['', 'cm'] } }, { 'geometry.area': { radius: [3.5], unit: ['', 'cm'] } }] },
  { id: 'irrelevance_0', ground_truth: [] },
  { id: 'simple_1', ground_truth: [{ 'geometry.area': { radius: [4], unit: ['cm', 'centimeters'] } }] },
);

describe('eval score: BFCL predictions made anywhere', () => {
  it('scores each case with the AST rules, names as BFCL writes them', () => {
    const report = scorePredictions(
      QUESTIONS,
      ANSWERS,
      [
        '{"id": "simple_0", "calls": [{"name": "math.factorial", "arguments": {"number": 5}}]}',
        '{"id": "parallel_0", "calls": [{"name": "geometry.area", "arguments": {"radius": 3.5}}, {"name": "geometry.area", "arguments": "{\\"radius\\": 2, \\"unit\\": \\"CM\\"}"}]}',
        '{"id": "irrelevance_0", "calls": []}',
        '{"id": "simple_1", "calls": [{"name": "geometry.area", "arguments": {"radius": 4}}]}',
      ].join('\n'),
    );
    expect(report.cases).toEqual([
      { id: 'simple_0', valid: true, error: null },
      { id: 'parallel_0', valid: true, error: null },
      { id: 'irrelevance_0', valid: true, error: null },
      { id: 'simple_1', valid: false, error: 'missing_optional: "unit" was left out but must be given' },
    ]);
    expect(report).toMatchObject({ total: 4, valid: 3, problems: [] });
  });

  it('reads 5.0 for an integer as a float, a dotless name as another function, and a missing prediction as a failure', () => {
    const report = scorePredictions(
      QUESTIONS,
      ANSWERS,
      [
        '{"id": "simple_0", "calls": [{"name": "math.factorial", "arguments": {"number": 5.0}}]}',
        '{"id": "simple_1", "calls": [{"name": "geometry_area", "arguments": {"radius": 4, "unit": "cm"}}]}',
        '{"id": "irrelevance_0", "calls": [{"name": "math.factorial", "arguments": {"number": 1}}]}',
        'not json',
      ].join('\n'),
    );
    expect(report.cases.map((c) => [c.id, c.error?.split(':')[0]])).toEqual([
      ['simple_0', 'type_error'],
      ['parallel_0', 'no prediction for this case'],
      ['irrelevance_0', 'call_not_expected'],
      ['simple_1', 'wrong_name'],
    ]);
    expect(report.valid).toBe(0);
    expect(report.problems).toEqual(['predictions line 4: not a JSON object with an "id"']);
  });
});
