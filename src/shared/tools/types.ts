/** A JSON Schema object as it travels through ToolTune: plain JSON, never a class instance. */
export type JsonSchemaObject = { [key: string]: unknown };

export type ParamLocation = 'path' | 'query' | 'header' | 'body';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';

/**
 * How a tool call becomes an HTTP request (kept from an OpenAPI operation).
 * `params` maps every argument name of the tool to where it goes and under which original name.
 * Body: with `bodyMode: 'json-object'` the body is a JSON object built from all `in: 'body'`
 * params, keyed by `originalName`; without it, the single `in: 'body'` param (if any) is the
 * whole JSON body.
 */
export interface HttpBinding {
  kind: 'http';
  method: HttpMethod;
  pathTemplate: string;
  serverUrl?: string;
  params: { name: string; in: ParamLocation; originalName: string }[];
  bodyMode?: 'json-object';
  /** The operation's OpenAPI tags, for choosing operations at import. */
  tags?: string[];
}

export type ToolBinding = HttpBinding;

export interface ToolDefinition {
  name: string;
  description: string;
  /**
   * Always a JSON Schema object describing the arguments. Draft-07 unless `$schema` names
   * 2020-12 (MCP and OpenAPI 3.1 imports set it, since those formats default to 2020-12).
   */
  parameters: JsonSchemaObject;
  binding?: ToolBinding;
}

export type ToolSourceFormat = 'openai' | 'mcp' | 'anthropic' | 'bare' | 'bfcl' | 'openapi';

export interface ToolProblem {
  severity: 'error' | 'warning';
  /** Index into `ToolImportResult.tools` (or into the validated list); absent when no tool applies. */
  toolIndex?: number;
  toolName?: string;
  /**
   * RFC 6901 JSON pointer into the tool's `parameters` schema ("" for problems with the tool as a
   * whole, such as its name), or into the source document where no tool applies.
   */
  pointer: string;
  message: string;
}

/**
 * `tools` holds every tool that could be read, including ones with error problems, so a UI can
 * show them next to their problems; only tools without errors may be saved (`toolsWithoutErrors`).
 */
export interface ToolImportResult {
  format: ToolSourceFormat | null;
  tools: ToolDefinition[];
  problems: ToolProblem[];
}
