/**
 * The calculator built-in: arithmetic parsed by a small recursive-descent parser, never eval or Function, so a
 * model's expression can only ever compute a number. Grammar, loosest binding first:
 *   sum     = product (("+" | "-") product)*
 *   product = unary (("*" | "/" | "%") unary)*
 *   unary   = ("-" | "+") unary | power
 *   power   = primary ("^" unary)?          right-associative; -2^2 = -(2^2), 2^-1 = 0.5
 *   primary = number | constant | function "(" sum ("," sum)* ")" | "(" sum ")"
 */
import { ToolTuneError } from '../errors';

const CALCULATOR_MAX_CHARS = 500;
const CALCULATOR_MAX_DEPTH = 50;

export class CalculatorError extends ToolTuneError {
  constructor(
    message: string,
    /** 0-based index into the expression. */
    readonly position: number,
  ) {
    super('invalid-input', `${message} at position ${position}`);
  }
}

const CONSTANTS: Record<string, number> = { pi: Math.PI, e: Math.E };

// Arity: [fewest, most] arguments.
const FUNCTIONS: Record<string, { arity: [number, number]; apply: (...args: number[]) => number }> = {
  sqrt: { arity: [1, 1], apply: Math.sqrt },
  abs: { arity: [1, 1], apply: Math.abs },
  // Halves away from zero, as people round (Math.round(-2.5) is -2).
  round: { arity: [1, 1], apply: (x) => Math.sign(x) * Math.round(Math.abs(x)) },
  floor: { arity: [1, 1], apply: Math.floor },
  ceil: { arity: [1, 1], apply: Math.ceil },
  min: { arity: [1, Infinity], apply: Math.min },
  max: { arity: [1, Infinity], apply: Math.max },
  log: { arity: [1, 1], apply: Math.log10 },
  ln: { arity: [1, 1], apply: Math.log },
  sin: { arity: [1, 1], apply: Math.sin },
  cos: { arity: [1, 1], apply: Math.cos },
  tan: { arity: [1, 1], apply: Math.tan },
};

export function calculate(expression: string): number {
  if (expression.length > CALCULATOR_MAX_CHARS) throw new CalculatorError(`The expression is longer than ${CALCULATOR_MAX_CHARS} characters`, CALCULATOR_MAX_CHARS);
  return new Parser(expression).parse();
}

class Parser {
  private index = 0;
  private depth = 0;

  constructor(private readonly text: string) {}

  parse(): number {
    if (this.peek() === undefined) throw new CalculatorError('The expression is empty', 0);
    const value = this.sum();
    if (this.peek() !== undefined) throw this.unexpected();
    return value;
  }

  private sum(): number {
    let value = this.product();
    for (let op = this.peek(); op === '+' || op === '-'; op = this.peek()) {
      const at = this.index++;
      const right = this.product();
      value = finite(op === '+' ? value + right : value - right, at);
    }
    return value;
  }

  private product(): number {
    let value = this.unary();
    for (let op = this.peek(); op === '*' || op === '/' || op === '%'; op = this.peek()) {
      const at = this.index++;
      const right = this.unary();
      if (right === 0 && op !== '*') throw new CalculatorError('Division by zero', at);
      value = finite(op === '*' ? value * right : op === '/' ? value / right : value % right, at);
    }
    return value;
  }

  private unary(): number {
    // Every level of nesting passes here: parentheses, function arguments, signs and exponents.
    if (++this.depth > CALCULATOR_MAX_DEPTH) throw new CalculatorError(`The expression nests deeper than ${CALCULATOR_MAX_DEPTH} levels`, this.index);
    const op = this.peek();
    let value: number;
    if (op === '-' || op === '+') {
      this.index++;
      value = op === '-' ? -this.unary() : this.unary();
    } else {
      value = this.power();
    }
    this.depth--;
    return value;
  }

  private power(): number {
    const base = this.primary();
    if (this.peek() !== '^') return base;
    const at = this.index++;
    return finite(base ** this.unary(), at);
  }

  private primary(): number {
    const char = this.peek();
    const start = this.index;
    if (char === '(') {
      this.index++;
      const value = this.sum();
      this.expect(')');
      return value;
    }
    const number = /^(\d+\.?\d*|\.\d+)(e[+-]?\d+)?/i.exec(this.text.slice(start));
    if (number) {
      this.index += number[0].length;
      return finite(Number(number[0]), start);
    }
    const name = /^[a-z]+/i.exec(this.text.slice(start))?.[0].toLowerCase();
    if (name === undefined) throw this.unexpected();
    this.index += name.length;
    const fn = Object.hasOwn(FUNCTIONS, name) ? FUNCTIONS[name] : undefined;
    if (fn) {
      this.expect('(');
      const args = [this.sum()];
      while (this.peek() === ',') {
        this.index++;
        args.push(this.sum());
      }
      this.expect(')');
      const [fewest, most] = fn.arity;
      if (args.length < fewest || args.length > most) throw new CalculatorError(`${name} takes ${fewest === most ? fewest : `${fewest} or more`} argument${most === 1 ? '' : 's'}`, start);
      return finite(fn.apply(...args), start, `${name} of that is not a real number`);
    }
    if (Object.hasOwn(CONSTANTS, name)) return CONSTANTS[name] as number;
    throw new CalculatorError(`Unknown name "${name}"`, start);
  }

  /** The next character after any white space. */
  private peek(): string | undefined {
    while (this.index < this.text.length && /\s/.test(this.text[this.index] as string)) this.index++;
    return this.text[this.index];
  }

  private expect(char: string): void {
    if (this.peek() !== char) throw this.unexpected(`"${char}"`);
    this.index++;
  }

  private unexpected(expected?: string): CalculatorError {
    const code = this.text.codePointAt(this.index);
    const found = code === undefined ? 'the end' : `"${String.fromCodePoint(code)}"`;
    return new CalculatorError(`Unexpected ${found}${expected ? `, expected ${expected}` : ''}`, this.index);
  }
}

/** Infinity and NaN are errors, reported where they arose (JSON has no way to carry them anyway). */
function finite(value: number, position: number, message = 'The result is not a finite number'): number {
  if (!Number.isFinite(value)) throw new CalculatorError(message, position);
  return value;
}
