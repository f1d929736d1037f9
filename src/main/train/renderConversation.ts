/**
 * Turns a stored `Sample` into training tokens + a loss mask, rendered with the base model's own Jinja chat
 * template (the `tokenizer.chat_template` of its GGUF) through node-llama-cpp's `JinjaTemplateChatWrapper`.
 * That template is the format llama-server `--jinja`, Ollama and LM Studio use, so training, evaluation and
 * chat all see exactly what the exported model will see. node-llama-cpp's specialised wrappers can differ
 * from the template (its Qwen wrapper quotes string tool results, its Llama 3.1 wrapper writes another call
 * syntax), which is why the template itself is the reference here.
 *
 * Mask rule: 1 on tokens the assistant generates at run time (its text, its tool calls and the
 * end-of-turn token that stops each generation), 0 on everything the runtime feeds in (system
 * prompt and tool list, user turns, tool results, role headers) and on assistant turns with `weight: 0`.
 *
 * How the mask is found, generically for any wrapper: node-llama-cpp represents an assistant turn as
 * one `model` history item whose response holds text and function calls *with their results*. At run
 * time the model starts generating after the rendering of the history so far, and again after each
 * batch of tool results. We render exactly those prefixes with the wrapper, check that each is a token
 * prefix of the full rendering, and mark from there up to and including the first end-of-generation
 * token the model must emit.
 */
import {
  JinjaTemplateChatWrapper,
  LlamaText,
  type ChatHistoryItem,
  type ChatModelFunctionCall,
  type ChatModelFunctions,
  type ChatModelResponse,
  type ChatWrapper,
  type GbnfJsonSchema,
  type LlamaModel,
  type Token,
  type Tokenizer,
} from 'node-llama-cpp';
import type { Sample } from '../../shared/data/conversation.js';
import type { ToolDefinition } from '../../shared/tools/types.js';

/** What the renderer reads of a sample: its messages and the tools offered. */
export type RenderableSample = Pick<Sample, 'messages' | 'tools'>;

/** What the model must produce in one generation of a sample. */
export interface ExpectedGeneration {
  /** 0: a `weight: 0` turn, rendered but not trained. */
  weight: number;
  text: string;
  calls: Array<{ name: string; arguments: Record<string, unknown> }>;
}

export interface RenderedConversation {
  tokens: number[];
  /** Same length as tokens: 1 = assistant-produced (train on it), 0 = context. */
  mask: Uint8Array;
  /** Half-open token ranges [start, end) of each assistant generation, in order (weight-0 turns included, unmasked). */
  assistantSpans: Array<{ start: number; end: number }>;
  /** Same length as assistantSpans: what each span must parse back into. */
  generations: ExpectedGeneration[];
}

export class RenderConversationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RenderConversationError';
  }
}

/** A generation's context is not a token prefix of the whole rendering (the template renders turns differently once later ones follow). */
class PrefixMismatchError extends RenderConversationError {}

export interface ConversationRendererOptions {
  /** Passed to the wrapper like LlamaChat does. Default: the wrapper's default (document params). */
  documentFunctionParams?: boolean;
}

export class ConversationRenderer {
  constructor(
    readonly chatWrapper: ChatWrapper,
    private readonly tokenizer: Tokenizer,
    private readonly options: ConversationRendererOptions = {},
  ) {}

  /**
   * Renders with the model's own chat template (see `templateChatWrapper`). A model loaded with
   * `vocabOnly: true` is enough: only its tokenizer and metadata are used.
   */
  static forModel(model: LlamaModel, chatWrapper: ChatWrapper = templateChatWrapper(model), options?: ConversationRendererOptions): ConversationRenderer {
    return new ConversationRenderer(chatWrapper, model.tokenizer, options);
  }

  /** Tool definitions in node-llama-cpp's shape (what `LlamaChat` takes as `functions`). */
  functionsOf(tools: readonly ToolDefinition[] | undefined): ChatModelFunctions | undefined {
    if (tools === undefined || tools.length === 0) return undefined;
    const functions: Record<string, ChatModelFunctions[string]> = {};
    for (const tool of tools) {
      if (functions[tool.name] !== undefined) throw new RenderConversationError(`tool ${tool.name} is defined twice`);
      functions[tool.name] = {
        ...(tool.description !== undefined ? { description: tool.description } : {}),
        // node-llama-cpp's GbnfJsonSchema is a subset of JSON Schema; the wrapper only prints it.
        ...(tool.parameters !== undefined ? { params: tool.parameters as unknown as GbnfJsonSchema } : {}),
      };
    }
    return functions;
  }

