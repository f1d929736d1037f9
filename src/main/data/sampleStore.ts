import type { Database, Statement } from 'better-sqlite3';
import type {
  SampleCheck,
  SampleFilter,
  SampleRow,
  SampleSort,
  SampleSource,
  SampleSplit,
  SampleStatus,
  StoredSample,
} from '../../shared/contract';
import type { Sample, SampleKind } from '../../shared/data/conversation';
import type { ToolDefinition } from '../../shared/tools/types';
import type { CheckName } from '../../shared/data/verification';
import { ToolTuneError } from '../../shared/errors';
import { joinSample, type PreparedBatch, type PreparedSample } from './preparedSample';

interface SampleDbRow {
  id: number;
  project_id: string;
  seq: number;
  kind: SampleKind | null;
  status: SampleStatus;
  split: SampleSplit;
  source: SampleSource;
  sample_json: string;
  tool_set_id: number;
  checks_json: string;
  checks_ok: number;
  dedupe_key: string;
  first_user: string;
  tools_called: string;
  search_text: string;
  created_at: string;
  updated_at: string;
}

type SummaryDbRow = Pick<
  SampleDbRow,
  'id' | 'seq' | 'kind' | 'status' | 'split' | 'source' | 'checks_json' | 'checks_ok' | 'first_user' | 'tools_called' | 'updated_at'
>;

/** A deleted sample as it was, facets included, so undo can put it back under the same id. */
export interface DeletedSample {
  row: SampleDbRow;
  facets: { facet: string; value: string }[];
}

const SUMMARY_COLUMNS = 's.id, s.seq, s.kind, s.status, s.split, s.source, s.checks_json, s.checks_ok, s.first_user, s.tools_called, s.updated_at';
const ORDER: Record<SampleSort, string> = {
  seq: 's.seq',
  'seq-desc': 's.seq DESC',
  'updated-desc': 's.updated_at DESC, s.seq DESC',
};
/** SQLite's default limit on bound parameters is 32,766; chunks stay well below it. */
const ID_CHUNK = 5_000;

export function failedChecksOf(checks: readonly SampleCheck[]): CheckName[] {
  return [...new Set(checks.filter((check) => !check.ok).map((check) => check.check))];
}

function toRow(row: SummaryDbRow): SampleRow {
  return {
    id: row.id,
    seq: row.seq,
    kind: row.kind,
    status: row.status,
    split: row.split,
    source: row.source,
    firstUserText: row.first_user,
    toolsCalled: JSON.parse(row.tools_called) as string[],
    checksOk: row.checks_ok === 1,
    failedChecks: failedChecksOf(JSON.parse(row.checks_json) as SampleCheck[]),
    updatedAt: row.updated_at,
  };
}

/** The columns a prepared sample fills, in this order (positional: 100,000 rows built as objects cost a visible part of an import). */
const CONTENT_COLUMNS = ['kind', 'sample_json', 'tool_set_id', 'checks_json', 'checks_ok', 'dedupe_key', 'first_user', 'tools_called', 'search_text'] as const;

function contentValues(prepared: PreparedSample, toolSetId: number): unknown[] {
  return [
    prepared.kind,
    prepared.sampleJson,
    toolSetId,
    JSON.stringify(prepared.checks),
    prepared.checks.every((check) => check.ok) ? 1 : 0,
    prepared.dedupeKey,
    prepared.firstUser,
    JSON.stringify(prepared.toolsCalled),
    prepared.searchText,
  ];
}

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += ID_CHUNK) out.push(items.slice(i, i + ID_CHUNK));
  return out;
}

/** A stored sample as selected for reading whole: its JSON and its tool list's id. */
export interface StoredSampleJson {
  sample_json: string;
  tool_set_id: number;
}

/** Puts rows back together with their tools, parsing each distinct tool list once. */
export function* joinedSamples<R extends StoredSampleJson>(db: Database, projectId: string, rows: Iterable<R>): Generator<{ row: R; sample: Sample }> {
  const texts = new Map(
    (db.prepare('SELECT id, tools_json FROM tool_sets WHERE project_id = ?').all(projectId) as { id: number; tools_json: string }[]).map((row) => [row.id, row.tools_json]),
  );
  const parsed = new Map<number, ToolDefinition[]>();
  for (const row of rows) {
    let tools = parsed.get(row.tool_set_id);
    if (!tools) {
      tools = JSON.parse(texts.get(row.tool_set_id) ?? '[]') as ToolDefinition[];
      parsed.set(row.tool_set_id, tools);
    }
    yield { row, sample: { ...(JSON.parse(row.sample_json) as Omit<Sample, 'tools'>), tools } };
  }
}

/** The SQL behind the Data step. Callers own transactions that span several calls. */
export class SampleStore {
  private readonly insertSample: Statement;
  private readonly appendSample: Statement;
  private readonly insertFacet: Statement;
  private readonly insertToolSet: Statement;
  private readonly toolSetId: Statement;

