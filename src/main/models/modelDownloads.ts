/**
 * Downloads into the models library through node-llama-cpp's own downloader (`hf:` URIs or http(s) URLs;
 * progress; an interrupted or cancelled download keeps its partial file and, started again, resumes after its last
 * whole 5 MiB chunk: the downloader keeps its progress per chunk). The hub's address is configurable for mirrors
 * (`endpoint`).
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createModelDownloader } from 'node-llama-cpp';
import type { DownloadInfo } from '../../shared/contract/models';
import { errorMessage } from '../../shared/errors';

export interface DownloadRequest {
  uri: string;
  endpoint?: string;
}

/** Progress events per download: at most one per interval. */
const PROGRESS_INTERVAL_MS = 250;

export class ModelDownloads {
  private readonly downloads = new Map<string, { info: DownloadInfo; abort: AbortController }>();

  constructor(
    private readonly dir: string,
    private readonly onChange: (info: DownloadInfo) => void,
    /** Called with the finished file; what it returns (the library entry) ends the download. */
    private readonly onFinished: (path: string) => Promise<string>,
  ) {}

  list(): DownloadInfo[] {
    return [...this.downloads.values()].map((d) => d.info);
  }

  get(id: string): DownloadInfo | undefined {
    return this.downloads.get(id)?.info;
  }

  /** Starts (or, for a URI with a partial file, resumes) a download; returns at once. */
  start(request: DownloadRequest): DownloadInfo {
    const running = [...this.downloads.values()].find((d) => d.info.uri === request.uri && d.info.state === 'running');
    if (running) return running.info;
    const info: DownloadInfo = { id: randomUUID(), uri: request.uri, state: 'running', downloadedBytes: 0, totalBytes: 0, path: null, modelId: null, message: null };
    const abort = new AbortController();
    this.downloads.set(info.id, { info, abort });
    void this.run(info, request, abort.signal);
    return info;
  }

  /** Stops a download; its partial file stays, so starting the same URI again resumes it. */
  cancel(id: string): DownloadInfo | undefined {
    const entry = this.downloads.get(id);
    if (entry?.info.state === 'running') entry.abort.abort();
    return entry?.info;
  }

  dispose(): void {
    for (const entry of this.downloads.values()) entry.abort.abort();
  }

  private update(info: DownloadInfo, change: Partial<DownloadInfo>): void {
    Object.assign(info, change);
    this.onChange({ ...info });
  }

  private async run(info: DownloadInfo, request: DownloadRequest, signal: AbortSignal): Promise<void> {
    let last = 0;
    let closed: Promise<void> = Promise.resolve();
    try {
      mkdirSync(this.dir, { recursive: true });
      const downloader = await createModelDownloader({
        modelUri: request.uri,
        dirPath: this.dir,
        deleteTempFileOnCancel: false,
        skipExisting: true,
        ...(request.endpoint ? { endpoints: { huggingFace: request.endpoint } } : {}),
        onProgress: ({ totalSize, downloadedSize }) => {
          const now = Date.now();
          if (now - last < PROGRESS_INTERVAL_MS && downloadedSize < totalSize) return;
          last = now;
          this.update(info, { downloadedBytes: downloadedSize, totalBytes: totalSize });
        },
      });
      this.update(info, { totalBytes: downloader.totalSize, path: downloader.entrypointFilePath });
      if (signal.aborted) throw new Error('cancelled');
      // Cancelled here rather than through download's own signal, which closes the partial file without waiting:
      // a resume started at once then found the file still being closed and downloaded everything again.
      closed = new Promise<void>((resolve) => {
        signal.addEventListener('abort', () => void downloader.cancel({ deleteTempFile: false }).finally(resolve), { once: true });
      });
      const path = await downloader.download();
      // The downloader resolves even when cancelled: what was asked decides.
      if (signal.aborted) {
        await closed;
        return this.update(info, { state: 'cancelled', message: 'Cancelled; start it again to resume.' });
      }
      this.update(info, { downloadedBytes: downloader.totalSize, path });
      const modelId = await this.onFinished(path);
      this.update(info, { state: 'done', modelId });
    } catch (error) {
      if (signal.aborted) {
        await closed;
        this.update(info, { state: 'cancelled', message: 'Cancelled; start it again to resume.' });
      } else this.update(info, { state: 'failed', message: errorMessage(error) });
    }
  }
}
