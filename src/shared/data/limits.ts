/**
 * Caps for dataset files and samples. Importers, the sample validator and verification read them
 * from here, so a hostile file is cut off at the same place everywhere.
 */

/** Longest record accepted: one JSONL line or one element of a JSON array file (UTF-16 units). */
export const MAX_RECORD_CHARS = 2_000_000;
/** Most messages in one sample. */
export const MAX_MESSAGES = 256;
/** Longest text content of one message. */
export const MAX_CONTENT_CHARS = 500_000;
/** Longest serialized `arguments` object of one tool call (a generated story fits comfortably). */
export const MAX_ARGUMENT_CHARS = 300_000;
/** Most tool calls in one assistant message. */
export const MAX_CALLS_PER_MESSAGE = 64;
/** Most tool definitions attached to one sample. */
export const MAX_TOOLS_PER_SAMPLE = 256;
/** Deepest nesting inside tool-call arguments and tool schemas of a sample. */
export const MAX_VALUE_DEPTH = 32;
/** Most problems one import or one validation reports; the rest are counted in a final entry. */
export const MAX_PROBLEMS = 1000;