  /**
   * The sample as node-llama-cpp chat history: each assistant message, its tool results and the
   * assistant's continuation after them form one `model` item, as in a live LlamaChatSession.
   * `generations` holds, per generation in rendering order, what the model must produce there: the loss weight
   * of the assistant message that starts it, its text and its calls (consecutive assistant messages without
   * results between them are one generation).
   */
  toChatHistory(sample: RenderableSample): { history: ChatHistoryItem[]; generations: ExpectedGeneration[] } {
    const toolNames = new Set(sample.tools.map((t) => t.name));
    const history: ChatHistoryItem[] = [];
    const generations: ExpectedGeneration[] = [];
    let model: ChatModelResponse | undefined;
    let pending: ChatModelFunctionCall[] = [];
    let pendingIds: string[] = [];
    let resultsSeen = 0;
    let afterResults = false;

    const closePending = (index: number) => {
      if (pending.length > 0 && resultsSeen < pending.length && resultsSeen > 0) {
        throw new RenderConversationError(`message ${index}: ${pending.length - resultsSeen} tool call(s) have no result`);
      }
      if (resultsSeen === 0 && pending.length > 0) {
        throw new RenderConversationError(`message ${index}: tool calls must be followed by their results`);
      }
      pending = [];
      pendingIds = [];
      resultsSeen = 0;
    };

    sample.messages.forEach((message, index) => {
      switch (message.role) {
        case 'system':
        case 'user':
          closePending(index);
          model = undefined;
          history.push(message.role === 'system' ? { type: 'system', text: message.content } : { type: 'user', text: message.content });
          break;
        case 'assistant': {
          closePending(index);
          if (model === undefined || afterResults) generations.push({ weight: message.weight ?? 1, text: '', calls: [] });
          const generation = generations.at(-1);
          if (generation) {
            generation.text += message.content;
            generation.calls.push(...message.toolCalls.map((call) => ({ name: call.name, arguments: call.arguments })));
          }
          afterResults = false;
          if (model === undefined) {
            model = { type: 'model', response: [] };
            history.push(model);
          }
          if (message.content !== '') model.response.push(message.content);
          message.toolCalls.forEach((call, i) => {
            if (!toolNames.has(call.name)) throw new RenderConversationError(`message ${index}: call of unknown tool ${call.name}`);
            const item: ChatModelFunctionCall = { type: 'functionCall', name: call.name, params: call.arguments, result: undefined };
            // A new assistant message after tool results starts a new call batch.
            if (i === 0) item.startsNewChunk = true;
            model?.response.push(item);
            pending.push(item);
            pendingIds.push(call.id);
          });
          if (model.response.length === 0) throw new RenderConversationError(`message ${index}: assistant message has neither content nor tool calls`);
          break;
        }
        case 'tool': {
          if (pending.length === 0 || resultsSeen >= pending.length) throw new RenderConversationError(`message ${index}: tool result without a matching tool call`);
          const byId = pendingIds.indexOf(message.toolCallId);
          const target = byId >= 0 ? byId : resultsSeen;
          const call = pending[target];
          if (call === undefined || call.result !== undefined) throw new RenderConversationError(`message ${index}: tool call ${target} already has a result`);
          call.result = this.resultText(message.content);
          resultsSeen++;
          afterResults = true;
          break;
        }
      }
    });
    if (pending.length > 0 && resultsSeen > 0 && resultsSeen < pending.length) {
      throw new RenderConversationError(`${pending.length - resultsSeen} tool call(s) at the end have no result`);
    }
    return { history, generations };
  }

  /** Tokens of the rendered history, as LlamaChat would evaluate them. */
  renderHistoryTokens(history: readonly ChatHistoryItem[], tools?: readonly ToolDefinition[]): Token[] {
    const functions = this.functionsOf(tools);
    const state = this.chatWrapper.generateContextState({
      chatHistory: history,
      ...(functions !== undefined ? { availableFunctions: functions } : {}),
      ...(this.options.documentFunctionParams !== undefined ? { documentFunctionParams: this.options.documentFunctionParams } : {}),
    });
    return state.contextText.tokenize(this.tokenizer);
  }

