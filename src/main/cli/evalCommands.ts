/**
 * `tooltune eval …`: the Evaluate step from the command line. `eval run` evaluates a run's base and tuned model
 * (or a library model alone) on a frozen eval split and prints the scores; `eval score` scores BFCL predictions
 * made anywhere under the same rules, without a model.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Api, EvalParams, EvalResultSummary, RunVariant } from '../../shared/contract';
import { RUN_VARIANTS } from '../../shared/contract';
import { ToolTuneError } from '../../shared/errors';
import { scorePredictions } from '../../shared/eval/scorePredictions';
import { IMPORT_TEXT_MAX } from '../../shared/contract';
import { OutcomeError, projectByName, requireFlag, UsageError, versionByName, wholeNumberFlag, type Output, type ParsedArgs } from './commandSupport';
import { EXIT } from './exitCodes';
import { modelById } from './trainCommands';
import { waitForJob } from './waitForJob';

async function readTextFile(path: string, what: string): Promise<string> {
  const info = await stat(path).catch(() => {
    throw new ToolTuneError('not-found', `Cannot read the ${what} ${path}: no such file.`);
  });
  if (!info.isFile()) throw new ToolTuneError('invalid-input', `The ${what} ${path} is not a file.`);
  if (info.size > IMPORT_TEXT_MAX) throw new ToolTuneError('too-large', `The ${what} ${path} has ${info.size} bytes; at most ${IMPORT_TEXT_MAX} are read.`);
  return readFile(path, 'utf8');
}

function variantsOf(args: ParsedArgs): RunVariant[] | undefined {
  const raw = args.flags.variants;
  if (raw === undefined) return undefined;
  const names = typeof raw === 'string' ? raw.split(',').map((v) => v.trim()).filter(Boolean) : [];
  const unknown = names.find((name) => !(RUN_VARIANTS as readonly string[]).includes(name));
  if (names.length === 0 || unknown !== undefined) throw new UsageError(`--variants takes a comma-separated list of ${RUN_VARIANTS.join(', ')}${unknown ? ` (not "${unknown}")` : ''}.`);
  return [...new Set(names)] as RunVariant[];
}

const percent = (value: number | null) => (value === null ? '–' : `${(value * 100).toFixed(1)}%`);

function resultLines(result: EvalResultSummary): string[] {
  const { overall, byKind } = result.scores;
  const lines = [`${result.variant}\t${result.model.label}\texactCall ${percent(overall.exactCall)} of ${overall.n}\t(${result.setName}, ${result.decoding} decoding, ${result.seconds.toFixed(0)} s)`];
  for (const [kind, metrics] of Object.entries(byKind)) lines.push(`  ${kind}\texactCall ${percent(metrics.exactCall)} of ${metrics.n}\tname ${percent(metrics.functionName)}\targs ${percent(metrics.arguments)}`);
  return lines;
}

async function runEvaluation(api: Api, args: ParsedArgs, output: Output): Promise<void> {
  const project = await projectByName(api, requireFlag(args, 'project'));
  const params: EvalParams = { projectId: project.id };
  const runSeq = wholeNumberFlag(args, 'run', 1);
  if (runSeq !== undefined && args.flags.model !== undefined) throw new UsageError('Give --run or --model, not both.');
  if (runSeq !== undefined) {
    const run = (await api.train.runs({ projectId: project.id })).find((r) => r.seq === runSeq);
    if (!run) throw new ToolTuneError('not-found', `"${project.name}" has no run ${runSeq}.`);
    params.runId = run.id;
  }
  if (typeof args.flags.model === 'string') params.modelId = (await modelById(api, args.flags.model)).id;
  if (typeof args.flags.endpoint === 'string') {
    const model = args.flags['served-model'];
    if (typeof model !== 'string' || model === '') throw new UsageError('--endpoint needs --served-model <name>: the model the server should answer with.');
    const apiKey = process.env['TOOLTUNE_API_KEY'];
    params.endpoint = { baseUrl: args.flags.endpoint, model, ...(apiKey ? { apiKey } : {}) };
  }
  if (typeof args.flags.export === 'string') {
    const wanted = args.flags.export;
    const found = (await api.export.list({ projectId: project.id })).find((e) => e.id === wanted || basename(e.dir) === wanted);
    if (!found) throw new ToolTuneError('not-found', `"${project.name}" has no export ${wanted} (give its folder name or id, see \`export list\`).`);
    params.exportId = found.id;
  }
  const variants = variantsOf(args);
  if (variants) params.variants = variants;
  const set = args.flags.set;
  if (typeof set === 'string' && set !== 'eval') params.versionId = (await versionByName(api, project, set)).id;
  const checkpoint = wholeNumberFlag(args, 'checkpoint', 0);
  if (checkpoint !== undefined) params.checkpointStep = checkpoint;
  const threads = wholeNumberFlag(args, 'threads', 1, 512);
  if (threads !== undefined) params.threads = threads;
  const parallel = wholeNumberFlag(args, 'parallel', 1, 64);
  if (parallel !== undefined) params.parallel = parallel;
  const maxTokens = wholeNumberFlag(args, 'max-tokens', 16, 8192);
  if (maxTokens !== undefined) params.maxTokens = maxTokens;

  const { jobId } = await api.evaluate.start(params);
  let lastMessage = '';
  const job = await waitForJob(api, jobId, (progress) => {
    if (progress.message && progress.message !== lastMessage && !/\d+ of \d+ answers$/.test(progress.message)) output.err((lastMessage = progress.message));
  });
  const results = (await api.evaluate.results({ projectId: project.id })).filter((r) => r.jobId === jobId).reverse();
  if (args.flags.json === true) {
    output.out(JSON.stringify({ variants: Object.fromEntries(results.map((r) => [r.output ?? r.variant, { ...r.scores, model: r.model, setName: r.setName, setHash: r.setHash, decoding: r.decoding }])) }, null, 2));
  } else {
    for (const result of results) for (const line of resultLines(result)) output.out(line);
  }
  if (job.state !== 'done') throw new OutcomeError(job.state === 'cancelled' ? EXIT.runStopped : EXIT.failure, `The evaluation ${job.state}: ${job.message ?? 'no reason given'}`);
}

async function scoreFiles(args: ParsedArgs, output: Output): Promise<void> {
  const questions = await readTextFile(requireFlag(args, 'questions'), 'question file');
  const answers = await readTextFile(requireFlag(args, 'answers'), 'possible-answer file');
  const predictions = await readTextFile(requireFlag(args, 'predictions'), 'prediction file');
  const report = scorePredictions(questions, answers, predictions);
  for (const problem of report.problems) output.err(`warning: ${problem}`);
  if (args.flags.json === true) return output.out(JSON.stringify({ total: report.total, valid: report.valid, cases: report.cases }, null, 2));
  for (const c of report.cases) if (!c.valid) output.out(`${c.id}\t${c.error}`);
  output.out(`${report.valid} of ${report.total} valid (${percent(report.total === 0 ? null : report.valid / report.total)}).`);
}

export async function runEvalCommand(api: Api, action: string | undefined, args: ParsedArgs, output: Output): Promise<void> {
  if (action === 'run') return runEvaluation(api, args, output);
  if (action === 'score') return scoreFiles(args, output);
  throw new UsageError(`Unknown command: eval ${action ?? ''}`.trim());
}
