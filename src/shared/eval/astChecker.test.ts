import { describe, expect, it } from 'vitest';
import type { ExpectedCall } from '../data/evalExpectation';
import type { JsonObject } from '../tools/plainJson';
import { checkCall, checkTurn, standardizeString, type ProducedCall } from './astChecker';
import { floatLiteralPaths } from './floatLiterals';

/** A produced call as the model wrote it: the JSON text decides int vs float. */
function call(name: string, argumentsText: string): ProducedCall {
  const floats = floatLiteralPaths(argumentsText);
  if (floats === null) throw new Error(`not JSON: ${argumentsText}`);
  return { name, arguments: JSON.parse(argumentsText) as unknown, floats };
}

const AREA: JsonObject = {
  type: 'object',
  properties: {
    base: { type: 'integer' },
    height: { type: 'number' },
    unit: { type: 'string' },
    scale: { type: 'array', items: { type: 'number' } },
    exact: { type: 'boolean' },
    options: { type: 'dict' },
  },
  required: ['base', 'height'],
};

const areaAnswer: ExpectedCall = {
  name: 'math.triangle_area',
  arguments: {
    base: { values: [10], mayOmit: false },
    height: { values: [5], mayOmit: false },
    unit: { values: ['square meters', 'm^2'], mayOmit: true },
    scale: { values: [[1.5, 2.0]], mayOmit: true },
    exact: { values: [true], mayOmit: true },
    options: { values: [{ precision: [2, ''], mode: ['fast'] }], mayOmit: true },
  },
};

const check = (argumentsText: string, name = 'math.triangle_area') => checkCall(AREA, call(name, argumentsText), areaAnswer);

describe('BFCL AST checker: one call', () => {
  it('accepts the expected call, with the optional parameters left out where allowed', () => {
    expect(check('{"base": 10, "height": 5}')).toEqual({ valid: true });
    expect(check('{"base": 10, "height": 5, "unit": "m^2"}')).toEqual({ valid: true });
  });

  it('wants the exact function name, dots included', () => {
    expect(check('{"base": 10, "height": 5}', 'math_triangle_area')).toMatchObject({ valid: false, rule: 'wrong_name' });
    expect(check('{"base": 10, "height": 5}', 'Math.triangle_area')).toMatchObject({ valid: false, rule: 'wrong_name' });
  });

  it('fails a missing required parameter and an unknown one', () => {
    expect(check('{"base": 10}')).toMatchObject({ valid: false, rule: 'missing_required', param: 'height' });
    expect(check('{"base": 10, "height": 5, "color": "red"}')).toMatchObject({ valid: false, rule: 'unexpected_param', param: 'color' });
  });

  it('fails an optional parameter left out where the answer does not allow it', () => {
    const strict: ExpectedCall = { ...areaAnswer, arguments: { ...areaAnswer.arguments, unit: { values: ['cm'], mayOmit: false } } };
    expect(checkCall(AREA, call('math.triangle_area', '{"base": 10, "height": 5}'), strict)).toMatchObject({ valid: false, rule: 'missing_optional', param: 'unit' });
  });

  it('accepts an integer for a float but not a float literal for an integer', () => {
    expect(check('{"base": 10, "height": 5.0}')).toEqual({ valid: true });
    expect(check('{"base": 10.0, "height": 5}')).toMatchObject({ valid: false, rule: 'type_error', param: 'base' });
    expect(check('{"base": 1e1, "height": 5}')).toMatchObject({ valid: false, rule: 'type_error', param: 'base' });
    expect(check('{"base": 10.5, "height": 5}')).toMatchObject({ valid: false, rule: 'type_error', param: 'base' });
  });

  it('wants each element of a float array to be a float: an int inside fails', () => {
    expect(check('{"base": 10, "height": 5, "scale": [1.5, 2.0]}')).toEqual({ valid: true });
    expect(check('{"base": 10, "height": 5, "scale": [1.5, 2]}')).toMatchObject({ valid: false, rule: 'type_error', param: 'scale' });
  });

  it('compares lists element by element, in order', () => {
    expect(check('{"base": 10, "height": 5, "scale": [2.0, 1.5]}')).toMatchObject({ valid: false, rule: 'value_error', param: 'scale' });
    expect(check('{"base": 10, "height": 5, "scale": [1.5]}')).toMatchObject({ valid: false, rule: 'value_error' });
  });

  it('compares strings after lower-casing and removing spaces and ,./-_*^', () => {
    expect(standardizeString('Square-Meters.')).toBe('squaremeters');
    expect(check('{"base": 10, "height": 5, "unit": "Square_Meters"}')).toEqual({ valid: true });
    expect(check('{"base": 10, "height": 5, "unit": "M^2"}')).toEqual({ valid: true });
    expect(check('{"base": 10, "height": 5, "unit": "meters"}')).toMatchObject({ valid: false, rule: 'value_error', param: 'unit' });
  });

  it('wants the type of the schema: a string for a number, a number for a boolean fail', () => {
    expect(check('{"base": "10", "height": 5}')).toMatchObject({ valid: false, rule: 'type_error', param: 'base' });
    expect(check('{"base": 10, "height": 5, "exact": 1}')).toMatchObject({ valid: false, rule: 'type_error', param: 'exact' });
    expect(check('{"base": true, "height": 5}')).toMatchObject({ valid: false, rule: 'type_error', param: 'base' });
  });

  it('fails a wrong number and accepts the same number written as a float for a float', () => {
    expect(check('{"base": 11, "height": 5}')).toMatchObject({ valid: false, rule: 'value_error', param: 'base' });
    expect(check('{"base": 10, "height": 5.00}')).toEqual({ valid: true });
  });

  it('checks a dict key by key: BFCL lists of acceptable values, "" for a key that may be left out', () => {
    expect(check('{"base": 10, "height": 5, "options": {"mode": "FAST"}}')).toEqual({ valid: true });
    expect(check('{"base": 10, "height": 5, "options": {"mode": "fast", "precision": 2}}')).toEqual({ valid: true });
    expect(check('{"base": 10, "height": 5, "options": {"precision": 2}}')).toMatchObject({ valid: false, rule: 'value_error' });
    expect(check('{"base": 10, "height": 5, "options": {"mode": "fast", "color": 1}}')).toMatchObject({ valid: false, rule: 'value_error' });
  });

  it('fails arguments that are not an object', () => {
    expect(checkCall(AREA, { name: 'math.triangle_area', arguments: [10, 5], floats: new Set() }, areaAnswer)).toMatchObject({ valid: false, rule: 'type_error' });
  });
});

