import { parseSample, parseToolDefinition, type Sample } from '../conversation';
import { MAX_PROBLEMS } from '../limits';
import { adoptRequiredBeside, normalizePythonTypeNames } from '../../tools/pythonTypes';
import type { LocalProblem } from '../../tools/readResult';
import type { ToolDefinition } from '../../tools/types';
import { parseEmbeddedJson, recordsOf, type ParsedRecord } from './records';
import { SharedToolListParser } from './sharedToolLists';

export type DatasetFormat = 'openai' | 'sharegpt' | 'llamafactory' | 'glaive' | 'xlam' | 'bfcl' | 'alpaca';

export interface ImportProblem {
  /** 1-based line of the record in its file (0: about the import as a whole). */
  line: number;
  /** `error`: the record was skipped; `warning`: it was imported with the change described. */
  severity: 'error' | 'warning';
  message: string;
}

export interface DatasetImport {
  samples: Sample[];
  problems: ImportProblem[];
  /** Distinct tool definitions referenced by the samples (first definition per name), to offer for import. */
  tools: ToolDefinition[];
}

/** What one record turned into. */
export interface RecordRead {
  samples: Sample[];
  problems: Omit<ImportProblem, 'line'>[];
}

export type RecordReader = (value: unknown, tools: ToolCatalog) => RecordRead;

/** A record of the input, already parsed (or not parseable), with the line it starts on. */
export interface SplitRecord {
  line: number;
  parsed: ParsedRecord;
}

/** Splits an input into records: JSON records (JSONL or a JSON array) unless a format reads its own text. */
export type RecordSplitter = (text: string) => Iterable<SplitRecord>;

function* jsonRecords(text: string): Generator<SplitRecord> {
  const parser = new SharedToolListParser();
  for (const record of recordsOf(text)) yield { line: record.line, parsed: parser.parse(record) };
}

/**
 * Shares one object per distinct tool definition across samples (a 100,000-line file repeats the
 * same few tools on every line) and remembers the first definition seen per name.
 * Samples from an import must therefore be treated as immutable.
 */
/** Distinct tool-list texts remembered per import. */
const MAX_LIST_TEXTS = 64;

export class ToolCatalog {
  private readonly byKey = new Map<string, ToolDefinition>();
  private readonly byName = new Map<string, ToolDefinition>();
  /** Lists read before, by identity (a shared parsed list, see `SharedToolListParser`): their tools and warnings. */
  private readonly lists = new WeakMap<readonly unknown[], { tools: ToolDefinition[]; leftOut: RecordRead['problems'] }>();
  /** Lists given as JSON text (ShareGPT, LLaMA-Factory), parsed once per distinct text so that they share too. */
  private readonly listTexts = new Map<string, unknown>();

  /**
   * A validated, shared tool, with what was changed to make it one the first time it is seen (Python-style type
   * names, `required` beside the schema); or the reason it is not one.
   */
  intern(raw: unknown): { tool: ToolDefinition; changes: string[] } | { message: string } {
    // The raw text is the cache key, so a definition seen before costs one stringify, not a validation.
    const key = JSON.stringify(raw) ?? '';
    const known = this.byKey.get(key);
    if (known) return { tool: known, changes: [] };
    const read = parseToolDefinition(raw);
    if ('problem' in read) return { message: `tool${read.problem.pointer}: ${read.problem.message}` };
    const changes = normalizeToolSchema(raw, read.tool);
    this.byKey.set(key, read.tool);
    if (!this.byName.has(read.tool.name)) this.byName.set(read.tool.name, read.tool);
    return { tool: read.tool, changes };
  }

  /** Interns a list of tools, reporting the ones that are not valid and what was changed in the others. */
  internAll(raw: readonly unknown[], problems: RecordRead['problems']): ToolDefinition[] {
    return this.internReporting(raw, problems, []);
  }

  /**
   * `internAll` of `list.map(prepare)`, once per list object: a list shared by many records gives every one of them
   * the same tools array (and the same warnings about tools left out; what was changed is said the first time only).
   */
  internList(list: readonly unknown[], prepare: (item: unknown) => unknown, problems: RecordRead['problems']): ToolDefinition[] {
    const known = this.lists.get(list);
    if (known) {
      problems.push(...known.leftOut);
      return known.tools;
    }
    const leftOut: RecordRead['problems'] = [];
    const tools = this.internReporting(list.map(prepare), problems, leftOut);
    this.lists.set(list, { tools, leftOut });
    return tools;
  }

  /** A list written as JSON text, parsed (`undefined` if it is not JSON); the same text gives the same value. */
  parseListText(text: string): unknown {
    if (this.listTexts.has(text)) return this.listTexts.get(text);
    const value = parseEmbeddedJson(text);
    if (this.listTexts.size < MAX_LIST_TEXTS) this.listTexts.set(text, value);
    return value;
  }

