/**
 * The Ollama `Modelfile` of an export. Ollama offers tools to a model only when its TEMPLATE (a Go text/template)
 * uses `.Tools`, and a GGUF imported without a TEMPLATE keeps its tools only if its Jinja template nearly matches
 * one Ollama knows; so every Modelfile carries an explicit TEMPLATE written for the base's tool format, checked
 * against the base's own Jinja template (ollamaModelfile.native.test.ts renders both with the same conversations).
 *
 * Ollama's data, as its template package passes it: `.System` (every system message joined by a blank line),
 * `.Messages` (Role, Content, ToolCalls[].Function.{Name, Arguments}; Arguments prints as compact JSON),
 * `.Tools` (each prints with `json` as compact JSON).
 */

/** A tool format with an Ollama TEMPLATE. */
export interface OllamaFormat {
  id: 'qwen2.5';
  template: string;
  stops: string[];
}

const QWEN_DEFAULT_SYSTEM = 'You are Qwen, created by Alibaba Cloud. You are a helpful assistant.';

/** The Qwen2.5 template: tools in the system turn inside `<tools>`, calls in `<tool_call>`, results as a user turn in `<tool_response>`. */
function qwenTemplate(defaultSystem: string | null): string {
  const system = defaultSystem === null ? '{{ .System }}' : `{{ if .System }}{{ .System }}{{ else }}${defaultSystem}{{ end }}`;
  return [
    '{{- if .Tools }}<|im_start|>system',
    `${system}`,
    '',
    '# Tools',
    '',
    'You may call one or more functions to assist with the user query.',
    '',
    'You are provided with function signatures within <tools></tools> XML tags:',
    '<tools>',
    '{{- range .Tools }}',
    '{{ json . }}',
    '{{- end }}',
    '</tools>',
    '',
    'For each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:',
    '<tool_call>',
    '{"name": <function-name>, "arguments": <args-json-object>}',
    '</tool_call><|im_end|>',
    `{{ else if or .System ${defaultSystem === null ? 'false' : 'true'} }}<|im_start|>system`,
    `${system}<|im_end|>`,
    '{{ end }}',
    '{{- $prev := "" }}',
    '{{- range $i, $m := .Messages }}',
    '{{- $rest := slice $.Messages $i }}',
    '{{- $last := eq (len $rest) 1 }}',
    '{{- if eq $m.Role "user" }}<|im_start|>user',
    '{{ $m.Content }}<|im_end|>',
    '{{ else if eq $m.Role "assistant" }}',
    '{{- if $m.ToolCalls }}<|im_start|>assistant',
    '{{- if $m.Content }}',
    '{{ $m.Content }}',
    '{{- end }}',
    '{{- range $m.ToolCalls }}',
    '<tool_call>',
    '{"name": "{{ .Function.Name }}", "arguments": {{ .Function.Arguments }}}',
    '</tool_call>',
    '{{- end }}',
    '{{- else }}<|im_start|>assistant',
    '{{ $m.Content }}',
    '{{- end }}',
    '{{- if not $last }}<|im_end|>',
    '{{ end }}',
    '{{- else if eq $m.Role "tool" }}',
    '{{- if ne $prev "tool" }}<|im_start|>user{{ end }}',
    '<tool_response>',
    '{{ $m.Content }}',
    '</tool_response>',
    '{{- if $last }}<|im_end|>',
    '{{ else if ne (index $rest 1).Role "tool" }}<|im_end|>',
    '{{ end }}',
    '{{- end }}',
    '{{- if and $last (ne $m.Role "assistant") }}<|im_start|>assistant',
    '{{ end }}',
    '{{- $prev = $m.Role }}',
    '{{- end }}',
  ].join('\n');
}

/** The Ollama format of a base's chat template, or why there is none. */
export function ollamaFormatOf(chatTemplate: string | null): OllamaFormat | { unsupported: string } {
  if (chatTemplate === null) return { unsupported: 'the base has no chat template' };
  const hermes = ['<|im_start|>', '<tool_call>', '<tool_response>', '<tools>'].every((marker) => chatTemplate.includes(marker));
  if (!hermes || /<think>/.test(chatTemplate)) {
    return { unsupported: "ToolTune writes Ollama templates for the Qwen2.5 tool format only so far; serve this model with llama-server --jinja, which uses the file's own template" };
  }
  return { id: 'qwen2.5', template: qwenTemplate(chatTemplate.includes(QWEN_DEFAULT_SYSTEM) ? QWEN_DEFAULT_SYSTEM : null), stops: ['<|im_end|>', '<|endoftext|>'] };
}

/** A Modelfile: `FROM` the model file (or the base, with `ADAPTER` on top), the TEMPLATE and its stops. */
export function modelfileText(format: OllamaFormat, source: { from: string; adapter?: string }): string {
  const lines = [`FROM ${source.from}`];
  if (source.adapter !== undefined) lines.push(`ADAPTER ${source.adapter}`);
  lines.push(`TEMPLATE """${format.template}"""`);
  for (const stop of format.stops) lines.push(`PARAMETER stop "${stop}"`);
  // Tool calls are read best from greedy-ish decoding; Ollama's default temperature is 0.8.
  lines.push('PARAMETER temperature 0.2');
  return `${lines.join('\n')}\n`;
}