  constructor(private readonly db: Database) {
    this.insertSample = db.prepare(
      `INSERT INTO samples (id, project_id, seq, kind, status, split, source, sample_json, tool_set_id, checks_json, checks_ok, dedupe_key, first_user, tools_called, search_text, created_at, updated_at)
       VALUES (@id, @project_id, @seq, @kind, @status, @split, @source, @sample_json, @tool_set_id, @checks_json, @checks_ok, @dedupe_key, @first_user, @tools_called, @search_text, @created_at, @updated_at)`,
    );
    this.appendSample = db.prepare(
      `INSERT INTO samples (project_id, seq, source, created_at, updated_at, status, ${CONTENT_COLUMNS.join(', ')})
       VALUES (?, ?, ?, ?, ?, 'pending', ${CONTENT_COLUMNS.map(() => '?').join(', ')})`,
    );
    this.insertFacet = db.prepare('INSERT OR IGNORE INTO sample_facets (project_id, facet, value, sample_id) VALUES (?, ?, ?, ?)');
    this.insertToolSet = db.prepare('INSERT OR IGNORE INTO tool_sets (project_id, hash, tools_json) VALUES (?, ?, ?)');
    this.toolSetId = db.prepare('SELECT id FROM tool_sets WHERE project_id = ? AND hash = ?').pluck();
  }

  /** Appends samples after the project's last one, in ONE transaction; returns their ids. */
  insertBatch(projectId: string, source: SampleSource, batch: PreparedBatch): number[] {
    return this.db.transaction(() => {
      const toolSetIdOf = this.toolSetIds(projectId, batch);
      let seq = this.db.prepare('SELECT COALESCE(MAX(seq), 0) FROM samples WHERE project_id = ?').pluck().get(projectId) as number;
      const now = new Date().toISOString();
      return batch.samples.map((prepared) => {
        const id = Number(
          this.appendSample.run(projectId, ++seq, source, now, now, ...contentValues(prepared, toolSetIdOf(prepared.toolsHash))).lastInsertRowid,
        );
        this.insertFacets(projectId, id, prepared);
        return id;
      });
    })();
  }

  list(projectId: string, filter: SampleFilter, sort: SampleSort, offset: number, limit: number): { total: number; rows: SampleRow[] } {
    const { where, params } = whereClause(projectId, filter);
    const total = this.db.prepare(`SELECT COUNT(*) FROM samples s WHERE ${where}`).pluck().get(...params) as number;
    const rows = this.db
      .prepare(`SELECT ${SUMMARY_COLUMNS} FROM samples s WHERE ${where} ORDER BY ${ORDER[sort]} LIMIT ? OFFSET ?`)
      .all(...params, limit, offset) as SummaryDbRow[];
    return { total, rows: rows.map(toRow) };
  }

  get(projectId: string, sampleId: number): StoredSample {
    const row = this.db
      .prepare('SELECT s.*, t.tools_json FROM samples s JOIN tool_sets t ON t.id = s.tool_set_id WHERE s.id = ? AND s.project_id = ?')
      .get(sampleId, projectId) as (SampleDbRow & { tools_json: string }) | undefined;
    if (!row) throw new ToolTuneError('not-found', `No sample with id ${sampleId} in this project.`);
    return { ...toRow(row), sample: joinSample(row.sample_json, row.tools_json), checks: JSON.parse(row.checks_json) as SampleCheck[] };
  }

  /** Replaces a sample's content and checks (a batch of one); review state and split stay. */
  replace(projectId: string, sampleId: number, batch: PreparedBatch): void {
    const [prepared] = batch.samples;
    if (!prepared || batch.samples.length !== 1) throw new Error('replace takes exactly one prepared sample');
    this.db.transaction(() => {
      const values = contentValues(prepared, this.toolSetIds(projectId, batch)(prepared.toolsHash));
      const changed = this.db
        .prepare(`UPDATE samples SET updated_at = ?, ${CONTENT_COLUMNS.map((column) => `${column} = ?`).join(', ')} WHERE id = ? AND project_id = ?`)
        .run(new Date().toISOString(), ...values, sampleId, projectId).changes;
      if (changed === 0) throw new ToolTuneError('not-found', `No sample with id ${sampleId} in this project.`);
      this.db.prepare('DELETE FROM sample_facets WHERE sample_id = ?').run(sampleId);
      this.insertFacets(projectId, sampleId, prepared);
    })();
  }

  /** Sets the status; returns the previous status of every sample that actually changed. */
  setStatus(projectId: string, sampleIds: readonly number[], status: SampleStatus): [number, SampleStatus][] {
    return this.db.transaction(() => {
      const now = new Date().toISOString();
      const previous: [number, SampleStatus][] = [];
      for (const ids of chunks([...new Set(sampleIds)])) {
        const marks = ids.map(() => '?').join(',');
        const rows = this.db
          .prepare(`SELECT id, status FROM samples WHERE project_id = ? AND status <> ? AND id IN (${marks})`)
          .all(projectId, status, ...ids) as { id: number; status: SampleStatus }[];
        this.db.prepare(`UPDATE samples SET status = ?, updated_at = ? WHERE project_id = ? AND status <> ? AND id IN (${marks})`).run(status, now, projectId, status, ...ids);
        for (const row of rows) previous.push([row.id, row.status]);
      }
      return previous;
    })();
  }

