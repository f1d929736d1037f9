import Ajv, { type ErrorObject } from 'ajv';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { checkToolList } from '../../shared/tools/checkToolList';
import { dialectOf, type SchemaDialect } from '../../shared/tools/schemaDialect';
import { schemaPatterns } from '../../shared/tools/schemaSafety';
import { linearRegExp, unsupportedPattern } from './linearRegExp';
import type { ToolDefinition, ToolImportResult, ToolProblem } from '../../shared/tools/types';

/** ajv reports every meta-schema failure; beyond this many per tool they stop helping. */
const MAX_AJV_ERRORS_PER_TOOL = 10;

/**
 * Full validation of tool definitions: the shared structural rules (names, duplicates against
 * `existingNames`, object parameters, safety caps), then, for tools that pass them, ajv.
 * Dialect: draft-07 unless `$schema` names 2020-12 (MCP and OpenAPI 3.1 imports set it).
 */
export function validateToolDefinitions(tools: readonly ToolDefinition[], existingNames: readonly string[] = []): ToolProblem[] {
  const problems = checkToolList(tools, existingNames);
  return [...problems, ...ajvProblems(tools, problems)];
}

/** Adds the ajv checks to a parse result (whose shared checks already ran). */
export function withAjvProblems(result: ToolImportResult): ToolImportResult {
  return { ...result, problems: [...result.problems, ...ajvProblems(result.tools, result.problems)] };
}

/** ajv problems for every tool that has no error yet: schemas that failed safety are never compiled. */
function ajvProblems(tools: readonly ToolDefinition[], knownProblems: readonly ToolProblem[]): ToolProblem[] {
  const failed = new Set(knownProblems.filter((p) => p.severity === 'error').map((p) => p.toolIndex));
  const validator = new SchemaValidator();
  return tools.flatMap((tool, toolIndex) =>
    failed.has(toolIndex)
      ? []
      : validator.check(tool.parameters).map((problem) => ({ ...problem, toolIndex, toolName: tool.name })),
  );
}

type SchemaProblem = Omit<ToolProblem, 'toolIndex' | 'toolName'>;

/**
 * One ajv instance per dialect, created per validation run: compiled schemas are removed after
 * each check, so a user's `$id` never leaks into the next tool.
 */
class SchemaValidator {
  private readonly warnings: string[] = [];
  private readonly instances: Record<SchemaDialect, Ajv> = {
    'draft-07': this.configure(new Ajv(this.options())),
    '2020-12': this.configure(new Ajv2020(this.options())),
  };

  check(schema: ToolDefinition['parameters']): SchemaProblem[] {
    const dialect = dialectOf(schema['$schema']);
    if (dialect === null) {
      return [{ severity: 'error', pointer: '/$schema', message: 'unsupported $schema: use draft-07 or 2020-12' }];
    }
    const ajv = this.instances[dialect];
    if (!ajv.validateSchema(schema)) {
      return firstErrorPerPointer(ajv.errors ?? []).slice(0, MAX_AJV_ERRORS_PER_TOOL).map(metaSchemaProblem);
    }
    this.warnings.length = 0;
    try {
      ajv.compile(schema);
    } catch (error) {
      return [{ severity: 'error', pointer: '', message: `schema does not compile: ${error instanceof Error ? error.message : String(error)}` }];
    } finally {
      ajv.removeSchema(schema);
    }
    return [...new Set(this.warnings)].map(warningProblem).concat(patternProblems(schema));
  }

  private options() {
    return {
      strict: false, // unknown keywords (OpenAPI's `example`, `xml`...) are allowed, not errors
      allErrors: true,
      $data: false,
      validateFormats: true,
      addUsedSchema: false,
      code: { regExp: linearRegExp },
      // Collects ajv's warnings (e.g. unknown formats) as problems instead of console noise.
      logger: { log: () => undefined, warn: (...args: unknown[]) => this.warnings.push(args.join(' ')), error: (...args: unknown[]) => this.warnings.push(args.join(' ')) },
    } as const;
  }

  private configure<T extends Ajv>(ajv: T): T {
    addFormats(ajv);
    return ajv;
  }
}

/** Patterns RE2 cannot run: kept, said, and not enforced (see linearRegExp). */
function patternProblems(schema: ToolDefinition['parameters']): SchemaProblem[] {
  return schemaPatterns(schema).flatMap(({ pointer, pattern }) => {
    const reason = unsupportedPattern(pattern);
    return reason === null
      ? []
      : [{ severity: 'warning' as const, pointer, message: `pattern "${pattern.slice(0, 80)}" uses what the linear-time engine cannot run (${reason}): it stays in the schema, but arguments are not checked against it` }];
  });
}

/** The meta-schema validates the schema as data, so `instancePath` already points into it. */
function metaSchemaProblem(error: ErrorObject): SchemaProblem {
  const allowed = (error.params as { allowedValues?: unknown }).allowedValues;
  const detail = Array.isArray(allowed) ? `: ${allowed.map((value) => JSON.stringify(value)).join(', ')}` : '';
  return { severity: 'error', pointer: error.instancePath, message: `${error.message ?? 'invalid'}${detail}` };
}

/** The meta-schema's `anyOf` on `type` yields three errors for one mistake; the first says most. */
function firstErrorPerPointer(errors: readonly ErrorObject[]): ErrorObject[] {
  const seen = new Set<string>();
  return errors.filter((error) => !seen.has(error.instancePath) && seen.add(error.instancePath));
}

/** ajv's warnings name the schema location as `at path "#/..."`; that fragment is our pointer. */
function warningProblem(message: string): SchemaProblem {
  const pointer = /at path "#([^"]*)"/.exec(message)?.[1] ?? '';
  return { severity: 'warning', pointer: pointer.startsWith('/') ? pointer : '', message };
}
