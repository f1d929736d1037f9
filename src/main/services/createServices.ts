import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AppInfo, Implementations } from '../../shared/contract';
import { openDatabase, type Database } from '../db/database';
import { EventHub } from '../transport/eventHub';
import { RpcServer } from '../transport/rpcServer';
import { AppService } from './app';
import { DataService } from './data';
import { EvaluateService } from './evaluate';
import { ExportService } from './export';
import { seedDemoProject } from './demoProject';
import { JobService } from './jobs';
import { ModelService, modelsDirOf } from './models';
import { TrainService } from './train';
import { findNativeBinDir } from '../train/trainerProcess';
import { ProjectService } from './projects';
import { ToolService } from './tools';
import { ChatModels } from '../chat/chatModels';
import { LoadedModels } from '../chat/loadedModels';
import { cpuLlamaRuntime } from '../models/llamaRuntime';
import { SecretStore, type SecretCipher } from '../runtime/secretStore';
import { ChatService } from './chat';
import { RuntimeService } from './runtime';

export interface Services {
  db: Database;
  events: EventHub;
  server: RpcServer;
  implementations: Implementations;
  /** The concrete services, for what the contract does not carry (waiting on a job in tests and the CLI). */
  data: DataService;
  train: TrainService;
  evaluate: EvaluateService;
  exports: ExportService;
  chat: ChatService;
  runtime: RuntimeService;
  dispose(): void;
}

export const DATABASE_FILE = 'tooltune.sqlite';

/** The composition root shared by the Electron app, serve mode and the CLI. */
export async function createServices(options: {
  dataDir: string;
  mode: AppInfo['mode'];
  version: string;
  /** Folder of tooltune-train; default: the built one (`findNativeBinDir`), null when none. */
  nativeBinDir?: string | null;
  /** Free bytes where an export goes; default: the file system's figure (tests give a small one to prove the full-disk refusal). */
  diskFreeBytes?: (dir: string) => number;
  /** Encrypts secrets with the OS keychain (Electron's safeStorage); default: none, the secrets file is private to the user. */
  secretCipher?: SecretCipher | null;
  /** Opens a file with the system's opener (the desktop app); default: none. */
  openPath?: (path: string) => Promise<void>;
}): Promise<Services> {
  mkdirSync(options.dataDir, { recursive: true });
  const db = openDatabase(join(options.dataDir, DATABASE_FILE));
  const events = new EventHub();
  const projects = new ProjectService(db, options.dataDir, events);
  const tools = new ToolService(db, projects, events);
  const app = new AppService(db, {
    version: options.version,
    mode: options.mode,
    dataDir: options.dataDir,
    platform: `${process.platform}-${process.arch}`,
  });
  try {
    await seedDemoProject(db, projects, tools);
  } catch (error) {
    db.close();
    throw error;
  }
  const data = new DataService(db, options.dataDir, projects, tools, events);
  const models = new ModelService(db, modelsDirOf(options.dataDir), events);
  const binDir = options.nativeBinDir !== undefined ? options.nativeBinDir : findNativeBinDir();
  const train = new TrainService(db, projects, models, events, { dataDir: options.dataDir, appVersion: options.version, binDir });
  const evaluate = new EvaluateService(db, projects, models, train, events);
  const exports = new ExportService(db, projects, train, evaluate, events, {
    dataDir: options.dataDir,
    appVersion: options.version,
    binDir,
    ...(options.diskFreeBytes ? { freeBytes: options.diskFreeBytes } : {}),
  });
  const runtime = new RuntimeService(db, projects, tools, new SecretStore(options.dataDir, options.secretCipher ?? null), events, {
    dataDir: options.dataDir,
    ...(options.openPath ? { openPath: options.openPath } : {}),
  });
  const loadedModels = new LoadedModels(cpuLlamaRuntime);
  const chat = new ChatService(db, tools, new ChatModels(db, models, train), loadedModels, runtime.runner, events);
  const jobs = new JobService(db, projects);
  jobs.register(['generate', 'import'], { cancel: (jobId) => data.cancelJob(jobId) });
  jobs.register(['train'], { cancel: (jobId) => train.stopJob(jobId) });
  jobs.register(['evaluate'], { cancel: (jobId) => evaluate.cancel(jobId) });
  jobs.register(['export'], { cancel: (jobId) => exports.cancel(jobId) });
  const implementations: Implementations = { app, projects, tools, data, jobs, models, train, evaluate, export: exports, runtime, chat };
  return {
    db,
    events,
    server: new RpcServer(implementations),
    implementations,
    data,
    train,
    evaluate,
    exports,
    chat,
    runtime,
    dispose: () => {
      chat.dispose();
      void loadedModels.dispose();
      void runtime.dispose();
      data.dispose();
      train.dispose();
      exports.dispose();
      evaluate.dispose();
      models.dispose();
      db.close();
    },
  };
}