  /**
   * Renders a whole conversation with its loss mask. A conversation ending with an assistant message
   * ends right after that message's end-of-turn token; calls at the very end may lack results (the
   * common "user asks -> assistant calls" training sample).
   */
  render(sample: RenderableSample): RenderedConversation {
    const { history, generations } = this.toChatHistory(sample);
    const endsWithModel = history.at(-1)?.type === 'model';
    // The wrapper leaves a final model turn open (ready for generation); a trailing empty user turn
    // makes it render the closing tokens, which we cut after the last assistant span.
    const closed: ChatHistoryItem[] = endsWithModel ? [...history, { type: 'user', text: '' }] : history;
    const full = this.renderHistoryTokens(closed, sample.tools);
    const mask = new Uint8Array(full.length);
    const spans: Array<{ start: number; end: number }> = [];

    history.forEach((item, k) => {
      if (item.type !== 'model') return;
      for (const prefix of generationPrefixes(item)) {
        const context = this.renderHistoryTokens([...history.slice(0, k), { type: 'model', response: prefix }], sample.tools);
        if (!isPrefix(context, full)) {
          throw new PrefixMismatchError(`the ${this.chatWrapper.wrapperName} wrapper does not render assistant turn ${k} as a token prefix of the conversation`);
        }
        let end = context.length;
        while (end < full.length && !this.tokenizer.isEogToken(full[end]!)) end++;
        if (end >= full.length) throw new RenderConversationError(`no end-of-generation token after assistant turn ${k}`);
        end++; // include the end-of-turn token: the model must learn to stop
        if (generations[spans.length]?.weight !== 0) mask.fill(1, context.length, end);
        spans.push({ start: context.length, end });
      }
    });

    if (spans.length !== generations.length) {
      throw new RenderConversationError(`${generations.length} assistant generations but ${spans.length} rendered spans`);
    }
    const length = endsWithModel ? (spans.at(-1)?.end ?? full.length) : full.length;
    return { tokens: full.slice(0, length), mask: mask.slice(0, length), assistantSpans: spans, generations };
  }

  /**
   * The sample as training sequences. Usually one (`render`). Where the template renders an assistant turn
   * differently once later turns follow it (Qwen3 writes the empty think block of `enable_thinking=false` only
   * into the generation prompt and the last assistant message), a single rendering cannot be what the runtime
   * sees at every generation: then each generation becomes a sequence of its own, its context rendered exactly as
   * the runtime renders it before that generation, followed by what the model generates and the end of its turn.
   */
  renderSequences(sample: RenderableSample): RenderedConversation[] {
    try {
      return [this.render(sample)];
    } catch (error) {
      if (!(error instanceof PrefixMismatchError)) throw error;
    }
    const { history, generations } = this.toChatHistory(sample);
    const endOfTurn = this.endOfTurnToken(history, sample);
    const sequences: RenderedConversation[] = [];
    let g = 0;
    history.forEach((item, k) => {
      if (item.type !== 'model') return;
      const prefixes = generationPrefixes(item);
      prefixes.forEach((prefix, j) => {
        const generation = generations[g++];
        if (!generation) return;
        const next = prefixes[j + 1];
        const through = next === undefined ? item.response : withoutLastResults(next);
        const context = this.renderHistoryTokens([...history.slice(0, k), { type: 'model', response: prefix }], sample.tools);
        const open = this.renderHistoryTokens([...history.slice(0, k), { type: 'model', response: through }], sample.tools);
        // What the model generates starts where the two renderings part: right after the context, or earlier where
        // the template writes this turn without what its generation prompt adds (Qwen3's empty think block once
        // more messages follow). It ends with the first end-of-turn token (the wrapper renders pending calls as
        // answered) or, for a final text answer, with the template's end-of-turn token.
        const start = commonPrefixLength(context, open);
        let end = start;
        while (end < open.length && !this.tokenizer.isEogToken(open[end]!)) end++;
        const output = end < open.length ? open.slice(start, end + 1) : [...open.slice(start), endOfTurn];
        if (output.length <= 1) throw new RenderConversationError(`assistant turn ${k} renders empty`);
        const tokens = [...context, ...output];
        const mask = new Uint8Array(tokens.length).fill(generation.weight === 0 ? 0 : 1, context.length);
        sequences.push({ tokens, mask, assistantSpans: [{ start: context.length, end: tokens.length }], generations: [generation] });
      });
    });
    return sequences;
  }

