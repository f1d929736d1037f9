import { appendPointer } from './jsonPointer';

export type JsonObject = { [key: string]: unknown };

/** Keys that could reach an object's prototype if ever assigned with `obj[key] = ...`. */
export const UNSAFE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function ownValue(object: JsonObject, key: string): unknown {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

export function ownString(object: JsonObject, key: string): string | undefined {
  const value = ownValue(object, key);
  return typeof value === 'string' ? value : undefined;
}

export interface SafeCopyLimits {
  maxDepth: number;
  maxNodes: number;
}

export type SafeCopyResult =
  | { ok: true; value: unknown; droppedKeys: string[] }
  | { ok: false; pointer: string; reason: 'depth' | 'nodes' | 'not-json' };

/**
 * Copies parsed input into fresh plain JSON: drops prototype-polluting keys (reported by pointer),
 * turns non-JSON values into a failure, and stops at depth/node caps, which also breaks cycles
 * (YAML aliases can make them). Iterative, so hostile nesting cannot overflow the stack.
 */
export function toSafeJson(input: unknown, limits: SafeCopyLimits): SafeCopyResult {
  const droppedKeys: string[] = [];
  let nodes = 0;
  const root: { value: unknown } = { value: undefined };
  type Task = { source: unknown; assign: (value: unknown) => void; pointer: string; depth: number };
  const stack: Task[] = [{ source: input, assign: (value) => (root.value = value), pointer: '', depth: 0 }];

  while (stack.length > 0) {
    const { source, assign, pointer, depth } = stack.pop() as Task;
    if (++nodes > limits.maxNodes) return { ok: false, pointer, reason: 'nodes' };
    if (source === null || typeof source === 'string' || typeof source === 'boolean') {
      assign(source);
    } else if (typeof source === 'number') {
      if (!Number.isFinite(source)) return { ok: false, pointer, reason: 'not-json' };
      assign(source);
    } else if (typeof source !== 'object') {
      return { ok: false, pointer, reason: 'not-json' };
    } else if (depth >= limits.maxDepth) {
      return { ok: false, pointer, reason: 'depth' };
    } else if (Array.isArray(source)) {
      const copy: unknown[] = new Array<unknown>(source.length).fill(null);
      assign(copy);
      source.forEach((item: unknown, index) =>
        stack.push({ source: item, assign: (value) => (copy[index] = value), pointer: appendPointer(pointer, index), depth: depth + 1 }),
      );
    } else {
      const copy: JsonObject = {};
      assign(copy);
      for (const key of Object.keys(source)) {
        const childPointer = appendPointer(pointer, key);
        if (UNSAFE_KEYS.has(key)) {
          droppedKeys.push(childPointer);
          continue;
        }
        copy[key] = null; // keeps the source's key order
        stack.push({
          source: (source as JsonObject)[key],
          assign: (value) => (copy[key] = value),
          pointer: childPointer,
          depth: depth + 1,
        });
      }
    }
  }
  return { ok: true, value: root.value, droppedKeys };
}
