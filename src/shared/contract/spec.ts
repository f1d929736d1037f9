/**
 * Building blocks of the typed contract. A service contract is a plain object of
 * method specs (a JSON Schema for the single params object, checked in main) and
 * event specs. The TypeScript types ride along as phantom parameters so that the
 * server implementation, the renderer proxy and the CLI proxy all agree.
 */
import type { JsonSchemaObject } from '../tools/types';

export interface MethodSpec<P, R> {
  readonly kind: 'method';
  readonly params: JsonSchemaObject;
  /** Phantom fields: never set at run time. */
  readonly __params?: P;
  readonly __result?: R;
}

export interface EventSpec<T> {
  readonly kind: 'event';
  readonly __payload?: T;
}

export function method<P, R>(params: JsonSchemaObject): MethodSpec<P, R> {
  return { kind: 'method', params };
}

export function event<T>(): EventSpec<T> {
  return { kind: 'event' };
}

export type ServiceContract = Record<string, MethodSpec<unknown, unknown> | EventSpec<unknown>>;

type MethodKeys<C> = { [K in keyof C]: C[K] extends MethodSpec<unknown, unknown> ? K : never }[keyof C];
type EventKeys<C> = { [K in keyof C]: C[K] extends EventSpec<unknown> ? K : never }[keyof C];

export type ParamsOf<S> = S extends MethodSpec<infer P, unknown> ? P : never;
export type ResultOf<S> = S extends MethodSpec<unknown, infer R> ? R : never;
export type PayloadOf<S> = S extends EventSpec<infer T> ? T : never;

/** What a service implementation in main must provide. */
export type ServiceImpl<C> = {
  [K in MethodKeys<C>]: (params: ParamsOf<C[K]>) => Promise<ResultOf<C[K]>> | ResultOf<C[K]>;
};

export type Unsubscribe = () => void;

/** What a caller (renderer, CLI) sees. */
export type ServiceProxy<C> = {
  [K in MethodKeys<C>]: (params: ParamsOf<C[K]>) => Promise<ResultOf<C[K]>>;
} & {
  on<E extends EventKeys<C>>(event: E, listener: (payload: PayloadOf<C[E]>) => void): Unsubscribe;
};

export type EventNames<C> = EventKeys<C>;

// Small schema helpers keep the contract files short and consistent.
export const schema = {
  object(properties: Record<string, JsonSchemaObject>, required: string[] = Object.keys(properties)): JsonSchemaObject {
    return { type: 'object', properties, required, additionalProperties: false };
  },
  empty(): JsonSchemaObject {
    return { type: 'object', properties: {}, additionalProperties: false };
  },
  id(): JsonSchemaObject {
    return { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' };
  },
  string(maxLength: number, minLength = 0): JsonSchemaObject {
    return { type: 'string', minLength, maxLength };
  },
};