  /** The token that ends an assistant turn: the one closing the last turn of the closed rendering. */
  private endOfTurnToken(history: ChatHistoryItem[], sample: RenderableSample): Token {
    const full = this.renderHistoryTokens([...history, { type: 'user', text: '' }], sample.tools);
    for (let i = full.length - 1; i >= 0; i--) if (this.tokenizer.isEogToken(full[i]!)) return full[i]!;
    throw new RenderConversationError('the template renders no end-of-turn token');
  }

  private quotedResults: boolean | undefined;

  /**
   * A tool message's content as the history carries it. Templates that pass every content through `tojson`
   * (Llama 3.x: a string is "iterable") write a string result JSON-quoted, but node-llama-cpp's Jinja wrapper
   * inserts results into the rendered quotes raw: escaping the string first gives exactly the template's text.
   */
  private resultText(content: string): string {
    this.quotedResults ??= this.templateQuotesResults();
    return this.quotedResults ? JSON.stringify(content).slice(1, -1) : content;
  }

  private templateQuotesResults(): boolean {
    const probe = 'tooltune_probe_result';
    const state = this.chatWrapper.generateContextState({
      chatHistory: [
        { type: 'user', text: 'u' },
        { type: 'model', response: [{ type: 'functionCall', name: 'f', params: {}, result: probe, startsNewChunk: true }, 'done'] },
      ],
      availableFunctions: { f: { description: 'f' } },
    });
    return state.contextText.toString().includes(`"${probe}"`);
  }

  /**
   * The tokens the runtime evaluates before the assistant answers `sample`, which ends with a user turn or with
   * tool results (the model goes on after them): the prompt for evaluation and held-out tests.
   */
  renderPrompt(sample: RenderableSample): Token[] {
    const { history } = this.toChatHistory(sample);
    const last = history.at(-1);
    if (last?.type !== 'model') return this.renderHistoryTokens([...history, { type: 'model', response: [] }], sample.tools);
    const lastItem = last.response.at(-1);
    if (typeof lastItem !== 'object' || lastItem.type !== 'functionCall' || lastItem.result === undefined) {
      throw new RenderConversationError('the conversation already ends with an assistant turn');
    }
    // The wrapper leaves a final model turn open: after the results is where the model generates.
    return this.renderHistoryTokens(history, sample.tools);
  }
}

/**
 * The chat wrapper that renders exactly as the model's GGUF chat template: node-llama-cpp's
 * `JinjaTemplateChatWrapper`, with the template's own call syntax extracted for function calling.
 * `reasoning` sets the template's thinking switch (`enable_thinking` in Qwen3); default off.
 */
export function templateChatWrapper(model: LlamaModel, options: { reasoning?: boolean } = {}): JinjaTemplateChatWrapper {
  const template = model.fileInfo.metadata.tokenizer?.chat_template;
  if (typeof template !== 'string' || template === '') throw new RenderConversationError('the model has no chat template (tokenizer.chat_template)');
  return new JinjaTemplateChatWrapper({ template, reasoning: options.reasoning ?? false });
}

/**
 * The response prefixes after which the model generates: the empty response, then everything up to
 * and including each batch of function calls that has results.
 */
function generationPrefixes(item: ChatModelResponse): Array<ChatModelResponse['response']> {
  const prefixes: Array<ChatModelResponse['response']> = [[]];
  const r = item.response;
  for (let i = 0; i < r.length; i++) {
    const current = r[i];
    const next = r[i + 1];
    const isCall = typeof current === 'object' && current.type === 'functionCall';
    const batchEnds = isCall && !(typeof next === 'object' && next.type === 'functionCall' && next.startsNewChunk !== true);
    if (isCall && batchEnds && current.result !== undefined && i + 1 < r.length) prefixes.push(r.slice(0, i + 1));
  }
  return prefixes;
}

/** `{` minus `}` outside JSON strings. */
function unclosedBraces(text: string): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}') depth--;
  }
  return Math.max(0, depth);
}

