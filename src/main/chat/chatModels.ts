import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import type { ChatModel, ChatModelOption } from '../../shared/contract/chat';
import { ToolTuneError } from '../../shared/errors';
import { exportRecord, exportRecords } from '../export/exportRecords';
import type { ModelService } from '../services/models';
import type { TrainService } from '../services/train';

/** The most tokens a chat keeps in its window, whatever the model allows: enough for tools, a story and its call. */
export const CHAT_WINDOW_MAX = 4096;

export interface ResolvedChatModel {
  label: string;
  modelPath: string;
  adapterPath: string | null;
  contextSize: number;
}

/** Turns the chat's model choices into files, and lists them: base models, the project's finished runs, exported files. */
export class ChatModels {
  constructor(
    private readonly db: Database,
    private readonly models: ModelService,
    private readonly train: TrainService,
  ) {}

  options(projectId: string): ChatModelOption[] {
    const options: ChatModelOption[] = [];
    const runs = this.train.runs({ projectId }).filter((run) => run.state === 'done' && run.artifacts.some((a) => a.kind === 'adapter'));
    for (const run of runs.sort((a, b) => b.seq - a.seq)) {
      const model: ChatModel = { kind: 'run', runId: run.id };
      // A run whose base left the library cannot chat; it is left out rather than failing the list.
      const label = labelOrNull(() => this.resolve(projectId, model).label);
      if (label !== null) options.push({ model, label, group: 'run' });
    }
    for (const exported of exportRecords(this.db, projectId)) {
      if (exported.state !== 'done') continue;
      for (const file of exported.files) {
        if (file.role === 'model' && file.quant !== null && !file.name.startsWith('lmstudio/')) options.push({ model: { kind: 'export', exportId: exported.id, file: file.name }, label: `${exported.name} ${file.quant} (export)`, group: 'export' });
      }
    }
    for (const model of this.models.list()) {
      if (model.fileState === 'ok') options.push({ model: { kind: 'model', modelId: model.id }, label: model.displayName, group: 'base' });
    }
    return options;
  }

  resolve(projectId: string, choice: ChatModel): ResolvedChatModel {
    switch (choice.kind) {
      case 'model': {
        const model = this.models.get(choice.modelId);
        if (model.fileState !== 'ok') throw new ToolTuneError('conflict', `The file of ${model.displayName} is ${model.fileState}: ${model.path}`);
        return { label: model.displayName, modelPath: model.path, adapterPath: null, contextSize: windowOf(model.info.contextLength) };
      }
      case 'run': {
        const run = this.train.finishedRun(projectId, choice.runId, 'evaluate');
        const base = this.train.baseOf(run);
        const artifact = this.train.adapterOf(run, choice.checkpointStep);
        const step = artifact.kind === 'checkpoint' ? ` (step ${artifact.step})` : '';
        return { label: `${base.displayName} + run ${run.seq}${step}`, modelPath: base.path, adapterPath: artifact.path, contextSize: windowOf(base.info.contextLength) };
      }
      case 'export': {
        const exported = exportRecord(this.db, choice.exportId);
        if (exported.projectId !== projectId) throw new ToolTuneError('not-found', `No export ${choice.exportId} in this project.`);
        const file = exported.files.find((f) => f.name === choice.file && f.role === 'model');
        if (!file) throw new ToolTuneError('not-found', `Export ${exported.name} has no model file ${choice.file}.`);
        const base = exported.runId !== null ? this.train.baseOf(this.train.finishedRun(projectId, exported.runId, 'evaluate')) : null;
        return { label: `${exported.name} ${file.quant ?? file.name}`, modelPath: join(exported.dir, file.name), adapterPath: null, contextSize: windowOf(base?.info.contextLength ?? null) };
      }
    }
  }
}

function labelOrNull(label: () => string): string | null {
  try {
    return label();
  } catch (error) {
    if (error instanceof ToolTuneError) return null;
    throw error;
  }
}

function windowOf(contextLength: number | null): number {
  return Math.min(contextLength ?? CHAT_WINDOW_MAX, CHAT_WINDOW_MAX);
}
