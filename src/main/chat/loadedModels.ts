import type { Llama } from 'node-llama-cpp';
import { LocalModel } from '../inference/localModel';
import type { ResolvedChatModel } from './chatModels';

/** Models kept loaded between prompts; beyond this the least recently used one that nothing uses is unloaded. */
const KEEP_LOADED = 2;
/** Sequences per loaded model: both lanes of a side-by-side chat may use the same model. */
const SEQUENCES = 2;

interface Entry {
  model: Promise<LocalModel>;
  users: number;
  lastUsed: number;
}

/**
 * The chat's loaded models, shared by conversations: loading a model takes seconds, a prompt should not. Keyed by
 * file, adapter, window and threads.
 */
export class LoadedModels {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly llama: () => Promise<Llama>) {}

  /** Runs `use` with the model loaded; it stays loaded for the next prompt. */
  async with<T>(resolved: ResolvedChatModel, threads: number, use: (model: LocalModel) => Promise<T>): Promise<T> {
    const key = JSON.stringify([resolved.modelPath, resolved.adapterPath, resolved.contextSize, threads]);
    let entry = this.entries.get(key);
    if (!entry) {
      const model = this.llama().then((llama) =>
        LocalModel.load(llama, {
          modelPath: resolved.modelPath,
          ...(resolved.adapterPath !== null ? { adapterPath: resolved.adapterPath } : {}),
          threads,
          sequences: SEQUENCES,
          contextSize: resolved.contextSize,
        }),
      );
      entry = { model, users: 0, lastUsed: Date.now() };
      this.entries.set(key, entry);
      // A failed load is not kept: the next prompt tries again (the file may be back).
      model.catch(() => this.entries.delete(key));
    }
    entry.users++;
    try {
      return await use(await entry.model);
    } finally {
      entry.users--;
      entry.lastUsed = Date.now();
      await this.evict();
    }
  }

  async dispose(): Promise<void> {
    const models = [...this.entries.values()].map((e) => e.model);
    this.entries.clear();
    await Promise.all(models.map((m) => m.then((model) => model.dispose(), () => undefined)));
  }

  private async evict(): Promise<void> {
    const idle = [...this.entries.entries()].filter(([, e]) => e.users === 0).sort((a, b) => a[1].lastUsed - b[1].lastUsed);
    while (this.entries.size > KEEP_LOADED && idle.length > 0) {
      const [key, entry] = idle.shift()!;
      this.entries.delete(key);
      await entry.model.then((model) => model.dispose(), () => undefined);
    }
  }
}
