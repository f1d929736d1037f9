import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CalculatorError, calculate } from './calculator';

describe('calculate', () => {
  it.each([
    ['1 + 2 * 3', 7],
    ['(1 + 2) * 3', 9],
    ['10 - 4 - 3', 3],
    ['2 ^ 3 ^ 2', 512],
    ['-2^2', -4],
    ['2^-1', 0.5],
    ['--3', 3],
    ['+4', 4],
    ['7 % 4', 3],
    ['-7 % 4', -3],
    ['1 / 8', 0.125],
    ['.5 + 1.', 1.5],
    ['1.5e3', 1500],
    ['2E-2', 0.02],
    ['sqrt(16) + abs(-3)', 7],
    ['round(2.5) + round(-2.5)', 0],
    ['round(-2.4)', -2],
    ['floor(-1.5) + ceil(1.2)', 0],
    ['min(3, 1, 2) * max(4, 9)', 9],
    ['log(1000)', 3],
    ['ln(e)', 1],
    ['sin(0) + cos(0) + tan(0)', 1],
    ['cos(pi)', -1],
    ['PI * 0 + Sqrt(9)', 3],
    [' \t( ( 42 ) ) \n', 42],
    ['2 * (3 + 4) ^ 2 / 7', 14],
  ])('%s = %d', (expression, expected) => {
    expect(calculate(expression)).toBeCloseTo(expected, 12);
  });

  it.each([
    ['', 'The expression is empty at position 0'],
    ['   ', 'The expression is empty at position 0'],
    ['1 +', 'Unexpected the end at position 3'],
    ['1 + * 2', 'Unexpected "*" at position 4'],
    ['(1 + 2', 'Unexpected the end, expected ")" at position 6'],
    ['1 + 2)', 'Unexpected ")" at position 5'],
    ['2e', 'Unexpected "e" at position 1'],
    ['2pi', 'Unexpected "p" at position 1'],
    ['1.2.3', 'Unexpected "." at position 3'],
    ['1 / 0', 'Division by zero at position 2'],
    ['5 % (2 - 2)', 'Division by zero at position 2'],
    ['sqrt(-1)', 'sqrt of that is not a real number at position 0'],
    ['ln(0)', 'ln of that is not a real number at position 0'],
    ['10 ^ 400', 'The result is not a finite number at position 3'],
    ['1e999', 'The result is not a finite number at position 0'],
    ['sqrt(1, 2)', 'sqrt takes 1 argument at position 0'],
    ['min()', 'Unexpected ")" at position 4'],
    ['sqrt 4', 'Unexpected "4", expected "(" at position 5'],
    ['foo(1)', 'Unknown name "foo" at position 0'],
    ['constructor', 'Unknown name "constructor" at position 0'],
    ['toString(1)', 'Unknown name "tostring" at position 0'],
    ['process.exit()', 'Unknown name "process" at position 0'],
    ['1; 2', 'Unexpected ";" at position 1'],
    ['2 × 3', 'Unexpected "×" at position 2'],
    ['1 + 😀', 'Unexpected "😀" at position 4'],
    ['1'.repeat(501), 'The expression is longer than 500 characters at position 500'],
    [`${'('.repeat(60)}1${')'.repeat(60)}`, 'The expression nests deeper than 50 levels'],
    [`${'-'.repeat(60)}1`, 'The expression nests deeper than 50 levels'],
    [Array(60).fill('2').join('^'), 'The expression nests deeper than 50 levels'],
  ])('refuses %j', (expression, message) => {
    let error: unknown;
    try {
      calculate(expression);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(CalculatorError);
    expect((error as CalculatorError).message).toContain(message);
    expect((error as CalculatorError).code).toBe('invalid-input');
  });

  it('allows nesting up to the limit', () => {
    expect(calculate(`${'('.repeat(45)}1${')'.repeat(45)}`)).toBe(1);
  });

  it('answers a finite number or a CalculatorError for any input, never anything else', () => {
    const token = fc.constantFrom('1', '2.5', '1e3', '+', '-', '*', '/', '%', '^', '(', ')', ',', ' ', 'sqrt(', 'min(', 'pi', 'e', 'x', '.', ';');
    fc.assert(
      fc.property(fc.oneof(fc.array(token, { maxLength: 40 }).map((parts) => parts.join('')), fc.string({ maxLength: 60 })), (expression) => {
        try {
          expect(Number.isFinite(calculate(expression))).toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(CalculatorError);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
