import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AppInfo, Implementations } from '../../shared/contract';
import { openDatabase, type Database } from '../db/database';
import { EventHub } from '../transport/eventHub';
import { RpcServer } from '../transport/rpcServer';
import { AppService } from './app';
import { DataService } from './data';
import { seedDemoProject } from './demoProject';
import { ProjectService } from './projects';
import { ToolService } from './tools';

export interface Services {
  db: Database;
  events: EventHub;
  server: RpcServer;
  implementations: Implementations;
  dispose(): void;
}

export const DATABASE_FILE = 'tooltune.sqlite';

/** The composition root shared by the Electron app, serve mode and the CLI. */
export async function createServices(options: {
  dataDir: string;
  mode: AppInfo['mode'];
  version: string;
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
  const implementations: Implementations = { app, projects, tools, data };
  return {
    db,
    events,
    server: new RpcServer(implementations),
    implementations,
    dispose: () => {
      data.dispose();
      db.close();
    },
  };
}
