/**
 * Turns a function-calling conversation into training tokens + a loss mask, using node-llama-cpp's
 * own chat wrapper for the model (the one it resolves from the GGUF's chat template, e.g.
 * `QwenChatWrapper` for Qwen2.5). Training text is therefore token-identical to what the runtime
 * puts in the context when it serves the tuned model.
 *
 * Mask rule: 1 on tokens the assistant generates at run time (its text, its tool calls and the
 * end-of-turn token that stops each generation), 0 on everything the runtime feeds in (system
 * prompt and tool list, user turns, tool results, role headers).
 *
 * How the mask is found, generically for any wrapper: node-llama-cpp represents an assistant turn as
 * one `model` history item whose response holds text and function calls *with their results*. At run
 * time the model starts generating after the rendering of the history so far, and again after each
 * batch of tool results. We render exactly those prefixes with the wrapper, check that each is a token
 * prefix of the full rendering, and mark from there up to and including the first end-of-generation
 * token the model must emit.
 */
import {
  LlamaText,
  resolveChatWrapper,
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

/** A tool the assistant may call: the common core of OpenAI, MCP and Anthropic tool definitions. */
export interface ToolDefinition {
  name: string;
  description?: string;
  /** JSON Schema of the arguments object. */
  parameters?: Record<string, unknown>;
}

export interface ToolCall {
  /** Optional id, used to match tool results to calls (otherwise they match by position). */
  id?: string;
  name: string;
  arguments: Record<string, unknown>;
}

export type ConversationMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string }
  | { role: 'assistant'; content?: string; toolCalls?: ToolCall[] }
  /** `result` is the value the tool returned, exactly as a runtime function handler would return it. */
  | { role: 'tool'; toolCallId?: string; result: unknown };

export interface Conversation {
  tools?: ToolDefinition[];
  messages: ConversationMessage[];
}

export interface RenderedConversation {
  tokens: number[];
  /** Same length as tokens: 1 = assistant-produced (train on it), 0 = context. */
  mask: Uint8Array;
  /** Half-open token ranges [start, end) of each assistant generation, in order. */
  assistantSpans: Array<{ start: number; end: number }>;
}

export class RenderConversationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RenderConversationError';
  }
}

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
   * Uses the chat wrapper node-llama-cpp resolves for `model` (from its GGUF chat template). A model
   * loaded with `vocabOnly: true` is enough: only its tokenizer is used.
   */
  static forModel(model: LlamaModel, chatWrapper: ChatWrapper = resolveChatWrapper(model), options?: ConversationRendererOptions): ConversationRenderer {
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
   * The conversation as node-llama-cpp chat history: each assistant message, its tool results and
   * the assistant's continuation after them form one `model` item, as in a live LlamaChatSession.
   */
  toChatHistory(conversation: Conversation): ChatHistoryItem[] {
    const toolNames = new Set((conversation.tools ?? []).map((t) => t.name));
    const history: ChatHistoryItem[] = [];
    let model: ChatModelResponse | undefined;
    let pending: ChatModelFunctionCall[] = [];
    let pendingIds: Array<string | undefined> = [];
    let resultsSeen = 0;

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

    conversation.messages.forEach((message, index) => {
      switch (message.role) {
        case 'system':
        case 'user':
          closePending(index);
          model = undefined;
          history.push(message.role === 'system' ? { type: 'system', text: message.content } : { type: 'user', text: message.content });
          break;
        case 'assistant': {
          closePending(index);
          if (model === undefined) {
            model = { type: 'model', response: [] };
            history.push(model);
          }
          if (message.content !== undefined && message.content !== '') model.response.push(message.content);
          (message.toolCalls ?? []).forEach((call, i) => {
            if (toolNames.size > 0 && !toolNames.has(call.name)) throw new RenderConversationError(`message ${index}: call of unknown tool ${call.name}`);
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
          let target = resultsSeen;
          if (message.toolCallId !== undefined && pendingIds.includes(message.toolCallId)) target = pendingIds.indexOf(message.toolCallId);
          const call = pending[target];
          if (call === undefined || call.result !== undefined) throw new RenderConversationError(`message ${index}: tool call ${target} already has a result`);
          call.result = message.result;
          resultsSeen++;
          break;
        }
      }
    });
    if (pending.length > 0 && resultsSeen > 0 && resultsSeen < pending.length) {
      throw new RenderConversationError(`${pending.length - resultsSeen} tool call(s) at the end have no result`);
    }
    return history;
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
  render(conversation: Conversation): RenderedConversation {
    const history = this.toChatHistory(conversation);
    const endsWithModel = history.at(-1)?.type === 'model';
    // The wrapper leaves a final model turn open (ready for generation); a trailing empty user turn
    // makes it render the closing tokens, which we cut after the last assistant span.
    const closed: ChatHistoryItem[] = endsWithModel ? [...history, { type: 'user', text: '' }] : history;
    const full = this.renderHistoryTokens(closed, conversation.tools);
    const mask = new Uint8Array(full.length);
    const spans: Array<{ start: number; end: number }> = [];

    history.forEach((item, k) => {
      if (item.type !== 'model') return;
      for (const prefix of generationPrefixes(item)) {
        const context = this.renderHistoryTokens([...history.slice(0, k), { type: 'model', response: prefix }], conversation.tools);
        if (!isPrefix(context, full)) {
          throw new RenderConversationError(`the ${this.chatWrapper.wrapperName} wrapper does not render assistant turn ${k} as a token prefix of the conversation`);
        }
        let end = context.length;
        while (end < full.length && !this.tokenizer.isEogToken(full[end]!)) end++;
        if (end >= full.length) throw new RenderConversationError(`no end-of-generation token after assistant turn ${k}`);
        end++; // include the end-of-turn token: the model must learn to stop
        mask.fill(1, context.length, end);
        spans.push({ start: context.length, end });
      }
    });

    const length = endsWithModel ? (spans.at(-1)?.end ?? full.length) : full.length;
    return { tokens: full.slice(0, length), mask: mask.slice(0, length), assistantSpans: spans };
  }

  /**
   * The tokens the runtime evaluates before the assistant answers `conversation` (which must not end
   * with an assistant message): the prompt for evaluation and held-out tests.
   */
  renderPrompt(conversation: Conversation): Token[] {
    const history = this.toChatHistory(conversation);
    if (history.at(-1)?.type === 'model') throw new RenderConversationError('the conversation already ends with an assistant turn');
    return this.renderHistoryTokens([...history, { type: 'model', response: [] }], conversation.tools);
  }
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

function isPrefix(prefix: readonly number[], full: readonly number[]): boolean {
  if (prefix.length > full.length) return false;
  for (let i = 0; i < prefix.length; i++) if (prefix[i] !== full[i]) return false;
  return true;
}

export interface ParsedAssistantTurn {
  /** Text before the first call (or the whole answer when there is no call), without the end-of-turn text. */
  text: string;
  calls: Array<{ name: string; arguments: unknown }>;
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
  const suffix = str(call.suffix);
  const between = str(parallel?.betweenCalls);
  const sectionSuffix = str(parallel?.sectionSuffix);

  let rest = generated.endsWith(endOfTurn) ? generated.slice(0, -endOfTurn.length) : generated;
  const first = rest.indexOf(prefix);
  if (first < 0) return { text: rest, calls: [] };
  let text = rest.slice(0, first);
  if (call.optionalPrefixSpace && text.endsWith(' ')) text = text.slice(0, -1);
  rest = rest.slice(first);
  const calls: ParsedAssistantTurn['calls'] = [];
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
  return { text, calls };
}
