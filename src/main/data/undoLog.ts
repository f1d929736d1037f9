import { randomUUID } from 'node:crypto';

interface Entry<T> {
  projectId: string;
  change: T;
  weight: number;
}

/**
 * Recent reversible changes, kept in memory under a count and a weight budget (roughly bytes).
 * The oldest go first; a change heavier than the whole budget is not kept at all. A token works once
 * and only for the project it was issued for.
 */
export class UndoLog<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private totalWeight = 0;

  constructor(
    private readonly maxEntries = 50,
    private readonly maxWeight = 64 * 1024 * 1024,
  ) {}

  /** The token to undo `change` with, or null when it is too heavy to keep. */
  record(projectId: string, change: T, weight: number): string | null {
    if (weight > this.maxWeight) return null;
    const token = randomUUID();
    this.entries.set(token, { projectId, change, weight });
    this.totalWeight += weight;
    for (const [oldest, entry] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.totalWeight <= this.maxWeight) break;
      this.remove(oldest, entry);
    }
    return token;
  }

  /** Removes and returns the change, or undefined for an unknown, used or foreign token. */
  take(projectId: string, token: string): T | undefined {
    const entry = this.entries.get(token);
    if (!entry || entry.projectId !== projectId) return undefined;
    this.remove(token, entry);
    return entry.change;
  }

  /** Forgets every change of a project (it was deleted, or a change made the old ones unsafe). */
  forgetProject(projectId: string): void {
    for (const [token, entry] of this.entries) if (entry.projectId === projectId) this.remove(token, entry);
  }

  private remove(token: string, entry: Entry<T>): void {
    this.entries.delete(token);
    this.totalWeight -= entry.weight;
  }
}
