import { MAX_SCHEMA_DEPTH, MAX_TOOLS } from './limits';
import { appendPointer } from './jsonPointer';
import { LocalRefResolver, SchemaTooLargeError } from './openApiRefs';
import { isJsonObject, ownString, ownValue, UNSAFE_KEYS, type JsonObject } from './plainJson';
import type { FormatReadResult, LocalProblem, ReadTool } from './readResult';
import { SCHEMA_2020_12 } from './schemaDialect';
import { walkSchema } from './schemaWalk';
import { sanitizeToolName } from './toolNames';
import type { HttpBinding, HttpMethod, ParamLocation } from './types';

const METHODS: readonly HttpMethod[] = ['GET', 'PUT', 'POST', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH'];
/** OpenAPI says these header parameters are ignored: the HTTP layer owns them. */
const RESERVED_HEADERS: ReadonlySet<string> = new Set(['accept', 'content-type', 'authorization']);
const LOCATION_ORDER: readonly ParamLocation[] = ['path', 'query', 'header'];

export function isOpenApiDocument(value: unknown): value is JsonObject {
  return isJsonObject(value) && (Object.hasOwn(value, 'openapi') || Object.hasOwn(value, 'swagger'));
}

/**
 * One tool per operation. Path, query and header parameters and the JSON request body become one
 * object schema; the HTTP binding records where each argument goes back to.
 */
export function readOpenApi(document: JsonObject): FormatReadResult {
  const result: FormatReadResult = { tools: [], problems: [] };
  const version = ownString(document, 'openapi');
  if (version === undefined || !/^3\.\d+/.test(version)) {
    const found = version ?? `swagger ${String(ownValue(document, 'swagger'))}`;
    result.problems.push({ severity: 'error', pointer: '/openapi', message: `only OpenAPI 3.x is supported, found ${found}` });
    return result;
  }
  const paths = ownValue(document, 'paths');
  if (!isJsonObject(paths)) {
    result.problems.push({ severity: 'error', pointer: '/paths', message: 'the document has no "paths"' });
    return result;
  }
  const context: OpenApiContext = {
    resolver: new LocalRefResolver(document),
    is31: !version.startsWith('3.0'),
    documentServers: ownValue(document, 'servers'),
  };
  for (const [path, rawPathItem] of Object.entries(paths)) {
    const pathPointer = appendPointer('/paths', path);
    const pathItem = context.resolver.resolveObject(rawPathItem, [], pathPointer);
    if (!pathItem) continue;
    for (const method of METHODS) {
      const operation = ownValue(pathItem, method.toLowerCase());
      if (!isJsonObject(operation)) continue;
      if (result.tools.length >= MAX_TOOLS) {
        result.problems.push({ severity: 'error', pointer: '/paths', message: `more than ${MAX_TOOLS} operations; the rest were skipped` });
        return result;
      }
      result.tools.push(readOperation(context, { path, pathItem, method, operation }));
    }
  }
  if (result.tools.length === 0) result.problems.push({ severity: 'warning', pointer: '/paths', message: 'the document has no operations' });
  return result;
}

/** Tags kept per operation (a spec may list any number). */
const MAX_OPERATION_TAGS = 20;

interface OpenApiContext {
  resolver: LocalRefResolver;
  is31: boolean;
  documentServers: unknown;
}

interface Operation {
  path: string;
  pathItem: JsonObject;
  method: HttpMethod;
  operation: JsonObject;
}

interface Argument {
  name: string;
  in: ParamLocation;
  originalName: string;
  schema: JsonObject;
  required: boolean;
}

function readOperation(context: OpenApiContext, op: Operation): ReadTool {
  const problems: LocalProblem[] = [];
  const operationId = ownString(op.operation, 'operationId');
  const name = sanitizeToolName(operationId ?? `${op.method.toLowerCase()}_${op.path}`, op.method.toLowerCase());
  if (operationId !== undefined && name !== operationId) {
    problems.push({ severity: 'warning', pointer: '', message: `operationId "${operationId.slice(0, 80)}" changed to "${name}"` });
  }
  const binding: HttpBinding = { kind: 'http', method: op.method, pathTemplate: op.path, params: [] };
  const tags = ownValue(op.operation, 'tags');
  if (Array.isArray(tags) && tags.length > 0 && tags.every((tag) => typeof tag === 'string')) binding.tags = tags.slice(0, MAX_OPERATION_TAGS).map((tag) => tag.slice(0, 200));
  const serverUrl = firstServerUrl(ownValue(op.operation, 'servers'), ownValue(op.pathItem, 'servers'), context.documentServers);
  if (serverUrl !== undefined) binding.serverUrl = serverUrl;

  let parameters: JsonObject;
  try {
    parameters = buildParameters(context, op, binding, problems);
  } catch (error) {
    if (!(error instanceof SchemaTooLargeError)) throw error;
    problems.push({ severity: 'error', pointer: '', message: error.message });
    parameters = { type: 'object', properties: {} };
  }
  return { tool: { name, description: describeOperation(op.operation), parameters, binding }, problems };
}

function buildParameters(context: OpenApiContext, op: Operation, binding: HttpBinding, problems: LocalProblem[]): JsonObject {
  const taken = new Set<string>(UNSAFE_KEYS);
  const args: Argument[] = [];
  const addArgument = (location: ParamLocation, originalName: string, schema: JsonObject, required: boolean): void => {
    const name = uniqueName(originalName, location, taken);
    args.push({ name, in: location, originalName, schema, required });
    binding.params.push({ name, in: location, originalName });
  };

  const declared = collectParameters(context, op, problems);
  for (const location of LOCATION_ORDER) {
    for (const param of declared.filter((p) => p.in === location)) {
      addArgument(location, param.name, param.schema, param.required);
    }
  }
  const body = readRequestBody(context, op.operation, problems);
  let closed = false;
  if (body?.mergeable) {
    binding.bodyMode = 'json-object';
    const properties = isJsonObject(body.schema['properties']) ? body.schema['properties'] : {};
    const requiredNames = Array.isArray(body.schema['required']) ? body.schema['required'] : [];
    for (const [propertyName, propertySchema] of Object.entries(properties)) {
      // readOnly properties only ever appear in responses.
      if (!isJsonObject(propertySchema) || propertySchema['readOnly'] === true) continue;
      addArgument('body', propertyName, propertySchema, requiredNames.includes(propertyName));
    }
    closed = body.schema['additionalProperties'] === false;
  } else if (body) {
    addArgument('body', 'body', body.schema, body.required);
  }

  const schema: JsonObject = context.is31 ? { $schema: SCHEMA_2020_12, type: 'object' } : { type: 'object' };
  schema['properties'] = Object.fromEntries(args.map((arg) => [arg.name, arg.schema]));
  const required = args.filter((arg) => arg.required).map((arg) => arg.name);
  if (required.length > 0) schema['required'] = required;
  if (closed) schema['additionalProperties'] = false;
  if (!context.is31) convertOpenApi30Schema(schema);
  return schema;
}

interface DeclaredParameter {
  name: string;
  in: ParamLocation;
  schema: JsonObject;
  required: boolean;
}

/** Path-item parameters overridden by operation parameters with the same name and location. */
function collectParameters(context: OpenApiContext, op: Operation, problems: LocalProblem[]): DeclaredParameter[] {
  const byKey = new Map<string, DeclaredParameter>();
  for (const list of [ownValue(op.pathItem, 'parameters'), ownValue(op.operation, 'parameters')]) {
    if (!Array.isArray(list)) continue;
    for (const raw of list) {
      const param = context.resolver.resolveObject(raw, problems, '');
      if (!param) continue;
      const name = ownString(param, 'name');
      const location = ownString(param, 'in');
      if (name === undefined || location === undefined) {
        problems.push({ severity: 'warning', pointer: '', message: 'a parameter without "name" or "in" was skipped' });
        continue;
      }
      if (location === 'cookie' || !(['path', 'query', 'header'] as string[]).includes(location)) {
        problems.push({ severity: 'warning', pointer: '', message: `${location} parameter "${name}" is not supported and was skipped` });
        continue;
      }
      if (location === 'header' && RESERVED_HEADERS.has(name.toLowerCase())) continue;
      const pointer = appendPointer('/properties', name);
      const schema = parameterSchema(context, param, problems, pointer);
      byKey.set(`${location}:${name}`, {
        name,
        in: location as ParamLocation,
        schema,
        required: location === 'path' || param['required'] === true,
      });
    }
  }
  return [...byKey.values()];
}

function parameterSchema(context: OpenApiContext, param: JsonObject, problems: LocalProblem[], pointer: string): JsonObject {
  let raw = ownValue(param, 'schema');
  const content = ownValue(param, 'content');
  if (raw === undefined && isJsonObject(content)) {
    const [firstMedia] = Object.values(content);
    raw = isJsonObject(firstMedia) ? ownValue(firstMedia, 'schema') : undefined;
  }
  const inlined = context.resolver.inlineSchema(raw ?? {}, problems, pointer);
  const schema = isJsonObject(inlined) ? inlined : {};
  const description = ownString(param, 'description');
  return description !== undefined && !Object.hasOwn(schema, 'description') ? { description, ...schema } : schema;
}

interface RequestBody {
  schema: JsonObject;
  required: boolean;
  /** An object body whose properties can sit next to the other arguments. */
  mergeable: boolean;
}

function readRequestBody(context: OpenApiContext, operation: JsonObject, problems: LocalProblem[]): RequestBody | null {
  if (!Object.hasOwn(operation, 'requestBody')) return null;
  const body = context.resolver.resolveObject(operation['requestBody'], problems, '');
  const content = body ? ownValue(body, 'content') : undefined;
  if (!body || !isJsonObject(content)) return null;
  const mediaType = Object.keys(content).find((type) => /^application\/(?:[\w.+-]*\+)?json\b/i.test(type));
  if (mediaType === undefined) {
    const types = Object.keys(content).join(', ');
    problems.push({ severity: 'warning', pointer: '', message: `request body (${types}) is not JSON and was left out` });
    return null;
  }
  const media = content[mediaType];
  const raw = isJsonObject(media) ? ownValue(media, 'schema') : undefined;
  const inlined = context.resolver.inlineSchema(raw ?? {}, problems, '');
  const schema = isJsonObject(inlined) ? inlined : {};
  const isPlainObject =
    (schema['type'] === 'object' || (schema['type'] === undefined && isJsonObject(schema['properties']))) &&
    !['allOf', 'anyOf', 'oneOf', 'not', 'if', 'patternProperties'].some((keyword) => Object.hasOwn(schema, keyword)) &&
    !isJsonObject(schema['additionalProperties']);
  return { schema, required: body['required'] === true, mergeable: isPlainObject };
}

/** Keeps the original name unless taken; then `<location>_<name>`, then a numeric suffix. */
function uniqueName(originalName: string, location: ParamLocation, taken: Set<string>): string {
  let name = taken.has(originalName) ? `${location}_${originalName}` : originalName;
  for (let suffix = 2; taken.has(name); suffix++) name = `${location}_${originalName}_${suffix}`;
  taken.add(name);
  return name;
}

function describeOperation(operation: JsonObject): string {
  const summary = ownString(operation, 'summary')?.trim() ?? '';
  const description = ownString(operation, 'description')?.trim() ?? '';
  if (summary === '' || description.startsWith(summary)) return description || summary;
  return description === '' ? summary : `${summary}\n\n${description}`;
}

/** The first server URL, most specific level first, with `{variables}` set to their defaults. */
function firstServerUrl(...levels: unknown[]): string | undefined {
  for (const servers of levels) {
    const [server] = Array.isArray(servers) ? servers : [];
    const url = isJsonObject(server) ? ownString(server, 'url') : undefined;
    if (url === undefined) continue;
    const variables = ownValue(server as JsonObject, 'variables');
    return url.replace(/\{([^}]+)\}/g, (match, variable: string) => {
      const spec = isJsonObject(variables) ? ownValue(variables, variable) : undefined;
      const fallback = isJsonObject(spec) ? ownString(spec, 'default') : undefined;
      return fallback ?? match;
    });
  }
  return undefined;
}

/**
 * OpenAPI 3.0 schemas are not quite JSON Schema: `nullable` and boolean `exclusiveMinimum`/
 * `exclusiveMaximum` are rewritten to their draft-07 meaning, in place.
 */
function convertOpenApi30Schema(schema: JsonObject): void {
  walkSchema(schema, '', MAX_SCHEMA_DEPTH, (node) => {
    if (Object.hasOwn(node, 'nullable')) {
      const type = node['type'];
      if (node['nullable'] === true && typeof type === 'string') node['type'] = [type, 'null'];
      delete node['nullable'];
    }
    for (const [exclusive, bound] of [
      ['exclusiveMinimum', 'minimum'],
      ['exclusiveMaximum', 'maximum'],
    ] as const) {
      if (typeof node[exclusive] !== 'boolean') continue;
      if (node[exclusive] === true && typeof node[bound] === 'number') {
        node[exclusive] = node[bound];
        delete node[bound];
      } else {
        delete node[exclusive];
      }
    }
  });
}