  /** Interns `raw`, reporting into `problems`; the tools left out are also reported into `leftOut`. */
  private internReporting(raw: readonly unknown[], problems: RecordRead['problems'], leftOut: RecordRead['problems']): ToolDefinition[] {
    const tools: ToolDefinition[] = [];
    for (const item of raw) {
      const read = this.intern(item);
      if ('message' in read) {
        const problem = { severity: 'warning', message: `${read.message}; the tool was left out` } as const;
        problems.push(problem);
        leftOut.push(problem);
        continue;
      }
      tools.push(read.tool);
      for (const change of read.changes) problems.push({ severity: 'warning', message: `tool "${read.tool.name.slice(0, 64)}": ${change}` });
    }
    return tools;
  }

  distinct(): ToolDefinition[] {
    return [...this.byName.values()];
  }
}

/** Python-style type names and a `required` list beside `parameters`, as in tool files: read as JSON Schema. */
function normalizeToolSchema(raw: unknown, tool: ToolDefinition): string[] {
  const changes: string[] = [];
  if (adoptRequiredBeside(raw, tool.parameters)) changes.push('"required" beside parameters moved into it');
  const problems: LocalProblem[] = [];
  normalizePythonTypeNames(tool.parameters, problems);
  for (const problem of problems) changes.push(`${problem.pointer}: ${problem.message}`);
  return changes;
}

/** Collects problems up to the cap, then only counts them. */
export class ProblemLog {
  readonly problems: ImportProblem[] = [];
  private dropped = 0;

  add(problem: ImportProblem): void {
    if (this.problems.length < MAX_PROBLEMS) this.problems.push(problem);
    else this.dropped++;
  }

  finish(): ImportProblem[] {
    if (this.dropped > 0) this.problems.push({ line: 0, severity: 'error', message: `${this.dropped} more problems not listed` });
    return this.problems;
  }
}

/** Samples in batches as records are read, then (once the batches are exhausted) what the whole read found. */
export interface ImportStream {
  batches: Generator<Sample[], void, undefined>;
  /** The problems and distinct tools; complete once `batches` is done. */
  findings(): Omit<DatasetImport, 'samples'>;
}

/**
 * The shared import loop: records → reader → samples validated by `parseSample`, handed out in batches of
 * `batchSize` so that a caller can verify and store early batches while later ones are read. Never throws;
 * a record that fails in any way is reported with its line and the loop goes on.
 */
export function streamRecords(text: string, reader: RecordReader, split: RecordSplitter = jsonRecords, batchSize = 1000): ImportStream {
  const tools = new ToolCatalog();
  const log = new ProblemLog();
  function* batches(): Generator<Sample[], void, undefined> {
    if (typeof text !== 'string') {
      log.add({ line: 0, severity: 'error', message: 'the input is not text' });
      return;
    }
    let samples: Sample[] = [];
    for (const { line, parsed } of split(text)) {
      if (!parsed.ok) {
        log.add({ line: line, severity: 'error', message: parsed.message });
        continue;
      }
      let read: RecordRead;
      try {
        read = reader(parsed.value, tools);
      } catch (error) {
        read = { samples: [], problems: [{ severity: 'error', message: `unreadable record: ${String(error).slice(0, 200)}` }] };
      }
      for (const problem of read.problems) log.add({ line: line, ...problem });
      for (const candidate of read.samples) {
        const checked = checkCandidate(candidate);
        if ('sample' in checked) samples.push(checked.sample);
        else log.add({ line: line, severity: 'error', message: checked.message });
      }
      if (samples.length >= batchSize) {
        yield samples;
        samples = [];
      }
    }
    if (samples.length > 0) yield samples;
  }
  return { batches: batches(), findings: () => ({ problems: log.finish(), tools: tools.distinct() }) };
}

/** The whole read at once: `streamRecords` collected. */
export function importRecords(text: string, reader: RecordReader, split: RecordSplitter = jsonRecords): DatasetImport {
  return collectImport(streamRecords(text, reader, split));
}

export function collectImport(stream: ImportStream): DatasetImport {
  const samples: Sample[] = [];
  for (const batch of stream.batches) samples.push(...batch);
  return { samples, ...stream.findings() };
}

/**
 * Runs a reader's sample through `parseSample`, keeping its already interned tools (validated once
 * per distinct definition in the catalog) instead of copying them for every sample.
 */
function checkCandidate(candidate: Sample): { sample: Sample } | { message: string } {
  const checked = parseSample({ ...candidate, tools: [] });
  if ('problems' in checked) return { message: checked.problems.map((p) => `${p.pointer || '/'}: ${p.message}`).join('; ') };
  const names = new Set<string>();
  for (const tool of candidate.tools) {
    if (names.has(tool.name)) return { message: `/tools: duplicate tool "${tool.name.slice(0, 64)}"` };
    names.add(tool.name);
  }
  checked.sample.tools = candidate.tools;
  return checked;
}
