import type { Contract, ServiceName } from '../../shared/contract';
import type { EventNames, PayloadOf } from '../../shared/contract/spec';
import type { EventMessage } from '../../shared/rpc/protocol';

export type EventSink = (message: EventMessage) => void;

/** Fans service events out to every connected client (windows, browser tabs). */
export class EventHub {
  private readonly sinks = new Set<EventSink>();

  connect(sink: EventSink): () => void {
    this.sinks.add(sink);
    return () => this.sinks.delete(sink);
  }

  emit<S extends ServiceName, E extends EventNames<Contract[S]>>(
    service: S,
    event: E,
    payload: PayloadOf<Contract[S][E]>,
  ): void {
    const message: EventMessage = { kind: 'event', service, event: String(event), payload };
    for (const sink of this.sinks) {
      try {
        sink(message);
      } catch {
        // A client that went away must not break delivery to the others.
      }
    }
  }
}