  /** Puts statuses back (undo); samples deleted since are skipped. Returns how many were restored. */
  restoreStatuses(projectId: string, previous: readonly [number, SampleStatus][]): number {
    return this.db.transaction(() => {
      const update = this.db.prepare('UPDATE samples SET status = ?, updated_at = ? WHERE id = ? AND project_id = ?');
      const now = new Date().toISOString();
      return previous.reduce((restored, [id, status]) => restored + update.run(status, now, id, projectId).changes, 0);
    })();
  }

  /** Deletes samples and returns them as they were, for undo. */
  delete(projectId: string, sampleIds: readonly number[]): DeletedSample[] {
    return this.db.transaction(() => {
      const deleted: DeletedSample[] = [];
      const facets = this.db.prepare('SELECT facet, value FROM sample_facets WHERE sample_id = ?');
      for (const ids of chunks([...new Set(sampleIds)])) {
        const marks = ids.map(() => '?').join(',');
        const rows = this.db.prepare(`SELECT * FROM samples WHERE project_id = ? AND id IN (${marks})`).all(projectId, ...ids) as SampleDbRow[];
        for (const row of rows) deleted.push({ row, facets: facets.all(row.id) as DeletedSample['facets'] });
        this.db.prepare(`DELETE FROM samples WHERE project_id = ? AND id IN (${marks})`).run(projectId, ...ids);
      }
      return deleted;
    })();
  }

  /** Re-inserts deleted samples under their old ids and, where still free, their old positions (undo). */
  restore(projectId: string, deleted: readonly DeletedSample[]): number {
    return this.db.transaction(() => {
      const taken = this.db.prepare('SELECT 1 FROM samples WHERE project_id = ? AND seq = ?');
      let lastSeq = this.db.prepare('SELECT COALESCE(MAX(seq), 0) FROM samples WHERE project_id = ?').pluck().get(projectId) as number;
      for (const { row, facets } of deleted) {
        const seq = taken.get(projectId, row.seq) ? ++lastSeq : row.seq;
        this.insertSample.run({ ...row, project_id: projectId, seq });
        for (const { facet, value } of facets) this.insertFacet.run(projectId, facet, value, row.id);
      }
      return deleted.length;
    })();
  }

  /** Stores the batch's new tool lists; returns how to find a list's id by its hash. */
  private toolSetIds(projectId: string, batch: PreparedBatch): (hash: string) => number {
    for (const [hash, json] of Object.entries(batch.toolSets)) this.insertToolSet.run(projectId, hash, json);
    const ids = new Map<string, number>();
    return (hash) => {
      let id = ids.get(hash);
      if (id === undefined) {
        id = this.toolSetId.get(projectId, hash) as number | undefined;
        if (id === undefined) throw new Error(`unknown tool set ${hash}`);
        ids.set(hash, id);
      }
      return id;
    };
  }

  private insertFacets(projectId: string, sampleId: number, prepared: PreparedSample): void {
    for (const tool of prepared.toolsCalled) this.insertFacet.run(projectId, 'tool', tool, sampleId);
    for (const check of failedChecksOf(prepared.checks)) this.insertFacet.run(projectId, 'failed_check', check, sampleId);
  }
}

function whereClause(projectId: string, filter: SampleFilter): { where: string; params: unknown[] } {
  const clauses = ['s.project_id = ?'];
  const params: unknown[] = [projectId];
  const facet = (name: 'tool' | 'failed_check', value: string) => {
    clauses.push("s.id IN (SELECT sample_id FROM sample_facets WHERE project_id = ? AND facet = ? AND value = ?)");
    params.push(projectId, name, value);
  };
  if (filter.status) {
    clauses.push('s.status = ?');
    params.push(filter.status);
  }
  if (filter.kind === 'unknown') clauses.push('s.kind IS NULL');
  else if (filter.kind) {
    clauses.push('s.kind = ?');
    params.push(filter.kind);
  }
  if (filter.split === 'none') clauses.push('s.split IS NULL');
  else if (filter.split) {
    clauses.push('s.split = ?');
    params.push(filter.split);
  }
  if (filter.failedCheck === 'any') clauses.push('s.checks_ok = 0');
  else if (filter.failedCheck) facet('failed_check', filter.failedCheck);
  if (filter.tool) facet('tool', filter.tool);
  if (filter.text) {
    clauses.push('instr(s.search_text, ?) > 0');
    params.push(filter.text.toLowerCase());
  }
  return { where: clauses.join(' AND '), params };
}