/** A response ending in a batch of calls, with that batch's results taken out: what the model generates. */
function withoutLastResults(response: ChatModelResponse['response']): ChatModelResponse['response'] {
  let first = response.length;
  while (first > 0) {
    const item = response[first - 1];
    if (typeof item !== 'object' || item.type !== 'functionCall') break;
    first--;
    if (item.startsNewChunk === true) break;
  }
  return response.map((item, i) => (i >= first && typeof item === 'object' && item.type === 'functionCall' ? { ...item, result: undefined } : item));
}

function commonPrefixLength(a: readonly number[], b: readonly number[]): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

function isPrefix(prefix: readonly number[], full: readonly number[]): boolean {
  if (prefix.length > full.length) return false;
  for (let i = 0; i < prefix.length; i++) if (prefix[i] !== full[i]) return false;
  return true;
}

export interface ParsedAssistantTurn {
  /** Text before the first call without trailing whitespace, or the whole answer when there is no call, without the end-of-turn text. */
  text: string;
  calls: Array<{ name: string; arguments: unknown }>;
  /** Each call's arguments as written (the checker reads int vs float from it). */
  argumentTexts: string[];
}

/**
 * Reads an assistant generation (text as detokenized with special tokens) back into text and calls,
 * using the call syntax node-llama-cpp's runtime uses for this wrapper (`chatWrapper.settings.functions`:
 * call prefix, params prefix, suffix, between-calls and section-suffix texts). Used to check that
 * rendered training turns and model outputs parse into the intended calls.
 */
export function parseAssistantText(chatWrapper: ChatWrapper, generated: string, endOfTurn: string): ParsedAssistantTurn {
  const call = chatWrapper.settings.functions.call;
  const parallel = chatWrapper.settings.functions.parallelism?.call;
  const str = (v: string | LlamaText | undefined) => (v === undefined ? '' : LlamaText(v).toString());
  const prefix = str(call.prefix);
  const paramsPrefix = str(call.paramsPrefix);
  // A template whose call is one JSON object (Llama 3.x: `{"name": …, "parameters": …}`) yields no suffix: the
  // call ends where the prefix's open braces close.
  const suffix = str(call.suffix) || '}'.repeat(unclosedBraces(prefix + paramsPrefix));
  const between = str(parallel?.betweenCalls);
  const sectionSuffix = str(parallel?.sectionSuffix);

  let rest = endOfTurn !== '' && generated.endsWith(endOfTurn) ? generated.slice(0, -endOfTurn.length) : generated;
  const first = rest.indexOf(prefix);
  if (first < 0) return { text: rest, calls: [], argumentTexts: [] };
  // Templates separate text from the calls after it (Qwen2.5 writes a line break): not part of the text.
  const text = rest.slice(0, first).trimEnd();
  rest = rest.slice(first);
  const calls: ParsedAssistantTurn['calls'] = [];
  const argumentTexts: string[] = [];
  while (rest.startsWith(prefix)) {
    rest = rest.slice(prefix.length);
    const nameEnd = rest.indexOf(paramsPrefix);
    if (nameEnd < 0) throw new RenderConversationError('call without parameters prefix');
    const name = rest.slice(0, nameEnd);
    rest = rest.slice(nameEnd + paramsPrefix.length);
    // The params end at the first suffix after which the JSON parses (params may contain the suffix text).
    let args: unknown;
    let parsed = false;
    for (let at = rest.indexOf(suffix); at >= 0 && !parsed; at = rest.indexOf(suffix, at + 1)) {
      try {
        args = JSON.parse(rest.slice(0, at));
        argumentTexts.push(rest.slice(0, at).trim());
        rest = rest.slice(at + suffix.length);
        parsed = true;
      } catch {
        /* keep looking */
      }
    }
    if (!parsed) throw new RenderConversationError(`unparseable arguments for call of ${name}`);
    calls.push({ name, arguments: args });
    if (between !== '' && rest.startsWith(between + prefix)) rest = rest.slice(between.length);
  }
  // What is left must be (a start of) the call section's suffix; the end-of-turn was cut above.
  if (rest !== '' && !sectionSuffix.startsWith(rest)) throw new RenderConversationError(`unexpected text after the calls: ${JSON.stringify(rest)}`);
  return { text, calls, argumentTexts };
}
