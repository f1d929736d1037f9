import { Rng } from '../../shared/data/synthesis/random';

export type SplitName = 'train' | 'eval';

export interface SplitItem {
  id: number;
  /** Items of one stratum (e.g. kind + first tool) are split in the same proportion. */
  stratum: string;
  /** A split that must not change (the item is in a frozen version). */
  locked?: SplitName;
}

/**
 * Assigns train/eval to every unlocked item so that each stratum holds about `evalFraction` eval
 * items, locked ones included. Quotas per stratum follow the largest-remainder method, so the total
 * is `round(n × evalFraction)` even when strata are small. Deterministic for a seed, whatever the
 * order of the items.
 */
export function stratifiedSplit(items: readonly SplitItem[], evalFraction: number, seed: number): Map<number, SplitName> {
  const strata = new Map<string, SplitItem[]>();
  for (const item of items) {
    const list = strata.get(item.stratum) ?? [];
    list.push(item);
    strata.set(item.stratum, list);
  }
  const keys = [...strata.keys()].sort();
  const quotas = apportion(
    keys.map((key) => (strata.get(key) as SplitItem[]).length * evalFraction),
    Math.round(items.length * evalFraction),
  );
  const assigned = new Map<number, SplitName>();
  keys.forEach((key, index) => {
    const members = strata.get(key) as SplitItem[];
    const lockedEval = members.filter((item) => item.locked === 'eval').length;
    const free = members.filter((item) => item.locked === undefined).sort((a, b) => a.id - b.id);
    const wanted = Math.min(free.length, Math.max(0, (quotas[index] as number) - lockedEval));
    new Rng(seed, hashString(key)).shuffle(free).forEach((item, position) => assigned.set(item.id, position < wanted ? 'eval' : 'train'));
  });
  return assigned;
}

/** Integer shares summing to `total`: floors first, the rest to the largest remainders. */
function apportion(ideals: readonly number[], total: number): number[] {
  const shares = ideals.map(Math.floor);
  let left = total - shares.reduce((sum, share) => sum + share, 0);
  const byRemainder = ideals.map((ideal, index) => ({ index, remainder: ideal - Math.floor(ideal) })).sort((a, b) => b.remainder - a.remainder || a.index - b.index);
  for (const { index } of byRemainder) {
    if (left <= 0) break;
    shares[index] = (shares[index] as number) + 1;
    left--;
  }
  return shares;
}

/** FNV-1a, to give each stratum its own random stream. */
function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}
