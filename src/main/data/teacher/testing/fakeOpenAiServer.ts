import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isJsonObject } from '../../../../shared/tools/plainJson';

/** What a test's fake server received: the parsed body and the authorization header. */
export interface ReceivedRequest {
  body: { model?: string; seed?: number; response_format?: { type: string; json_schema?: { schema: unknown } }; messages?: { role: string; content: string }[] };
  authorization: string | undefined;
}

/** Decides one answer; `reply` helpers cover the usual cases. */
export type FakeHandler = (request: ReceivedRequest, response: ServerResponse, index: number) => void | Promise<void>;

export interface FakeOpenAiServer {
  baseUrl: string;
  requests: ReceivedRequest[];
  handle: FakeHandler;
  close(): Promise<void>;
}

/** An OpenAI-compatible `/v1/chat/completions` on 127.0.0.1 whose answers the test scripts. */
export async function startFakeOpenAiServer(handle: FakeHandler): Promise<FakeOpenAiServer> {
  const fake: FakeOpenAiServer = {
    baseUrl: '',
    requests: [],
    handle,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const received: ReceivedRequest = { body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as ReceivedRequest['body'], authorization: request.headers.authorization };
      const index = fake.requests.push(received) - 1;
      if (request.url !== '/v1/chat/completions') return void response.writeHead(404).end('not found');
      void Promise.resolve(fake.handle(received, response, index)).catch((error: unknown) => response.writeHead(500).end(String(error)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  return fake;
}

/** Answers with a chat completion whose message content is `content`. */
export function replyContent(response: ServerResponse, content: string, status = 200): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }] }));
}

/**
 * A minimal instance of a JSON Schema in the subset the teacher asks with: the first enum value or
 * `oneOf` option, every property, `max(minItems, 1)` array items. Strings repeat `text`.
 */
export function instanceOf(schema: unknown, text = 'Paris'): unknown {
  if (!isJsonObject(schema)) return null;
  if (Array.isArray(schema['enum'])) return schema['enum'][0];
  if ('const' in schema) return schema['const'];
  if (Array.isArray(schema['oneOf'])) return instanceOf(schema['oneOf'][0], text);
  const type = Array.isArray(schema['type']) ? schema['type'][0] : schema['type'];
  switch (type) {
    case 'string': {
      const max = typeof schema['maxLength'] === 'number' ? schema['maxLength'] : 100;
      return schema['format'] === 'date' ? '2024-05-01' : text.padEnd(Number(schema['minLength'] ?? 0), '.').slice(0, max);
    }
    case 'number':
    case 'integer':
      return Math.max(1, Number(schema['minimum'] ?? 1));
    case 'boolean':
      return true;
    case 'null':
      return null;
    case 'array': {
      const max = typeof schema['maxItems'] === 'number' ? schema['maxItems'] : 1;
      return Array.from({ length: Math.min(max, Math.max(Number(schema['minItems'] ?? 0), 1)) }, () => instanceOf(schema['items'], text));
    }
    case 'object': {
      const properties = isJsonObject(schema['properties']) ? schema['properties'] : {};
      return Object.fromEntries(Object.entries(properties).map(([key, value]) => [key, instanceOf(value, text)]));
    }
    default:
      return null;
  }
}
