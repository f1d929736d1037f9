import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DownloadInfo } from '../../shared/contract';
import { runCliAsync } from '../testing/runCli';
import { createTempServices, type TempServices } from '../testing/tempServices';
import { writeTinyQwen2Model } from './tinyModel.js';

/** Range answers go out in pieces of this size, so a transfer can be paced and a closed one stops. */
const PIECE_BYTES = 64 * 1024;

/**
 * A loopback stand-in for the hub, answering what node-llama-cpp's downloader asks: the manifest of
 * `hf:user/repo:QUANT` and the file at `/user/repo/resolve/main/<file>`, with `Range` requests. It can cut
 * one transfer off halfway (the socket closes mid-body) and pace its transfers.
 */
class FakeHub {
  server!: Server;
  /** Bytes written in answer to range requests (the file's transfers); a transfer the client closed stops counting. */
  bytesServed = 0;
  cutAt: number | null = null;
  /** Milliseconds between two pieces of one transfer. */
  pieceDelayMs = 0;

  constructor(private readonly file: Buffer) {}

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  async listen(): Promise<void> {
    this.server = createServer((req, res) => this.answer(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }

  private answer(req: IncomingMessage, res: ServerResponse): void {
    if (req.url?.startsWith('/v2/tooltune/tiny-GGUF/manifests/Q8_0')) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ggufFile: { rfilename: 'tiny.Q8_0.gguf' } }));
      return;
    }
    // Any file of a tooltune/*-GGUF repository is the same bytes (a fresh name downloads again).
    if (!/^\/tooltune\/[a-z]+-GGUF\/resolve\/main\/[a-z]+\.Q8_0\.gguf/.test(req.url ?? '') || req.url?.includes('none')) {
      res.writeHead(404).end();
      return;
    }
    const size = this.file.byteLength;
    const range = /bytes=(\d+)-(\d*)/.exec(req.headers.range ?? '');
    const start = range ? Number(range[1]) : 0;
    const end = range && range[2] ? Number(range[2]) : size - 1;
    res.writeHead(range ? 206 : 200, {
      'accept-ranges': 'bytes',
      'content-length': String(end - start + 1),
      ...(range ? { 'content-range': `bytes ${start}-${end}/${size}` } : {}),
    });
    const body = this.file.subarray(start, end + 1);
    // The downloader's first request only reads the headers (size, ranges): count and cut range transfers.
    if (!range) {
      res.end(body);
      return;
    }
    void this.send(res, body);
  }

  /** Writes `body` piece by piece until done, cut or closed by the client. */
  private async send(res: ServerResponse, body: Buffer): Promise<void> {
    for (let from = 0; from < body.byteLength; from += PIECE_BYTES) {
      if (res.destroyed) return;
      const piece = body.subarray(from, from + PIECE_BYTES);
      if (this.cutAt !== null && this.bytesServed + piece.byteLength > this.cutAt) {
        const part = Math.max(0, this.cutAt - this.bytesServed);
        this.cutAt = null;
        this.bytesServed += part;
        res.write(piece.subarray(0, part), () => res.destroy());
        return;
      }
      this.bytesServed += piece.byteLength;
      if (!res.write(piece)) await new Promise((resolve) => res.once('drain', resolve).once('close', resolve));
      if (this.pieceDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.pieceDelayMs));
    }
    res.end();
  }
}

let t: TempServices;
let hub: FakeHub;
let file: Buffer;

beforeAll(async () => {
  delete process.env.HF_TOKEN;
  t = await createTempServices();
  const path = join(t.dataDir, 'source.gguf');
  writeTinyQwen2Model(path, { layers: 1, embd: 32, heads: 2, kvHeads: 1, ff: 64, seed: 5, tiedOutput: true });
  file = readFileSync(path);
  hub = new FakeHub(file);
  await hub.listen();
}, 60_000);

afterAll(() => {
  hub?.server.close();
  t?.dispose();
  if (t) rmSync(t.dataDir, { recursive: true, force: true });
});

