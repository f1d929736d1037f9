import type { Database } from 'better-sqlite3';
import { migration001Initial } from './001-initial';
import { migration002Datasets } from './002-datasets';
import { migration003Training } from './003-training';
import { migration004Evaluations } from './004-evaluations';
import { migration005Exports } from './005-exports';
import { migration006Chat } from './006-chat';
import { migration007ImportSpeed } from './007-import-speed';

export interface Migration {
  /** Becomes `PRAGMA user_version` once applied; strictly increasing from 1. */
  version: number;
  name: string;
  up(db: Database): void;
}

/** Every migration ever shipped, in order. Never edit one that has shipped: add a new one. */
export const MIGRATIONS: readonly Migration[] = [migration001Initial, migration002Datasets, migration003Training, migration004Evaluations, migration005Exports, migration006Chat, migration007ImportSpeed];
