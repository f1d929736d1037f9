/**
 * The CLI's commands, written against the typed Api only (no database access), so
 * they behave exactly like the UI. Output goes through `Output` to stay testable.
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Api } from '../../shared/contract';
import { IMPORT_TEXT_MAX } from '../../shared/contract';
import { ToolTuneError } from '../../shared/errors';
import { unselectedOperations, type OperationFilter } from '../../shared/tools/operationFilter';
import type { ToolProblem } from '../../shared/tools/types';
import { projectByName, requireFlag, requirePositional, UsageError, type Output, type ParsedArgs } from './commandSupport';
import { runChatCommand, runToolCommand, type Confirm } from './chatCommands';
import { runDataCommand } from './dataCommands';
import { runEvalCommand } from './evalCommands';
import { runAdapterCommand, runExportCommand } from './exportCommands';
import { runModelsCommand, runTrainCommand } from './trainCommands';

export const USAGE = `Usage: tooltune <command> [options]

Projects
  project list [--json]                      List projects, most recently opened first
  project create <name> [--json]             Create an empty project
  project rename <name> <new-name>           Rename a project
  project duplicate <name> [<new-name>]      Copy a project with its tools and workspace
  project delete <name> --yes                Delete a project and its workspace folder

Tools
  tools list --project <name> [--json]       List a project's tools
  tools import <file> --project <name> [--dry-run] [--skip-invalid] [--tag T] [--path-prefix P] [--method M] [--json]
                                             Import OpenAI, MCP, Anthropic, BFCL or OpenAPI tools;
                                             --skip-invalid leaves out tools with errors instead of refusing all;
                                             --tag, --path-prefix, --method (each repeatable) choose OpenAPI operations
  tools export --project <name> [--format openai|mcp] [--out <file>]
                                             Print or write the project's tools

Data
  data generate --project <name> [--count N] [--seed S] [--json]
                                             Synthesize samples from the project's tools (progress on stderr)
  data import <file> --project <name> [--format <f>] [--add-tools] [--json]
                                             Import OpenAI JSONL, ShareGPT, LLaMA-Factory messages, Glaive, xLAM, BFCL or Alpaca rows
                                             (format detected unless given)
  data export --project <name> --format openai|sharegpt|llamafactory|glaive|xlam|bfcl [--version <v>] [--out <file>]
                                             Print or write a version, or the samples a freeze would take
  data stats --project <name> [--version <v>] [--json]
                                             Counts per status, kind, tool and check; balance warnings
  data split --project <name> [--eval 0.1] [--seed S]
                                             Stratified train/eval split (frozen samples keep theirs)
  data freeze --project <name> --name <v> [--json]
                                             Freeze the samples into an immutable, hashed version

Models
  models list [--json]                       List the base models in the library (shared by all projects)
  models add <file> [--json]                 Add a local GGUF base (read where it lies and hashed, not copied)
  models catalog [--json]                    The curated bases to download (URI, size, license)
  models download <uri> [--endpoint URL] [--json]
                                             Download hf:<user>/<repo>/<file>, hf:<user>/<repo>:<quant> or a URL into
                                             the library (progress on stderr; run again to resume); --endpoint: a mirror
  models remove <id>                         Remove a model from the library; the file stays
  models use <id|demo> --project <name>      Set the project's base; demo: the tiny built-in demo base
                                             (<id>: the full id or a unique start of it, as models list shows)

Train
  train start --project <name> [--dataset <v>] [--model <id>] [--max-steps N] [--epochs N]
              [--rank N] [--lr F] [--ctx N] [--backend auto|cuda|vulkan|metal|cpu] [--wait] [--json]
                                             Train a LoRA on a frozen dataset version (default: the newest)
                                             and the project's base (or --model); returns once the trainer
                                             runs, which goes on in the background; --wait follows it to the end
                                             (progress on stderr) and exits with the run's outcome
  train status --project <name> [--run R] [--wait] [--json]
                                             A run's state, loss and adapter (R: its number; default the newest)
  train stop --project <name> [--run R] [--wait] [--json]
                                             Stop a run (it writes a checkpoint first); --wait until it has ended
                                             (0 once stopped)
  train resume --project <name> [--run R] [--wait] [--json]
                                             Continue a stopped or interrupted run from its checkpoint
  train list --project <name> [--json]       The project's runs, newest first
  Ctrl-C while waiting stops following, not the run: \`train status --wait\` follows it again.

Evaluate
  eval run --project <name> [--run R | --model <id> | --export <folder> | --endpoint <url> --served-model <name>]
           [--variants base,tuned] [--set eval|<version>]
           [--checkpoint STEP] [--threads N] [--parallel N] [--max-tokens N] [--json]
                                             BFCL-style scores of a run's base and tuned model (default: the
                                             newest finished run) on the eval split of its dataset version;
                                             --json prints {"variants": {"base": {"overall", "byKind"}, ...}};
                                             --endpoint: a served model's OpenAI-compatible API (key from
                                             TOOLTUNE_API_KEY), variant "endpoint"; --export: every file of an
                                             export next to its run's base and tuned (keyed by type, e.g. "Q8_0")
  eval score --questions <file> --answers <file> --predictions <file> [--json]
                                             Score BFCL predictions made anywhere (one JSON line per case:
                                             {"id", "calls": [{"name", "arguments"}]}) under the same rules

Export
  export create --project <name> --out <dir> [--run R[@STEP]] [--quant Q4_K_M,Q8_0]
           [--package gguf,adapter,ollama,llama-server,lmstudio,llamafactory,axolotl] [--hf-repo ORG/NAME]
           [--threads N] [--skip-gate] [--json]
                                             Merge the run's adapter (default: the newest finished run; @STEP:
                                             a kept checkpoint) into its base, quantize (Q4_K_M, Q5_K_M, Q6_K,
                                             Q8_0, F16), package into a new folder under --out with a README and
                                             SHA256SUMS, then score every file on the eval split (quality gate);
                                             llamafactory/axolotl: the dataset and settings as training configs
                                             for bigger machines (--hf-repo: the base's Hugging Face repository)
  export --project <name> --quant … --format … --out <dir>
                                             The same (--format means --package)
  export list --project <name> [--json]      The project's exports, newest first
  adapter import <folder|file.gguf> --project <name> --model <id> [--json]
                                             A LoRA trained elsewhere (PEFT: adapter_config.json +
                                             adapter_model.safetensors, converted; or a GGUF adapter) for a
                                             library base, as a finished run to evaluate, export and chat with

Test
  chat --project <name> [--run R | --model <id> | --export <folder>[:<file>]] [--max-tokens N] [--auto-approve] [--json] "<prompt>"
                                             Ask the model (default: the newest finished run) with the project's
                                             tools; its calls really run through their bindings (Test step) and the
                                             results go back to it; prints the transcript with every call
  tools run --project <name> <tool> '<json arguments>' [--auto-approve] [--json]
                                             Run one tool through its binding, policy and workspace jail, no model
  "ask" tools need --auto-approve or a yes on the terminal (without one: denied); "deny" never runs.

Environment: TOOLTUNE_DATA_DIR sets the data folder.
Exit codes: 0 ok, 1 failure, 2 usage, 3 not found, 4 invalid input, 5 conflict;
  how a run followed with --wait ended: 0 done, 6 stopped, 7 failed, 8 diverged, 9 out of memory, 10 interrupted.`;

export function formatProblem(problem: ToolProblem): string {
  const who = problem.toolName ?? (problem.toolIndex === undefined ? '' : `tool #${problem.toolIndex + 1}`);
  return `${problem.severity}: ${who ? `${who}: ` : ''}${problem.pointer || '/'}: ${problem.message}`;
}

async function readImportFile(file: string): Promise<string> {
  const info = await stat(file).catch(() => {
    throw new ToolTuneError('not-found', `Cannot read ${file}: no such file.`);
  });
  if (!info.isFile()) throw new ToolTuneError('invalid-input', `${file} is not a file.`);
  if (info.size > IMPORT_TEXT_MAX) {
    throw new ToolTuneError('too-large', `${file} has ${info.size} bytes; imports are capped at ${IMPORT_TEXT_MAX} bytes.`);
  }
  return readFile(file, 'utf8');
}

export async function runCommand(api: Api, args: ParsedArgs, output: Output, confirm?: Confirm): Promise<void> {
  const [group, action] = args.positionals;
  const rest: ParsedArgs = { positionals: args.positionals.slice(2), flags: args.flags };
  const json = args.flags.json === true;
  const print = (value: unknown) => output.out(JSON.stringify(value, null, 2));

  if (group === 'project') {
    switch (action) {
      case 'list': {
        const projects = await api.projects.list({});
        if (json) return print(projects);
        for (const project of projects) output.out(`${project.name}\t${project.toolCount} tools\t${project.workspacePath}`);
        return;
      }
      case 'create': {
        const project = await api.projects.create({ name: requirePositional(rest, 0, 'A project name') });
        return json ? print(project) : output.out(`Created project "${project.name}".`);
      }
      case 'rename': {
        const project = await projectByName(api, requirePositional(rest, 0, 'The project name'));
        const renamed = await api.projects.rename({ id: project.id, name: requirePositional(rest, 1, 'The new name') });
        return output.out(`Renamed "${project.name}" to "${renamed.name}".`);
      }
      case 'duplicate': {
        const project = await projectByName(api, requirePositional(rest, 0, 'The project name'));
        const name = rest.positionals[1];
        const copy = await api.projects.duplicate(name === undefined ? { id: project.id } : { id: project.id, name });
        return output.out(`Duplicated "${project.name}" as "${copy.name}".`);
      }
      case 'delete': {
        const project = await projectByName(api, requirePositional(rest, 0, 'The project name'));
        if (args.flags.yes !== true) {
          throw new UsageError(`Deleting "${project.name}" removes its tools and workspace folder. Add --yes to confirm.`);
        }
        await api.projects.delete({ id: project.id });
        return output.out(`Deleted project "${project.name}".`);
      }
    }
  }

  if (group === 'tools' && action === 'run') return runToolCommand(api, rest, output, confirm);
  if (group === 'chat') return runChatCommand(api, { ...args, positionals: args.positionals.slice(1) }, output, confirm);
  if (group === 'tools') {
    const project = await projectByName(api, requireFlag(args, 'project'));
    switch (action) {
      case 'list': {
        const tools = await api.tools.list({ projectId: project.id });
        if (json) return print(tools);
        for (const tool of tools) output.out(`${tool.name}\t${tool.description}`);
        return;
      }
      case 'import': {
        const file = requirePositional(rest, 0, 'A file to import');
        const text = await readImportFile(file);
        const request = { projectId: project.id, text, fileName: basename(file) };
        const preview = await api.tools.previewImport(request);
        for (const problem of preview.problems) output.err(formatProblem(problem));
        if (args.flags['dry-run'] === true) {
          if (json) return print(preview);
          output.out(`${preview.tools.length} tools found (${preview.format ?? 'unknown format'}); nothing saved (--dry-run).`);
          if (preview.problems.some((problem) => problem.severity === 'error')) {
            throw new ToolTuneError('invalid-input', 'The file has errors; fix them before importing.');
          }
          return;
        }
        // a big spec: only the chosen operations, and with --skip-invalid without its few broken ones
        const unchosen = new Set(unselectedOperations(preview.tools, operationFilterOf(args)));
        const broken = args.flags['skip-invalid'] === true
          ? [...new Set(preview.problems.flatMap((p) => (p.severity === 'error' && p.toolIndex !== undefined && !unchosen.has(p.toolIndex) ? [p.toolIndex] : [])))]
          : [];
        const { imported } = await api.tools.commitImport({ ...request, excludeIndices: [...unchosen, ...broken] });
        if (json) return print(imported);
        const skipped = broken.length > 0 ? `; left out ${broken.length} with errors: ${broken.map((i) => preview.tools[i]?.name ?? `#${i}`).join(', ')}` : '';
        const notChosen = unchosen.size > 0 ? `; ${unchosen.size} not chosen` : '';
        return output.out(`Imported ${imported.length} tools (${preview.format}) into "${project.name}"${skipped}${notChosen}.`);
      }
      case 'export': {
        const format = args.flags.format ?? 'openai';
        if (format !== 'openai' && format !== 'mcp') throw new UsageError('--format must be openai or mcp.');
        const exported = await api.tools.export({ projectId: project.id, format });
        const out = args.flags.out;
        if (typeof out === 'string') {
          await writeFile(out, exported.text, 'utf8');
          return output.out(`Wrote ${out}.`);
        }
        return output.out(exported.text.trimEnd());
      }
    }
  }

  if (group === 'data') return runDataCommand(api, action, rest, output);
  if (group === 'models') return runModelsCommand(api, action, rest, output);
  if (group === 'train') return runTrainCommand(api, action, rest, output);
  if (group === 'eval') return runEvalCommand(api, action, rest, output);
  if (group === 'export') return runExportCommand(api, action, rest, output);
  if (group === 'adapter') return runAdapterCommand(api, action, rest, output);

  throw new UsageError(group ? `Unknown command: ${args.positionals.slice(0, 2).join(' ')}` : 'No command given.');
}

/** The OpenAPI operations `--tag`, `--path-prefix` and `--method` (each repeatable) choose (shared/tools/operationFilter). */
function operationFilterOf(args: ParsedArgs): OperationFilter {
  const values = (name: string): string[] => {
    const value = args.flags[name];
    return Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
  };
  return { tags: values('tag'), pathPrefixes: values('path-prefix'), methods: values('method').map((method) => method.toUpperCase()) };
}
