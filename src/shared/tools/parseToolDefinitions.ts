import { checkToolList } from './checkToolList';
import { detectFunctionListFormat, readFunctionList, type SourceItem } from './functionListFormats';
import { appendPointer } from './jsonPointer';
import { MAX_TOOLS } from './limits';
import { isOpenApiDocument, readOpenApi } from './openApiImport';
import { isJsonObject, ownValue } from './plainJson';
import { readDocument } from './readDocument';
import type { FormatReadResult } from './readResult';
import type { ToolImportResult, ToolProblem, ToolSourceFormat } from './types';

export interface ParseToolOptions {
  /** Picks the syntax by extension (.json, .jsonl/.ndjson, .yaml/.yml); otherwise it is sniffed. */
  fileName?: string;
  /** Names already in the project: reusing one is an error. */
  existingNames?: readonly string[];
}

/**
 * Reads tool definitions in any supported format and normalizes them. Never throws: every
 * failure, expected or not, comes back as a problem. Schemas are checked structurally here;
 * the full JSON Schema check (ajv) lives in main.
 */
export function parseToolDefinitions(text: string, options: ParseToolOptions = {}): ToolImportResult {
  try {
    return parseUnguarded(text, options);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { format: null, tools: [], problems: [{ severity: 'error', pointer: '', message: `import failed: ${message.slice(0, 300)}` }] };
  }
}

function parseUnguarded(text: string, options: ParseToolOptions): ToolImportResult {
  if (typeof text !== 'string') return fromRead(null, { tools: [], problems: [documentError('', 'the input is not text')] });
  const document = readDocument(text, options.fileName);
  if (!document.ok) return { format: null, tools: [], problems: document.problems };

  let format: ToolSourceFormat | null;
  let read: FormatReadResult;
  if (isOpenApiDocument(document.value)) {
    format = 'openapi';
    read = readOpenApi(document.value);
  } else {
    const items = findFunctionItems(document.value);
    format = items.length > MAX_TOOLS ? null : detectFunctionListFormat(items);
    if (items.length > MAX_TOOLS) {
      read = { tools: [], problems: [documentError('', `${items.length} tools found; at most ${MAX_TOOLS} can be imported at once`)] };
    } else if (format === null) {
      read = { tools: [], problems: [documentError('', unrecognizedMessage(items.length))] };
    } else {
      read = readFunctionList(items, format);
    }
  }
  const result = fromRead(format, read, options.existingNames);
  result.problems.unshift(...document.problems);
  return result;
}

/** Gives each tool its index, attaches its problems, then applies the format-independent rules. */
function fromRead(format: ToolSourceFormat | null, read: FormatReadResult, existingNames: readonly string[] = []): ToolImportResult {
  const tools = read.tools.map((entry) => entry.tool);
  const problems: ToolProblem[] = [...read.problems];
  read.tools.forEach((entry, toolIndex) => {
    for (const problem of entry.problems) problems.push({ ...problem, toolIndex, toolName: entry.tool.name });
  });
  problems.push(...checkToolList(tools, existingNames));
  return { format, tools, problems };
}

/**
 * The function records in a document, wherever the known wrappers keep them: a bare array, a
 * JSON-RPC `tools/list` response (`result.tools`), `{tools}` or legacy `{functions}`, BFCL entries
 * (`{question, function}`, one per JSONL line; functions repeated across entries are read once),
 * or one function on its own.
 */
function findFunctionItems(document: unknown): SourceItem[] {
  const items: SourceItem[] = [];
  const seenBfclFunctions = new Set<string>();
  const visit = (value: unknown, pointer: string, allowList: boolean): void => {
    if (Array.isArray(value) && allowList) {
      value.forEach((item: unknown, index) => visit(item, appendPointer(pointer, index), false));
      return;
    }
    if (isJsonObject(value)) {
      const rpcResult = ownValue(value, 'result');
      if (isJsonObject(rpcResult) && Array.isArray(ownValue(rpcResult, 'tools'))) {
        return visit(rpcResult['tools'], appendPointer(pointer, 'result', 'tools'), true);
      }
      for (const key of ['tools', 'functions']) {
        if (Array.isArray(ownValue(value, key))) return visit(value[key], appendPointer(pointer, key), true);
      }
      const bfclFunctions = ownValue(value, 'function');
      if (Object.hasOwn(value, 'question') && (Array.isArray(bfclFunctions) || isJsonObject(bfclFunctions))) {
        const list = Array.isArray(bfclFunctions) ? bfclFunctions : [bfclFunctions];
        list.forEach((fn: unknown, index) => {
          const key = JSON.stringify(fn);
          if (seenBfclFunctions.has(key)) return;
          seenBfclFunctions.add(key);
          items.push({ value: fn, pointer: appendPointer(pointer, 'function', ...(Array.isArray(bfclFunctions) ? [index] : [])) });
        });
        return;
      }
    }
    items.push({ value, pointer });
  };
  visit(document, '', true);
  return items;
}

function unrecognizedMessage(itemCount: number): string {
  const expected =
    'expected OpenAI tools, an MCP tools/list result, Anthropic tools, {name, description, parameters} functions, BFCL functions or an OpenAPI 3 document';
  return itemCount === 0 ? `no tools found; ${expected}` : `the tool format was not recognized; ${expected}`;
}

function documentError(pointer: string, message: string): ToolProblem {
  return { severity: 'error', pointer, message };
}
