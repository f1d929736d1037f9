import { parseDocument } from 'yaml';
import { MAX_DOCUMENT_DEPTH, MAX_DOCUMENT_NODES, MAX_IMPORT_BYTES, MAX_YAML_ALIASES } from './limits';
import { toSafeJson } from './plainJson';
import type { ToolProblem } from './types';

export type DocumentSyntax = 'json' | 'jsonl' | 'yaml';

export type ReadDocumentResult =
  | { ok: true; value: unknown; syntax: DocumentSyntax; problems: ToolProblem[] }
  | { ok: false; problems: ToolProblem[] };

/**
 * Text → plain, capped JSON. Text starting with `{` or `[` is JSON, or JSON Lines (one value per
 * line, as BFCL ships); anything else is YAML (OpenAPI specs; YAML also reads JSON). A known file
 * extension picks the syntax outright so errors speak the right language.
 */
export function readDocument(text: string, fileName?: string): ReadDocumentResult {
  if (text.length > MAX_IMPORT_BYTES) {
    return fail(`the text is ${text.length} characters long; the limit is ${MAX_IMPORT_BYTES}`);
  }
  const body = text.replace(/^\uFEFF/, '');
  const extension = /\.([a-z0-9]+)$/i.exec(fileName ?? '')?.[1]?.toLowerCase();
  let parsed: { value: unknown; syntax: DocumentSyntax } | { error: string };
  if (extension === 'jsonl' || extension === 'ndjson') parsed = parseJsonLines(body);
  else if (extension === 'yaml' || extension === 'yml') parsed = parseYaml(body);
  else if (extension === 'json') parsed = parseJsonOrLines(body);
  else parsed = parseAnySyntax(body);
  if ('error' in parsed) return fail(parsed.error);

  const copy = toSafeJson(parsed.value, { maxDepth: MAX_DOCUMENT_DEPTH, maxNodes: MAX_DOCUMENT_NODES });
  if (!copy.ok) {
    const why =
      copy.reason === 'depth'
        ? `nested deeper than ${MAX_DOCUMENT_DEPTH} levels`
        : copy.reason === 'nodes'
          ? `more than ${MAX_DOCUMENT_NODES} values`
          : 'a value that is not plain JSON';
    return { ok: false, problems: [{ severity: 'error', pointer: copy.pointer, message: `the document has ${why}` }] };
  }
  const problems: ToolProblem[] = copy.droppedKeys.map((pointer) => ({
    severity: 'warning',
    pointer,
    message: 'key dropped: "__proto__", "constructor" and "prototype" are not accepted as names',
  }));
  return { ok: true, value: copy.value, syntax: parsed.syntax, problems };
}

/** JSON, or JSON Lines when a multi-line text is not one JSON value (BFCL ships JSONL as `.json`). */
function parseJsonOrLines(body: string): { value: unknown; syntax: DocumentSyntax } | { error: string } {
  const json = parseJson(body);
  if (!('error' in json) || !body.trim().includes('\n')) return json;
  const lines = parseJsonLines(body);
  return 'error' in lines ? json : lines;
}

function parseAnySyntax(body: string): { value: unknown; syntax: DocumentSyntax } | { error: string } {
  const firstChar = body.trimStart()[0];
  return firstChar === '{' || firstChar === '[' ? parseJsonOrLines(body) : parseYaml(body);
}

function parseJson(body: string): { value: unknown; syntax: 'json' } | { error: string } {
  try {
    return { value: JSON.parse(body) as unknown, syntax: 'json' };
  } catch (error) {
    return { error: `not valid JSON: ${describe(error)}` };
  }
}

function parseJsonLines(body: string): { value: unknown[]; syntax: 'jsonl' } | { error: string } {
  const values: unknown[] = [];
  const lines = body.split(/\r?\n/);
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') continue;
    try {
      values.push(JSON.parse(line) as unknown);
    } catch (error) {
      return { error: `line ${index + 1} is not valid JSON: ${describe(error)}` };
    }
  }
  return { value: values, syntax: 'jsonl' };
}

function parseYaml(body: string): { value: unknown; syntax: 'yaml' } | { error: string } {
  try {
    const document = parseDocument(body, { uniqueKeys: true, prettyErrors: true });
    const [firstError] = document.errors;
    if (firstError) return { error: `not valid YAML: ${firstError.message}` };
    return { value: document.toJS({ maxAliasCount: MAX_YAML_ALIASES }) as unknown, syntax: 'yaml' };
  } catch (error) {
    // yaml throws for alias bombs (maxAliasCount) and may overflow on absurd nesting.
    return { error: `not valid YAML: ${describe(error)}` };
  }
}

function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.length > 300 ? `${message.slice(0, 297)}...` : message;
}

function fail(message: string): ReadDocumentResult {
  return { ok: false, problems: [{ severity: 'error', pointer: '', message }] };
}
