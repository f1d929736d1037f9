/**
 * Transport-agnostic dispatcher: validates the envelope and the params of every
 * call against the contract's JSON Schemas, then invokes the implementation.
 * Everything that reaches it is untrusted.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { Implementations } from '../../shared/contract';
import { contract } from '../../shared/contract';
import { serializeError, ToolTuneError } from '../../shared/errors';
import { callMessageSchema, type CallMessage, type ResultMessage } from '../../shared/rpc/protocol';

type Handler = (params: unknown) => unknown;

interface Route {
  validate: ValidateFunction;
  handler: Handler;
}

export function describeAjvErrors(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .slice(0, 5)
    .map((error) => `${error.instancePath || '/'} ${error.message ?? 'is invalid'}`)
    .join('; ');
}

export class RpcServer {
  private readonly routes = new Map<string, Route>();
  private readonly validateEnvelope: ValidateFunction;

  constructor(implementations: Implementations) {
    const ajv = new Ajv({ allErrors: false, strict: true });
    this.validateEnvelope = ajv.compile(callMessageSchema);
    for (const [service, methods] of Object.entries(contract)) {
      const impl = implementations[service as keyof Implementations] as unknown as Record<string, Handler>;
      for (const [name, spec] of Object.entries(methods)) {
        if (spec.kind !== 'method') continue;
        const handler = impl[name];
        if (typeof handler !== 'function') throw new Error(`Service ${service} does not implement ${name}`);
        this.routes.set(`${service}.${name}`, {
          validate: ajv.compile(spec.params),
          handler: handler.bind(impl) as Handler,
        });
      }
    }
  }

  /** Handles one incoming message; always answers, never throws. */
  async handle(raw: unknown): Promise<ResultMessage | null> {
    if (!this.validateEnvelope(raw)) {
      const id = typeof raw === 'object' && raw !== null && Number.isSafeInteger((raw as { id?: unknown }).id)
        ? ((raw as { id: number }).id)
        : null;
      if (id === null) return null;
      return this.fail(id, new ToolTuneError('invalid-input', `Malformed message: ${describeAjvErrors(this.validateEnvelope.errors)}`));
    }
    const message = raw as CallMessage;
    const route = this.routes.get(`${message.service}.${message.method}`);
    if (!route) {
      return this.fail(message.id, new ToolTuneError('not-found', `Unknown method ${message.service}.${message.method}`));
    }
    const params = message.params ?? {};
    if (!route.validate(params)) {
      return this.fail(
        message.id,
        new ToolTuneError(
          'invalid-input',
          `Invalid parameters for ${message.service}.${message.method}: ${describeAjvErrors(route.validate.errors)}`,
        ),
      );
    }
    try {
      const value = await route.handler(params);
      return { kind: 'result', id: message.id, ok: true, value: value === undefined ? null : value };
    } catch (error) {
      return this.fail(message.id, error);
    }
  }

  private fail(id: number, error: unknown): ResultMessage {
    return { kind: 'result', id, ok: false, error: serializeError(error) };
  }
}