function settled(id: string, timeoutMs = 60_000): Promise<DownloadInfo> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('download did not settle')), timeoutMs);
    const check = async () => {
      const info = (await t.api.models.downloads({})).find((d) => d.id === id);
      if (info && info.state !== 'running') {
        clearTimeout(timer);
        resolve(info);
      } else setTimeout(() => void check(), 100);
    };
    void check();
  });
}

/** node-llama-cpp's downloader (ipull) writes and keeps its progress in chunks of this size. */
const DOWNLOAD_CHUNK_BYTES = 5 * 2 ** 20;

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('model downloads through node-llama-cpp against a loopback hub', () => {
  it('resolves hf:user/repo:QUANT through the manifest, survives a transfer cut off halfway and adds the file', async () => {
    expect(file.byteLength).toBeGreaterThan(20 * 2 ** 20);
    hub.cutAt = Math.floor(file.byteLength / 2);
    const progress: DownloadInfo[] = [];
    const stop = t.api.models.on('downloadProgress', (info) => progress.push(info));
    const started = await t.api.models.download({ uri: 'hf:tooltune/tiny-GGUF:Q8_0', endpoint: hub.url });
    const done = await settled(started.id);
    stop();
    expect(done.state, done.message ?? '').toBe('done');
    expect(hub.cutAt).toBeNull(); // the cut happened
    const model = (await t.api.models.list({})).find((m) => m.id === done.modelId);
    expect(model).toMatchObject({ source: 'download', sha256: sha(file), sizeBytes: file.byteLength });
    expect(progress.some((p) => p.downloadedBytes > 0 && p.downloadedBytes < file.byteLength)).toBe(true);
    // After the cut only the missing part came again, by Range requests.
    expect(hub.bytesServed).toBeLessThan(file.byteLength * 1.3);
  }, 120_000);

  it('a cancelled download keeps its whole chunks and resumes after them', async () => {
    hub.bytesServed = 0;
    // About 2 MB/s per connection: the download takes seconds, so the cancel comes in the middle of it.
    hub.pieceDelayMs = 30;
    const uri = `${hub.url}tooltune/tiny-GGUF/resolve/main/tiny.Q8_0.gguf`;
    const first = await t.api.models.download({ uri });
    // The downloader keeps its progress per whole chunk (5 MiB) on each of its 4 connections: past 20 MiB at least
    // one chunk is whole (below it, all 4 connections could be inside their first chunk and nothing is kept).
    const kept = 4 * DOWNLOAD_CHUNK_BYTES;
    while (((await t.api.models.downloads({})).find((d) => d.id === first.id)?.downloadedBytes ?? 0) <= kept) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await t.api.models.cancelDownload({ downloadId: first.id });
    expect((await settled(first.id)).state).toBe('cancelled');
    hub.pieceDelayMs = 0;
    const servedBefore = hub.bytesServed;
    const second = await t.api.models.download({ uri });
    const done = await settled(second.id);
    expect(done.state, done.message ?? '').toBe('done');
    expect(sha(readFileSync(done.path ?? ''))).toBe(sha(file));
    expect(hub.bytesServed - servedBefore).toBeLessThanOrEqual(file.byteLength - DOWNLOAD_CHUNK_BYTES);
  }, 120_000);

  it('downloads from the CLI and prints the library entry as JSON', async () => {
    t.services.dispose(); // the CLI opens the same data folder in its own process
    const cli = await runCliAsync(t.dataDir, ['models', 'download', 'hf:tooltune/cli-GGUF/cli.Q8_0.gguf', '--endpoint', hub.url, '--json']);
    t = await createTempServices({ dataDir: t.dataDir });
    expect(cli.status, cli.stderr).toBe(0);
    expect(JSON.parse(cli.stdout)).toMatchObject({ source: 'download', sha256: sha(file), path: expect.stringMatching(/cli\.Q8_0\.gguf$/) });
  }, 120_000);

  it('says what went wrong when the hub does not have the file', async () => {
    const started = await t.api.models.download({ uri: 'hf:tooltune/none-GGUF:Q8_0', endpoint: hub.url });
    const failed = await settled(started.id);
    expect(failed.state).toBe('failed');
    expect(failed.message).toBeTruthy();
  }, 60_000);
});
