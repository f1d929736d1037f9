import type { Database } from 'better-sqlite3';
import type { CountEntry, DataStats, DuplicateGroup, ExactDuplicates } from '../../shared/contract';
import { DUPLICATE_GROUPS_MAX } from '../../shared/contract';
import type { Sample } from '../../shared/data/conversation';
import { BalanceCounter } from '../../shared/data/balance';
import { dedupeKey, findDuplicates } from '../../shared/data/dedupe';
import type { SplitSample } from './datasetVersions';
import { joinedSamples, type StoredSampleJson } from './sampleStore';

const MAX_DUPLICATE_GROUPS = 100;
const FIRST_USER_MAX = 200;

function entries(counts: Map<string, number>): CountEntry[] {
  return [...counts].map(([key, count]) => ({ key, count })).sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
}

function increment(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

function countBy(db: Database, sql: string, ...params: unknown[]): CountEntry[] {
  const rows = db.prepare(sql).all(...params) as { key: string | null; count: number }[];
  return rows.map((row) => ({ key: row.key ?? 'none', count: row.count })).sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
}

/** Stats of the live samples: counts from indexes, balance from one pass over the sample texts. */
export function liveStats(db: Database, projectId: string, projectTools: readonly string[]): DataStats {
  const balance = new BalanceCounter();
  const rows = db.prepare('SELECT sample_json, tool_set_id FROM samples WHERE project_id = ?').iterate(projectId) as Iterable<StoredSampleJson>;
  for (const { sample } of joinedSamples(db, projectId, rows)) balance.add(sample);
  const report = balance.report({ projectTools });
  const groups = db
    .prepare(
      `SELECT group_concat(id) AS ids, MIN(first_user) AS first_user FROM samples WHERE project_id = ?
       GROUP BY dedupe_key HAVING COUNT(*) > 1 ORDER BY COUNT(*) DESC, MIN(seq) LIMIT ?`,
    )
    .all(projectId, MAX_DUPLICATE_GROUPS) as { ids: string; first_user: string }[];
  const facet = `SELECT value AS key, COUNT(*) AS count FROM sample_facets WHERE project_id = ? AND facet = ? GROUP BY value`;
  return {
    total: db.prepare('SELECT COUNT(*) FROM samples WHERE project_id = ?').pluck().get(projectId) as number,
    byStatus: countBy(db, 'SELECT status AS key, COUNT(*) AS count FROM samples WHERE project_id = ? GROUP BY status', projectId),
    byKind: countBy(db, "SELECT COALESCE(kind, 'unknown') AS key, COUNT(*) AS count FROM samples WHERE project_id = ? GROUP BY kind", projectId),
    byTool: countBy(db, facet, projectId, 'tool'),
    byFailedCheck: countBy(db, facet, projectId, 'failed_check'),
    bySplit: countBy(db, 'SELECT split AS key, COUNT(*) AS count FROM samples WHERE project_id = ? GROUP BY split', projectId),
    perArgument: report.perArgument,
    warnings: report.warnings,
    duplicates: groups.map((group) => ({ sampleIds: group.ids.split(',').map(Number).sort((a, b) => a - b), firstUserText: group.first_user })),
  };
}

/** Stats of a frozen version, from its copies (every one passed its checks when frozen). */
export function versionStats(samples: Iterable<SplitSample>, projectTools: readonly string[]): DataStats {
  const balance = new BalanceCounter();
  const byKind = new Map<string, number>();
  const byTool = new Map<string, number>();
  const bySplit = new Map<string, number>();
  const byKey = new Map<string, { sampleIds: number[]; firstUser: string }>();
  let total = 0;
  for (const { sampleId, sample, split } of samples) {
    total++;
    balance.add(sample);
    increment(byKind, sample.kind ?? 'unknown');
    increment(bySplit, split);
    const called = new Set(sample.messages.flatMap((message) => (message.role === 'assistant' ? message.toolCalls.map((call) => call.name) : [])));
    called.forEach((tool) => increment(byTool, tool));
    const key = dedupeKey(sample);
    const group = byKey.get(key) ?? { sampleIds: [], firstUser: (sample.messages.find((m) => m.role === 'user')?.content ?? '').slice(0, FIRST_USER_MAX) };
    group.sampleIds.push(sampleId);
    byKey.set(key, group);
  }
  const report = balance.report({ projectTools });
  const duplicates: ExactDuplicates[] = [...byKey.values()]
    .filter((group) => group.sampleIds.length > 1)
    .sort((a, b) => b.sampleIds.length - a.sampleIds.length || (a.sampleIds[0] as number) - (b.sampleIds[0] as number))
    .slice(0, MAX_DUPLICATE_GROUPS)
    .map((group) => ({ sampleIds: group.sampleIds, firstUserText: group.firstUser }));
  return {
    total,
    byStatus: [],
    byKind: entries(byKind),
    byTool: entries(byTool),
    byFailedCheck: [],
    bySplit: entries(bySplit),
    perArgument: report.perArgument,
    warnings: report.warnings,
    duplicates,
  };
}

/** Exact and near-duplicate groups of the live samples, largest first, with sample ids. */
export function duplicateGroups(db: Database, projectId: string, threshold: number): DuplicateGroup[] {
  const rows = db.prepare('SELECT id, first_user, sample_json FROM samples WHERE project_id = ? ORDER BY seq').all(projectId) as { id: number; first_user: string; sample_json: string }[];
  const groups = findDuplicates(rows.map((row) => JSON.parse(row.sample_json) as Pick<Sample, 'messages'>), threshold);
  return groups
    .sort((a, b) => b.members.length - a.members.length || (a.members[0] as number) - (b.members[0] as number))
    .slice(0, DUPLICATE_GROUPS_MAX)
    .map((group) => {
      const members = group.members.map((index) => rows[index] as (typeof rows)[number]);
      return { kind: group.kind, sampleIds: members.map((row) => row.id), similarity: group.similarity, firstUserText: members[0]?.first_user ?? '' };
    });
}
