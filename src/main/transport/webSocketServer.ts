/**
 * Serve mode: the renderer as static files plus the RPC over a loopback WebSocket.
 * Only loopback is ever bound; every RPC connection must present the random token
 * printed at start (the page receives it in the URL fragment) and come from the
 * same host, which also defeats DNS-rebinding pages.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { MAX_MESSAGE_BYTES } from '../../shared/rpc/protocol';
import { CONTENT_SECURITY_POLICY } from './contentSecurity';
import type { EventHub } from './eventHub';
import type { RpcServer } from './rpcServer';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

export interface ServeOptions {
  rendererDir: string;
  host?: string;
  port?: number;
  token?: string;
}

export interface RunningServe {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

function sameToken(given: string | null, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function isLoopbackHost(hostHeader: string | undefined, port: number): boolean {
  return hostHeader === `127.0.0.1:${port}` || hostHeader === `localhost:${port}` || hostHeader === `[::1]:${port}`;
}

async function serveStatic(rendererDir: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
  const relative = normalize(pathname === '/' ? '/index.html' : pathname).replace(/^([/\\])+/, '');
  const file = join(rendererDir, relative);
  const inside = file === rendererDir || file.startsWith(rendererDir + sep);
  const target = inside && (await stat(file).catch(() => null))?.isFile() ? file : join(rendererDir, 'index.html');
  const body = await readFile(target);
  response.writeHead(200, {
    'Content-Type': MIME[extname(target)] ?? 'application/octet-stream',
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
  });
  response.end(request.method === 'HEAD' ? undefined : body);
}

export async function startServe(server: RpcServer, events: EventHub, options: ServeOptions): Promise<RunningServe> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? randomBytes(24).toString('base64url');
  let port = 0;

  const http: Server = createServer((request, response) => {
    if (!isLoopbackHost(request.headers.host, port) || (request.method !== 'GET' && request.method !== 'HEAD')) {
      response.writeHead(403).end();
      return;
    }
    serveStatic(options.rendererDir, request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500);
      response.end('ToolTune could not read its UI files. Run `npm run build` first.');
    });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  http.on('upgrade', (request, socket, head) => {
    const url = new URL(request.url ?? '/', 'http://x');
    const origin = request.headers.origin;
    const originOk = origin === undefined || isLoopbackHost(origin.replace(/^https?:\/\//, ''), port);
    if (url.pathname !== '/rpc' || !isLoopbackHost(request.headers.host, port) || !originOk || !sameToken(url.searchParams.get('token'), token)) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => attach(ws));
  });

  function attach(ws: WebSocket): void {
    const disconnect = events.connect((message) => ws.send(JSON.stringify(message)));
    ws.on('close', disconnect);
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      let parsed: unknown;
      try {
        parsed = JSON.parse(data.toString());
      } catch {
        return; // Not JSON: nothing to answer to.
      }
      void server.handle(parsed).then((result) => {
        if (result && ws.readyState === ws.OPEN) ws.send(JSON.stringify(result));
      });
    });
  }

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, host, () => resolve());
  });
  port = (http.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}/#token=${token}`,
    port,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        http.close(() => resolve());
      }),
  };
}
