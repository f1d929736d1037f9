import { randomUUID } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import type { DatasetVersion } from '../../shared/contract';
import type { Sample } from '../../shared/data/conversation';
import { joinedSamples, type StoredSampleJson } from './sampleStore';
import { ToolTuneError } from '../../shared/errors';
import { CanonicalHasher } from './canonicalJson';
import type { SplitName } from './stratifiedSplit';

interface VersionDbRow {
  id: string;
  project_id: string;
  name: string;
  created_at: string;
  content_hash: string;
  sample_count: number;
  train_count: number;
  eval_count: number;
}

export interface SplitSample {
  /** The live sample it was copied from (which may since have been edited or deleted). */
  sampleId: number;
  sample: Sample;
  split: SplitName;
}

/**
 * What a version takes: samples not rejected whose checks pass, in order. A sample that fails a
 * check is fixed or rejected before it can train a model.
 */
export const TRAINABLE = "status <> 'rejected' AND checks_ok = 1";

function toVersion(row: VersionDbRow): DatasetVersion {
  return {
    id: row.id,
    projectId: row.project_id,
    name: row.name,
    createdAt: row.created_at,
    contentHash: row.content_hash,
    sampleCount: row.sample_count,
    trainCount: row.train_count,
    evalCount: row.eval_count,
  };
}

/** The hash a version records: sha256 of the canonical JSON of its ordered `{sample, split}` list. */
export function contentHashOf(samples: Iterable<Omit<SplitSample, 'sampleId'>>): string {
  const hasher = new CanonicalHasher();
  for (const { sample, split } of samples) hasher.add({ sample, split });
  return hasher.digest();
}

/** Frozen, immutable snapshots of a project's samples. */
export class DatasetVersions {
  constructor(private readonly db: Database) {}

  list(projectId: string): DatasetVersion[] {
    const rows = this.db.prepare('SELECT * FROM dataset_versions WHERE project_id = ? ORDER BY created_at DESC, rowid DESC').all(projectId) as VersionDbRow[];
    return rows.map(toVersion);
  }

  get(projectId: string, versionId: string): DatasetVersion {
    const row = this.db.prepare('SELECT * FROM dataset_versions WHERE id = ? AND project_id = ?').get(versionId, projectId) as VersionDbRow | undefined;
    if (!row) throw new ToolTuneError('not-found', `No dataset version with id ${versionId} in this project.`);
    return toVersion(row);
  }

  /**
   * Copies the trainable samples into a new version in one transaction. Unassigned samples become
   * train, in the live data too, so the frozen split and the live one agree.
   */
  freeze(projectId: string, name: string): DatasetVersion {
    const clean = name.trim();
    if (clean === '') throw new ToolTuneError('invalid-input', 'A version needs a name.');
    return this.db.transaction(() => {
      if (this.db.prepare('SELECT 1 FROM dataset_versions WHERE project_id = ? AND name = ?').get(projectId, clean)) {
        throw new ToolTuneError('conflict', `A version named "${clean}" already exists.`);
      }
      this.db.prepare(`UPDATE samples SET split = 'train' WHERE project_id = ? AND split IS NULL AND ${TRAINABLE}`).run(projectId);
      const id = randomUUID();
      this.db.prepare("INSERT INTO dataset_versions VALUES (?, ?, ?, ?, '', 0, 0, 0)").run(id, projectId, clean, new Date().toISOString());
      this.db
        .prepare(
          `INSERT INTO dataset_version_samples (version_id, position, sample_id, split, sample_json, tool_set_id)
           SELECT ?, ROW_NUMBER() OVER (ORDER BY seq) - 1, id, split, sample_json, tool_set_id FROM samples
           WHERE project_id = ? AND ${TRAINABLE} ORDER BY seq`,
        )
        .run(id, projectId);
      const counts = this.db
        .prepare("SELECT COUNT(*) AS total, COALESCE(SUM(split = 'eval'), 0) AS eval FROM dataset_version_samples WHERE version_id = ?")
        .get(id) as { total: number; eval: number };
      if (counts.total === 0) throw new ToolTuneError('invalid-input', 'Nothing to freeze: no sample is both not rejected and passing its checks.');
      this.db
        .prepare('UPDATE dataset_versions SET content_hash = ?, sample_count = ?, train_count = ?, eval_count = ? WHERE id = ?')
        .run(contentHashOf(this.samples(projectId, id)), counts.total, counts.total - counts.eval, counts.eval, id);
      return this.get(projectId, id);
    })();
  }

  /** A version's samples in order, streamed from the database. */
  *samples(projectId: string, versionId: string): Generator<SplitSample> {
    const rows = this.db
      .prepare('SELECT sample_id, split, sample_json, tool_set_id FROM dataset_version_samples WHERE version_id = ? ORDER BY position')
      .iterate(versionId) as Iterable<StoredSampleJson & { sample_id: number; split: SplitName }>;
    for (const { row, sample } of joinedSamples(this.db, projectId, rows)) yield { sampleId: row.sample_id, sample, split: row.split };
  }

  /** The split of every live sample that some version froze; those never move. */
  lockedSplits(projectId: string): Map<number, SplitName> {
    const rows = this.db
      .prepare(
        `SELECT vs.sample_id AS id, MAX(vs.split) AS split FROM dataset_version_samples vs
         JOIN dataset_versions v ON v.id = vs.version_id WHERE v.project_id = ? GROUP BY vs.sample_id`,
      )
      .all(projectId) as { id: number; split: SplitName }[];
    return new Map(rows.map((row) => [row.id, row.split]));
  }
}
