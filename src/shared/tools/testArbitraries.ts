// Test-only helpers shared by the property tests (not exported from the module's index).
import fc from 'fast-check';
import { UNSAFE_KEYS } from './plainJson';
import { SCHEMA_2020_12 } from './schemaDialect';
import type { ToolDefinition, ToolImportResult } from './types';

export const propertyName = fc.string({ minLength: 1, maxLength: 12 }).filter((key) => !UNSAFE_KEYS.has(key));

const leafSchema = fc.oneof(
  fc.record({ type: fc.constantFrom('string', 'integer', 'number', 'boolean') }),
  fc.record({ type: fc.constant('string'), enum: fc.uniqueArray(fc.string(), { minLength: 1, maxLength: 4 }) }),
  fc.record({ type: fc.constant('array'), items: fc.record({ type: fc.constant('string') }) }, { requiredKeys: ['type'] }),
  fc.record({ type: fc.constant('integer'), description: fc.string(), minimum: fc.integer() }, { requiredKeys: ['type'] }),
);

/** Valid, import-ready tools with unique names (what an export must carry through unchanged). */
export const validTools: fc.Arbitrary<ToolDefinition[]> = fc.uniqueArray(
  fc.record({
    name: fc.stringMatching(/^[a-zA-Z0-9_-]{1,64}$/),
    description: fc.string({ minLength: 1 }).filter((text) => text.trim() !== ''),
    parameters: fc
      .tuple(fc.dictionary(propertyName, leafSchema, { maxKeys: 5 }), fc.boolean())
      .map(([properties, is2020]) => (is2020 ? { $schema: SCHEMA_2020_12, type: 'object', properties } : { type: 'object', properties })),
  }),
  { selector: (tool) => tool.name, minLength: 1, maxLength: 8 },
);

/** Structural invariants every import result keeps, whatever the input. */
export function expectWellFormed(result: ToolImportResult): void {
  const formats = [null, 'openai', 'mcp', 'anthropic', 'bare', 'bfcl', 'openapi'];
  if (!formats.includes(result.format)) throw new Error(`bad format ${String(result.format)}`);
  for (const tool of result.tools) {
    if (typeof tool.name !== 'string' || typeof tool.description !== 'string') throw new Error('bad tool');
    if (typeof tool.parameters !== 'object' || tool.parameters === null || Array.isArray(tool.parameters)) throw new Error('bad parameters');
  }
  for (const problem of result.problems) {
    if (problem.severity !== 'error' && problem.severity !== 'warning') throw new Error('bad severity');
    if (problem.pointer !== '' && !problem.pointer.startsWith('/')) throw new Error(`bad pointer ${problem.pointer}`);
    if (typeof problem.message !== 'string' || problem.message === '') throw new Error('bad message');
    if (problem.toolIndex !== undefined && !(problem.toolIndex >= 0 && problem.toolIndex < result.tools.length)) {
      throw new Error(`toolIndex ${problem.toolIndex} out of range`);
    }
  }
  if (result.format === null && result.tools.length > 0) throw new Error('tools without a format');
  if (result.tools.length === 0 && result.problems.every((p) => p.severity !== 'error') && result.format !== 'openapi') {
    throw new Error('no tools and no error');
  }
}