describe('BFCL AST checker: a turn', () => {
  const weather: JsonObject = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
  const parametersOf = (name: string) => (name === 'get_weather' ? weather : name === 'math.triangle_area' ? AREA : undefined);
  const expectCity = (city: string): ExpectedCall => ({ name: 'get_weather', arguments: { city: { values: [city], mayOmit: false } } });

  it('matches parallel calls in any order, with equal counts', () => {
    const expected = [expectCity('Paris'), expectCity('Lima')];
    expect(checkTurn(parametersOf, [call('get_weather', '{"city": "Lima"}'), call('get_weather', '{"city": "Paris"}')], expected)).toEqual({ valid: true });
    expect(checkTurn(parametersOf, [call('get_weather', '{"city": "Lima"}')], expected)).toMatchObject({ valid: false, rule: 'wrong_count' });
    expect(checkTurn(parametersOf, [call('get_weather', '{"city": "Lima"}'), call('get_weather', '{"city": "Lima"}')], expected)).toMatchObject({ valid: false, rule: 'value_error' });
  });

  it('passes a no-call case only without calls; an unreadable call counts as none', () => {
    expect(checkTurn(parametersOf, [], [])).toEqual({ valid: true });
    expect(checkTurn(parametersOf, null, [])).toEqual({ valid: true });
    expect(checkTurn(parametersOf, [call('get_weather', '{"city": "Lima"}')], [])).toMatchObject({ valid: false, rule: 'call_not_expected' });
  });

  it('fails a turn without calls where calls are expected, saying whether the call was unreadable', () => {
    expect(checkTurn(parametersOf, [], [expectCity('Paris')])).toMatchObject({ valid: false, rule: 'no_call', message: 'the model made no call' });
    expect(checkTurn(parametersOf, null, [expectCity('Paris')])).toMatchObject({ valid: false, rule: 'no_call', message: 'the model wrote a call that cannot be read' });
  });

  it('checks a single expected call against the one made (BFCL "multiple": one of several tools)', () => {
    expect(checkTurn(parametersOf, [call('math.triangle_area', '{"base": 10, "height": 5}')], [expectCity('Paris')])).toMatchObject({ valid: false, rule: 'wrong_name' });
  });
});

describe('floatLiteralPaths', () => {
  it('finds the numbers written with a fraction or an exponent, by JSON Pointer', () => {
    expect([...floatLiteralPaths('{"a": 1, "b": 2.0, "c": [1, 2e3, {"d/e": -0.5}], "f": "3.0"}')!]).toEqual(['/b', '/c/1', '/c/2/d~1e']);
  });

  it('answers null for text that is not one JSON value', () => {
    expect(floatLiteralPaths('{"a": 1,}')).toBeNull();
    expect(floatLiteralPaths('{"a": 1} x')).toBeNull();
    expect(floatLiteralPaths('{"a": 01}')).toBeNull();
  });
});
