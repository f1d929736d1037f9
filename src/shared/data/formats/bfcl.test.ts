import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bfclSampleArb, damagedTextArb } from '../testing/arbitraries';
import { exportBfcl, importBfcl, kindFromBfclId } from './bfcl';
import { parsePythonCall, parsePythonLiteral } from './pythonLiteral';

const questions = [
  JSON.stringify({
    id: 'simple_0',
    question: [[{ role: 'user', content: 'Find the area of a triangle with a base of 10 units and height of 5 units.' }]],
    function: [
      {
        name: 'calculate_triangle_area',
        description: 'Calculate the area of a triangle given its base and height.',
        parameters: {
          type: 'dict',
          properties: { base: { type: 'integer', description: 'The base.' }, height: { type: 'integer' }, unit: { type: 'string' } },
          required: ['base', 'height'],
        },
      },
    ],
  }),
  JSON.stringify({ id: 'irrelevance_0', question: [[{ role: 'user', content: 'Tell me a joke.' }]], function: [{ name: 'math.factorial', description: 'n!', parameters: { type: 'dict', properties: { n: { type: 'float' } } } }] }),
  JSON.stringify({ id: 'multi_turn_base_0', question: [[{ role: 'user', content: 'Go to documents.' }], [{ role: 'user', content: 'Make a temp folder.' }]] }),
  '{"id": "broken", "question": 5}',
].join('\n');
const answers = [
  JSON.stringify({ id: 'simple_0', ground_truth: [{ calculate_triangle_area: { base: [10], height: [5], unit: ['units', ''] } }] }),
  JSON.stringify({ id: 'multi_turn_base_0', ground_truth: [["cd(folder='document')"], ["mkdir(dir_name='temp')", "ls(a=True)"]] }),
  '{"id": "x", "ground_truth": ["nonsense("]}',
].join('\n');

describe('BFCL eval sets', () => {
  it('reads questions with their possible answers', () => {
    const { samples, problems, tools } = importBfcl(questions, answers);
    expect(samples.map((s) => [s.meta?.['sourceId'], s.kind])).toEqual([
      ['simple_0', 'simple'],
      ['irrelevance_0', 'no_call'],
      ['multi_turn_base_0', 'multi_turn'],
    ]);
    expect(samples[0]?.expected).toEqual({
      turns: [[{ name: 'calculate_triangle_area', arguments: { base: { values: [10], mayOmit: false }, height: { values: [5], mayOmit: false }, unit: { values: ['units'], mayOmit: true } } }]],
    });
    expect(samples[1]?.expected).toEqual({ turns: [[]] });
    expect(samples[2]?.expected?.turns[1]).toEqual([
      { name: 'mkdir', arguments: { dir_name: { values: ['temp'], mayOmit: false } } },
      { name: 'ls', arguments: { a: { values: [true], mayOmit: false } } },
    ]);
    expect(tools.map((t) => t.name)).toEqual(['calculate_triangle_area', 'math_factorial']);
    expect(tools[0]?.parameters['type']).toBe('object');
    expect(tools[1]?.parameters).toMatchObject({ properties: { n: { type: 'number' } } });
    expect(problems.map((p) => [p.line, p.severity])).toEqual([
      [3, 'warning'],
      [4, 'error'],
      [3, 'error'],
    ]);
    expect(problems[2]?.message).toContain('possible-answer file');
  });

  it('parses Python literals and calls without evaluating anything', () => {
    expect(parsePythonLiteral("{'a': [1, 2.5, None], \"b\": (True, 'x\\'y')}")).toEqual({ a: [1, 2.5, null], b: [true, "x'y"] });
    expect(parsePythonCall("f.g(x=1, y='z')")).toEqual({ name: 'f.g', arguments: { x: 1, y: 'z' } });
    expect(parsePythonCall('os.system("rm")  + 1')).toBeUndefined();
    expect(parsePythonLiteral('__import__("os")')).toBeUndefined();
    expect(kindFromBfclId('live_parallel_multiple_3-1-0')).toBe('parallel_multiple');
  });

  it('export → import is the identity', () => {
    fc.assert(
      // BFCL pairs questions with answers by id, so valid eval sets have unique ids.
      fc.property(fc.uniqueArray(bfclSampleArb, { maxLength: 4, selector: (sample) => sample.meta?.sourceId }), (samples) => {
        const { questions: q, possibleAnswers } = exportBfcl(samples);
        const imported = importBfcl(q, possibleAnswers);
        expect(imported.problems.filter((p) => p.severity === 'error')).toEqual([]);
        expect(imported.samples).toEqual(samples);
      }),
    );
  });

  it('never throws on arbitrary or damaged input', () => {
    fc.assert(fc.property(fc.string(), fc.string(), (q, a) => void importBfcl(q, a)));
    fc.assert(fc.property(fc.uint8Array(), (bytes) => void importBfcl(new TextDecoder().decode(bytes))));
    const exported = fc.array(bfclSampleArb, { maxLength: 3 }).map(exportBfcl);
    fc.assert(fc.property(damagedTextArb(exported.map((e) => e.questions)), damagedTextArb(exported.map((e) => e.possibleAnswers)), (q, a) => void importBfcl(q, a)));
  });
});
