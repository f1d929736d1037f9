import { createHash } from 'node:crypto';
import type { SampleCheck } from '../../shared/contract';
import { callsOf, type Sample, type SampleKind } from '../../shared/data/conversation';
import { dedupeKey } from '../../shared/data/dedupe';
import type { ToolDefinition } from '../../shared/tools/types';
import { verifyParsedSample, type ArgumentValidator } from './verifySample';

/**
 * A sample with everything the database stores next to it, computed off the main thread (the
 * worker verifies and summarizes; main only inserts).
 */
export interface PreparedSample {
  kind: SampleKind | null;
  /** The sample without `tools`: those are stored once per distinct list (`toolsHash`). */
  sampleJson: string;
  toolsHash: string;
  checks: SampleCheck[];
  dedupeKey: string;
  firstUser: string;
  /** Distinct called tool names, in call order. */
  toolsCalled: string[];
  /** Lower-cased text the review table's search looks in. */
  searchText: string;
}

/** Tool lists by hash (`tools_json` of the `tool_sets` table). */
export type ToolSets = Record<string, string>;

/** Prepared samples plus the tool lists they refer to that the receiver may not have seen yet. */
export interface PreparedBatch {
  samples: PreparedSample[];
  toolSets: ToolSets;
}

/** Distinct tool lists remembered before starting over (re-sending a list is harmless). */
const MAX_KNOWN_TOOL_SETS = 10_000;

/**
 * Content-addresses tool lists and collects the ones not handed out yet. Importers and the
 * synthesizer share one object per distinct tool, so a list is first recognised by the identity of
 * its tools, which spares serializing the same schemas 100,000 times. Samples are never mutated.
 */
export class ToolSetHasher {
  private readonly objectIds = new WeakMap<ToolDefinition, number>();
  private nextObjectId = 0;
  private readonly byIdentity = new Map<string, string>();
  private readonly byJson = new Map<string, string>();
  /** Imported samples of one tool list share the list itself. */
  private readonly byList = new WeakMap<readonly ToolDefinition[], string>();
  private fresh: ToolSets = {};

  hashOf(tools: readonly ToolDefinition[]): string {
    const shared = this.byList.get(tools);
    if (shared !== undefined) return shared;
    const hash = this.hashOfTools(tools);
    this.byList.set(tools, hash);
    return hash;
  }

  private hashOfTools(tools: readonly ToolDefinition[]): string {
    const identity = tools.map((tool) => this.objectId(tool)).join(',');
    const known = this.byIdentity.get(identity);
    if (known !== undefined) return known;
    const json = JSON.stringify(tools);
    let hash = this.byJson.get(json);
    if (hash === undefined) {
      hash = createHash('sha256').update(json).digest('base64url');
      this.byJson.set(json, hash);
      this.fresh[hash] = json;
    }
    if (this.byIdentity.size >= MAX_KNOWN_TOOL_SETS) {
      this.byIdentity.clear();
      this.byJson.clear();
    }
    this.byIdentity.set(identity, hash);
    return hash;
  }

  /** The lists first seen since the last call. */
  takeFresh(): ToolSets {
    const fresh = this.fresh;
    this.fresh = {};
    return fresh;
  }

  private objectId(tool: ToolDefinition): number {
    let id = this.objectIds.get(tool);
    if (id === undefined) {
      id = this.nextObjectId++;
      this.objectIds.set(tool, id);
    }
    return id;
  }
}

/** Longest search text kept per sample: enough to find a sample by what it says, bounded at 100k rows. */
const SEARCH_TEXT_MAX = 4_000;
const FIRST_USER_MAX = 200;

/**
 * Verifies a sample and computes its stored summaries; `extraChecks` (a teacher's verdict) come
 * before verification's own, as the more telling. `sample` passed `parseSample` (or comes from our own synthesizer).
 * Worker code: pure CPU, no database.
 */
export function prepareSample(sample: Sample, validator: ArgumentValidator, toolSets: ToolSetHasher, extraChecks: readonly SampleCheck[] = []): PreparedSample {
  const firstUser = sample.messages.find((message) => message.role === 'user')?.content ?? '';
  const texts: string[] = [];
  for (const message of sample.messages) {
    texts.push(message.content);
    if (message.role === 'assistant') for (const call of message.toolCalls) texts.push(call.name, JSON.stringify(call.arguments));
  }
  const { tools, ...rest } = sample;
  return {
    kind: sample.kind,
    sampleJson: JSON.stringify(rest),
    toolsHash: toolSets.hashOf(tools),
    checks: [...extraChecks, ...verifyParsedSample(sample, validator).checks],
    dedupeKey: dedupeKey(sample),
    firstUser: firstUser.slice(0, FIRST_USER_MAX),
    toolsCalled: [...new Set(callsOf(sample).map((call) => call.name))],
    searchText: texts.join('\n').slice(0, SEARCH_TEXT_MAX).toLowerCase(),
  };
}

/** A stored sample put back together with its tools. */
export function joinSample(sampleJson: string, toolsJson: string): Sample {
  return { ...(JSON.parse(sampleJson) as Omit<Sample, 'tools'>), tools: JSON.parse(toolsJson) as ToolDefinition[] };
}
