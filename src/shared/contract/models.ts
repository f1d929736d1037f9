import type { CatalogModel } from '../models/catalog';
import { event, method, schema } from './spec';

/**
 * The models library: base GGUF files shared by all projects, referenced where they lie (never
 * copied), each read once for what the Train step needs without loading its weights.
 */

/** What a GGUF says about itself, read from its header. */
export interface ModelFileInfo {
  architecture: string;
  /** `general.name`, `general.size_label` and `general.basename` when the file has them. */
  name: string | null;
  sizeLabel: string | null;
  parameterCount: number;
  layerCount: number | null;
  embeddingLength: number | null;
  contextLength: number | null;
  vocabularySize: number;
  /** Whether `output.weight` is its own tensor (a LoRA can target it) rather than shared with the embeddings. */
  separateOutputHead: boolean;
  /** Tensor types by element count, largest first (`F16`, `Q8_0`, …). */
  tensorTypes: Array<{ type: string; tensors: number; parameters: number }>;
  /** The Jinja chat template (`tokenizer.chat_template`), or null when the file has none. */
  chatTemplate: string | null;
  /** Whether that template has a tool-calling format ToolTune can render and parse; why not otherwise. */
  toolCalling: { supported: true } | { supported: false; reason: string };
}

export type ModelSource = 'local' | 'download' | 'demo';

/** `missing`: the file is gone; `changed`: its size or modification time differs from when it was added. */
export type ModelFileState = 'ok' | 'missing' | 'changed';

export interface BaseModel {
  id: string;
  /** What the library shows: the file's own name, else its file name. */
  displayName: string;
  path: string;
  source: ModelSource;
  sizeBytes: number;
  /** sha256 (hex) of the whole file when it was added. */
  sha256: string;
  addedAt: string;
  info: ModelFileInfo;
  fileState: ModelFileState;
}

/** A download into the library; the finished file is added (`modelId`). */
export interface DownloadInfo {
  id: string;
  uri: string;
  state: 'running' | 'done' | 'cancelled' | 'failed';
  downloadedBytes: number;
  totalBytes: number;
  /** Where the file goes (known once the server answered). */
  path: string | null;
  modelId: string | null;
  message: string | null;
}

const id = schema.id();
const path = schema.string(4096, 1);

export const modelsContract = {
  list: method<Record<string, never>, BaseModel[]>(schema.empty()),
  /** Reads a file without adding it: what the add dialog previews. Refuses unusable files with the reason. */
  inspect: method<{ path: string }, ModelFileInfo>(schema.object({ path })),
  /** Adds a local GGUF (hashing it: seconds per GB). Adding a path that is already there returns that entry, re-checked. */
  add: method<{ path: string }, BaseModel>(schema.object({ path })),
  /** Removes the entry from the library; the file stays where it is. */
  remove: method<{ id: string }, { removed: true }>(schema.object({ id })),
  /**
   * The Demo project's base: a tiny Qwen2-shaped model with the real Qwen2.5 tokenizer and chat template and
   * random weights, generated locally on first use (seconds, about 80 MB). It learns the format, not the task.
   */
  ensureDemo: method<Record<string, never>, BaseModel>(schema.empty()),
  /** The base the project trains on, or null when none was chosen. */
  projectBase: method<{ projectId: string }, BaseModel | null>(schema.object({ projectId: id })),
  setProjectBase: method<{ projectId: string; modelId: string | null }, BaseModel | null>(
    schema.object({ projectId: id, modelId: { anyOf: [id, { type: 'null' }] } }),
  ),
  /** The curated "Get a model" list. */
  catalog: method<Record<string, never>, CatalogModel[]>(schema.empty()),
  /**
   * Downloads `uri` (`hf:<user>/<repo>/<file>`, `hf:<user>/<repo>:<quant>` or an http(s) URL) into the library's
   * folder and adds it; returns at once, progress comes as `downloadProgress`. Starting a URI whose download was
   * cancelled or interrupted resumes it. `endpoint` replaces https://huggingface.co/ (a mirror).
   */
  download: method<{ uri: string; endpoint?: string }, DownloadInfo>(
    schema.object(
      {
        uri: { type: 'string', minLength: 4, maxLength: 2048, pattern: '^(hf:|[Hh][Tt][Tt][Pp][Ss]?://)' },
        endpoint: { type: 'string', maxLength: 2048, pattern: '^[Hh][Tt][Tt][Pp][Ss]?://' },
      },
      ['uri'],
    ),
  ),
  cancelDownload: method<{ downloadId: string }, DownloadInfo>(schema.object({ downloadId: schema.id() })),
  downloads: method<Record<string, never>, DownloadInfo[]>(schema.empty()),
  downloadProgress: event<DownloadInfo>(),
  didChange: event<Record<string, never>>(),
};
