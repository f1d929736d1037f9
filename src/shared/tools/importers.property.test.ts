import fc from 'fast-check';
import { describe, it } from 'vitest';
import { stringify } from 'yaml';
import { parseToolDefinitions } from './parseToolDefinitions';
import { expectWellFormed, propertyName } from './testArbitraries';

/** Anything JSON, biased towards schema-ish keys so walkers and resolvers get exercised. */
const anything = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.jsonValue({ maxDepth: 2 }),
    fc.dictionary(
      fc.oneof(propertyName, fc.constantFrom('type', 'properties', 'items', '$ref', '$data', 'anyOf', 'required', 'pattern', '__proto__', 'constructor')),
      tie('value'),
      { maxKeys: 4 },
    ),
    fc.constantFrom('dict', 'float', 'tuple', 'object', '#/components/schemas/A', 'https://x/y', '#/paths'),
  ),
})).value;

const loose = <T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | unknown> => fc.oneof(arbitrary, anything);
const name = loose(fc.oneof(fc.stringMatching(/^[a-z_.]{1,10}$/), fc.string()));
const schema = loose(fc.record({ type: loose(fc.constantFrom('object', 'dict')), properties: fc.dictionary(propertyName, anything, { maxKeys: 3 }) }));

const shapedLikeFormats = fc.oneof(
  fc.array(fc.record({ type: fc.constant('function'), function: fc.record({ name, description: anything, parameters: schema }) })),
  fc.record({ result: fc.record({ tools: fc.array(fc.record({ name, description: anything, inputSchema: schema, annotations: anything })) }) }),
  fc.array(fc.record({ name, description: anything, input_schema: schema })),
  fc.array(fc.record({ name, description: anything, parameters: schema })),
  fc.array(fc.record({ id: fc.string(), question: anything, function: loose(fc.array(fc.record({ name, parameters: schema }))) })),
  fc.record({
    openapi: fc.constantFrom('3.0.3', '3.1.0', '2.0'),
    paths: fc.dictionary(
      fc.constantFrom('/a', '/a/{id}', '/b'),
      fc.dictionary(
        fc.constantFrom('get', 'post', 'put', 'parameters', '$ref'),
        loose(
          fc.record({
            operationId: name,
            parameters: loose(fc.array(fc.record({ name, in: fc.constantFrom('path', 'query', 'header', 'cookie'), schema }))),
            requestBody: loose(fc.record({ content: fc.record({ 'application/json': fc.record({ schema }) }) })),
          }),
        ),
      ),
    ),
    components: fc.record({ schemas: fc.dictionary(fc.constantFrom('A', 'B'), schema) }),
  }),
);

const options = { numRuns: 150 };

describe('every importer: any input gives tools or precise problems, never a throw', () => {
  it('random text', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => expectWellFormed(parseToolDefinitions(text))), options);
  });

  it('random JSON, as JSON, JSON Lines and YAML', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue(), { maxLength: 3 }), fc.constantFrom('a.json', 'a.jsonl', 'a.yaml', undefined), (values, fileName) => {
        const text = fileName === 'a.yaml' ? stringify(values) : values.map((value) => JSON.stringify(value)).join('\n');
        expectWellFormed(parseToolDefinitions(text, fileName === undefined ? {} : { fileName }));
      }),
      options,
    );
  });

  it('objects shaped like each format, with anything inside', () => {
    fc.assert(
      fc.property(shapedLikeFormats, fc.boolean(), (document, asYaml) => {
        expectWellFormed(parseToolDefinitions(asYaml ? stringify(document) : JSON.stringify(document)));
      }),
      options,
    );
  });
});
