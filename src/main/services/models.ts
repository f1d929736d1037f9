import { randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import { basename, isAbsolute, join } from 'node:path';
import type { Database } from 'better-sqlite3';
import type { BaseModel, DownloadInfo, ModelFileInfo, ModelFileState, ModelSource } from '../../shared/contract/models';
import { MODEL_CATALOG, type CatalogModel } from '../../shared/models/catalog';
import { ModelDownloads } from '../models/modelDownloads';
import type { Contract } from '../../shared/contract';
import type { ServiceImpl } from '../../shared/contract/spec';
import { ToolTuneError } from '../../shared/errors';
import { ensureDemoModelFile } from '../models/demoModel';
import { hashFile, inspectModelFile } from '../models/modelInspection';
import type { EventHub } from '../transport/eventHub';

interface ModelRow {
  id: string;
  path: string;
  source: ModelSource;
  size_bytes: number;
  mtime_ms: number;
  sha256: string;
  info_json: string;
  added_at: string;
}

function fileStateOf(row: Pick<ModelRow, 'path' | 'size_bytes' | 'mtime_ms'>): ModelFileState {
  try {
    const stat = statSync(row.path);
    return stat.size === row.size_bytes && Math.round(stat.mtimeMs) === row.mtime_ms ? 'ok' : 'changed';
  } catch {
    return 'missing';
  }
}

function toBaseModel(row: ModelRow): BaseModel {
  const info = JSON.parse(row.info_json) as ModelFileInfo;
  return {
    id: row.id,
    displayName: info.name ?? basename(row.path),
    path: row.path,
    source: row.source,
    sizeBytes: row.size_bytes,
    sha256: row.sha256,
    addedAt: row.added_at,
    info,
    fileState: fileStateOf(row),
  };
}

function requireAbsolute(path: string): void {
  if (!isAbsolute(path)) throw new ToolTuneError('invalid-input', `Give the full path of the model file, not ${JSON.stringify(path)}.`);
}

/** The models library (shared by all projects) and each project's choice of base. */
export class ModelService implements ServiceImpl<Contract['models']> {
  private demoPending: Promise<BaseModel> | null = null;
  private readonly transfers: ModelDownloads;

  constructor(
    private readonly db: Database,
    private readonly modelsDir: string,
    private readonly events: EventHub,
  ) {
    this.transfers = new ModelDownloads(
      join(modelsDir, 'downloads'),
      (info) => this.events.emit('models', 'downloadProgress', info),
      async (path) => (await this.addFile(path, 'download')).id,
    );
  }

  catalog(): CatalogModel[] {
    return [...MODEL_CATALOG];
  }

  download(request: { uri: string; endpoint?: string }): DownloadInfo {
    return this.transfers.start(request);
  }

  cancelDownload({ downloadId }: { downloadId: string }): DownloadInfo {
    const info = this.transfers.cancel(downloadId);
    if (!info) throw new ToolTuneError('not-found', `No download with id ${downloadId}.`);
    return info;
  }

  downloads(): DownloadInfo[] {
    return this.transfers.list();
  }

  dispose(): void {
    this.transfers.dispose();
  }

  list(): BaseModel[] {
    const rows = this.db.prepare("SELECT * FROM models ORDER BY source = 'demo' DESC, added_at DESC").all() as ModelRow[];
    return rows.map(toBaseModel);
  }

  get(id: string): BaseModel {
    const row = this.db.prepare('SELECT * FROM models WHERE id = ?').get(id) as ModelRow | undefined;
    if (!row) throw new ToolTuneError('not-found', `No model with id ${id} in the library.`);
    return toBaseModel(row);
  }

  inspect({ path }: { path: string }): ModelFileInfo {
    requireAbsolute(path);
    return inspectModelFile(path);
  }

  add({ path }: { path: string }): Promise<BaseModel> {
    requireAbsolute(path);
    return this.addFile(path, 'local');
  }

  remove({ id }: { id: string }): { removed: true } {
    const { changes } = this.db.prepare('DELETE FROM models WHERE id = ?').run(id);
    if (changes === 0) throw new ToolTuneError('not-found', `No model with id ${id} in the library.`);
    this.events.emit('models', 'didChange', {});
    return { removed: true };
  }

  ensureDemo(): Promise<BaseModel> {
    this.demoPending ??= (async () => {
      try {
        return await this.addFile(ensureDemoModelFile(this.modelsDir), 'demo');
      } finally {
        this.demoPending = null;
      }
    })();
    return this.demoPending;
  }

  projectBase({ projectId }: { projectId: string }): BaseModel | null {
    const row = this.db.prepare('SELECT base_model_id AS id FROM projects WHERE id = ?').get(projectId) as { id: string | null } | undefined;
    if (!row) throw new ToolTuneError('not-found', `No project with id ${projectId}.`);
    return row.id === null ? null : this.get(row.id);
  }

  setProjectBase({ projectId, modelId }: { projectId: string; modelId: string | null }): BaseModel | null {
    if (modelId !== null) this.get(modelId);
    const { changes } = this.db.prepare('UPDATE projects SET base_model_id = ?, updated_at = ? WHERE id = ?').run(modelId, new Date().toISOString(), projectId);
    if (changes === 0) throw new ToolTuneError('not-found', `No project with id ${projectId}.`);
    this.events.emit('models', 'didChange', {});
    return this.projectBase({ projectId });
  }

  /** Inspects, hashes and stores the file; a path already in the library is re-read and updated in place. */
  private async addFile(path: string, source: ModelSource): Promise<BaseModel> {
    const info = inspectModelFile(path);
    const before = statSync(path);
    const sha256 = await hashFile(path);
    const after = statSync(path);
    if (after.size !== before.size || after.mtimeMs !== before.mtimeMs) {
      throw new ToolTuneError('conflict', `${path} changed while it was read (still being written or downloaded?): add it once it is complete.`);
    }
    const existing = this.db.prepare('SELECT id FROM models WHERE path = ?').pluck().get(path) as string | undefined;
    const id = existing ?? randomUUID();
    this.db
      .prepare(
        `INSERT INTO models (id, path, source, size_bytes, mtime_ms, sha256, info_json, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET size_bytes = excluded.size_bytes, mtime_ms = excluded.mtime_ms, sha256 = excluded.sha256, info_json = excluded.info_json`,
      )
      .run(id, path, source, after.size, Math.round(after.mtimeMs), sha256, JSON.stringify(info), new Date().toISOString());
    this.events.emit('models', 'didChange', {});
    return this.get(id);
  }
}

/** Where the library keeps files it creates itself (the demo base, downloads). */
export function modelsDirOf(dataDir: string): string {
  return join(dataDir, 'models');
}
