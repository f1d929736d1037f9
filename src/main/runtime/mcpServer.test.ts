import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOOL_RESULT_MAX_CHARS } from '../../shared/chat/bindings';
import { ToolTuneError } from '../../shared/errors';
import { parseToolDefinitions } from '../../shared/tools/parseToolDefinitions';
import { isProcessAlive } from '../processes';
import { McpServerConnection, describeCommand, type McpServerConfig } from './mcpServer';

// The reference filesystem server, run from node_modules with this very node: no npx, no network.
const serverPackage = createRequire(import.meta.url).resolve('@modelcontextprotocol/server-filesystem/package.json');
const serverEntry = join(dirname(serverPackage), (JSON.parse(readFileSync(serverPackage, 'utf8')) as { bin: Record<string, string> }).bin['mcp-server-filesystem']!);
const filesystemServer = (root: string): McpServerConfig => ({ command: process.execPath, args: [serverEntry, root] });

// Generous: two slow cores, and each start loads the SDK in a fresh node.
const SLOW = 30_000;

async function startError(config: McpServerConfig, timeoutMs?: number): Promise<ToolTuneError> {
  const error: unknown = await McpServerConnection.start(config, timeoutMs === undefined ? {} : { timeoutMs }).then(
    async (connection) => {
      await connection.close();
      throw new Error('the server started');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ToolTuneError);
  return error as ToolTuneError;
}

describe('McpServerConnection with the reference filesystem server', () => {
  let root: string;
  let server: McpServerConnection;

  beforeAll(async () => {
    root = realpathSync(mkdtempSync(join(tmpdir(), 'tooltune-mcp-')));
    server = await McpServerConnection.start(filesystemServer(root), { timeoutMs: SLOW });
  }, SLOW);
  afterAll(async () => {
    await server?.close();
    rmSync(root, { recursive: true, force: true });
  }, SLOW);

  it('lists its tools with their read-only hints', async () => {
    const tools = await server.listTools();
    const byName = new Map(tools.map((tool) => [tool.name, tool]));
    for (const name of ['read_text_file', 'read_file', 'write_file', 'list_directory', 'edit_file']) expect(byName.has(name), name).toBe(true);
    // This version annotates every tool: readOnlyHint true on the readers, false on the writers.
    expect(byName.get('read_text_file')?.readOnly).toBe(true);
    expect(byName.get('list_directory')?.readOnly).toBe(true);
    expect(byName.get('write_file')?.readOnly).toBe(false);
    expect(byName.get('move_file')?.readOnly).toBe(false);
    expect(byName.get('write_file')?.description).toMatch(/overwrite/);
    expect(byName.get('write_file')?.inputSchema).toMatchObject({ type: 'object', properties: { path: { type: 'string' }, content: { type: 'string' } } });
  }, SLOW);

  it('gives a tools/list result the MCP importer reads', async () => {
    const json = await server.toolsListJson();
    const result = parseToolDefinitions(json, { fileName: 'tools.json' });
    expect(result.format).toBe('mcp');
    expect(result.problems.filter((problem) => problem.severity === 'error')).toEqual([]);
    expect(result.tools.map((tool) => tool.name)).toEqual((await server.listTools()).map((tool) => tool.name));
    expect((JSON.parse(json) as { tools: { annotations?: unknown }[] }).tools[0]?.annotations).toBeDefined();
  }, SLOW);

  it('writes a file and reads it back', async () => {
    const path = join(root, 'note.txt');
    const written = await server.callTool('write_file', { path, content: 'hello, MCP\nsecond line' });
    expect(written).toEqual({ text: `Successfully wrote to ${path}`, isError: false, truncated: false });
    expect(readFileSync(path, 'utf8')).toBe('hello, MCP\nsecond line');
    expect(await server.callTool('read_text_file', { path })).toEqual({ text: 'hello, MCP\nsecond line', isError: false, truncated: false });
  }, SLOW);

  it('reports a path outside its root as a tool error', async () => {
    const result = await server.callTool('read_text_file', { path: join(dirname(root), 'elsewhere.txt') });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/access denied|outside allowed/i);
  }, SLOW);

  it('reports an unknown tool and bad arguments as tool errors', async () => {
    expect((await server.callTool('no_such_tool', {})).isError).toBe(true);
    expect((await server.callTool('write_file', { path: 42 })).isError).toBe(true);
  }, SLOW);

  it('caps a long answer', async () => {
    const path = join(root, 'long.txt');
    writeFileSync(path, 'x'.repeat(TOOL_RESULT_MAX_CHARS * 2));
    const result = await server.callTool('read_text_file', { path });
    expect(result.truncated).toBe(true);
    expect(result.text.length).toBeLessThanOrEqual(TOOL_RESULT_MAX_CHARS);
    expect(result.text.endsWith('[truncated]')).toBe(true);
  }, SLOW);

  it('describes a non-text part by its type and size', async () => {
    const path = join(root, 'pixel.png');
    writeFileSync(path, Buffer.alloc(1234, 7));
    expect(await server.callTool('read_media_file', { path })).toEqual({ text: '[image/png, 1234 bytes]', isError: false, truncated: false });
  }, SLOW);

  it('rejects with the reason of an aborted signal', async () => {
    const reason = new Error('user cancelled');
    await expect(server.callTool('list_directory', { path: root }, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    // Still usable afterwards.
    expect((await server.callTool('list_directory', { path: root })).text).toContain('[FILE] note.txt');
  }, SLOW);
});

describe('McpServerConnection lifecycle', () => {
  let root: string;
  beforeAll(() => {
    root = realpathSync(mkdtempSync(join(tmpdir(), 'tooltune-mcp-')));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('close ends the process, is idempotent, and later calls are unavailable', async () => {
    const server = await McpServerConnection.start(filesystemServer(root), { timeoutMs: SLOW });
    const pid = server.pid;
    expect(pid).toBeTypeOf('number');
    expect(isProcessAlive(pid!)).toBe(true);
    expect(server.stderrTail).toContain('Secure MCP Filesystem Server running on stdio');
    await Promise.all([server.close(), server.close()]);
    await server.close();
    expect(isProcessAlive(pid!)).toBe(false);
    expect(server.closed).toBe(true);
    await expect(server.callTool('list_directory', { path: root })).rejects.toMatchObject({ code: 'unavailable' });
  }, SLOW);

  it('a server that dies is unavailable, with its stderr', async () => {
    const server = await McpServerConnection.start(filesystemServer(root), { timeoutMs: SLOW });
    process.kill(server.pid!, 'SIGKILL');
    await expect.poll(() => server.closed, { timeout: 10_000 }).toBe(true);
    const error = await server.callTool('list_directory', { path: root }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'unavailable' });
    expect((error as Error).message).toContain('Secure MCP Filesystem Server running on stdio');
    await server.close();
  }, SLOW);

  it('a message over the size cap ends the server', async () => {
    // Answers initialize, then meets any request with one 5 MB line.
    const script = `
      let buffer = '';
      process.stdin.on('data', (chunk) => {
        buffer += chunk;
        for (let end; (end = buffer.indexOf('\\n')) >= 0; buffer = buffer.slice(end + 1)) {
          const message = JSON.parse(buffer.slice(0, end));
          if (message.id === undefined) continue;
          const result = message.method === 'initialize'
            ? { protocolVersion: message.params.protocolVersion, capabilities: { tools: {} }, serverInfo: { name: 'flood', version: '1' } }
            : { tools: [{ name: 'x'.repeat(5 * 1024 * 1024), inputSchema: { type: 'object' } }] };
          process.stdout.write(JSON.stringify({ jsonrpc: '2.0', id: message.id, result }) + '\\n');
        }
      });`;
    const server = await McpServerConnection.start({ command: process.execPath, args: ['-e', script] }, { timeoutMs: SLOW });
    const pid = server.pid!;
    const error = await server.listTools().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'unavailable' });
    expect((error as Error).message).toMatch(/no longer running \(ReadBuffer exceeded maximum size/);
    await server.close();
    expect(isProcessAlive(pid)).toBe(false);
  }, SLOW);

  it('a command that does not exist is unavailable, naming the command', async () => {
    const error = await startError({ command: '/no/such/mcp-server', args: ['--flag'] });
    expect(error.code).toBe('unavailable');
    expect(error.message).toBe('the MCP server command was not found: /no/such/mcp-server --flag');
  }, SLOW);

  it('a server that exits at once is unavailable, with the tail of its stderr', async () => {
    const error = await startError(filesystemServer(join(root, 'missing')));
    expect(error.code).toBe('unavailable');
    expect(error.message).toContain(`exited before it answered`);
    expect(error.message).toContain(serverEntry);
    expect(error.message).toContain('None of the specified directories are accessible');
  }, SLOW);

  it('a server that never answers is unavailable after the timeout, and is stopped', async () => {
    const marker = join(root, 'silent.pid');
    // Writes its pid, then ignores stdin and every signal but SIGKILL.
    const script = `require('fs').writeFileSync(${JSON.stringify(marker)}, String(process.pid)); process.on('SIGTERM', () => {}); setInterval(() => {}, 1000);`;
    const error = await startError({ command: process.execPath, args: ['-e', script] }, 3000);
    expect(error.code).toBe('unavailable');
    expect(error.message).toMatch(/did not answer within 3 s/);
    expect(isProcessAlive(Number(readFileSync(marker, 'utf8')))).toBe(false);
  }, SLOW);
});

describe('describeCommand', () => {
  it('quotes what a POSIX shell would split or expand', () => {
    expect(describeCommand({ command: '/usr/bin/node', args: ['server.js', '/tmp/a b', "it's", '$HOME', '', '--x=1', 'a*b'] })).toBe(
      `/usr/bin/node server.js '/tmp/a b' 'it'\\''s' '$HOME' '' --x=1 'a*b'`,
    );
  });

  it('shows the variables first and quotes a command with spaces', () => {
    expect(describeCommand({ command: '/Applications/My Server/bin/mcp', args: [], env: { API_MODE: 'read only', DEBUG: '1' } })).toBe(
      `API_MODE='read only' DEBUG=1 '/Applications/My Server/bin/mcp'`,
    );
  });
});
