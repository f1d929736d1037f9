/**
 * Heuristic for patterns prone to catastrophic backtracking: an unboundedly repeated group whose
 * body (in some alternative) starts with an unboundedly repeated atom, as in `(a+)+`, `(\w*x)*`,
 * `(x|y*)*`. `(-[a-z]+)*` is not flagged: its leading `-` anchors each repetition.
 * Compiling such a pattern is instant; matching crafted input can take forever, which would
 * freeze whoever validates arguments later. It misses some cases (e.g. `(a|a)*`); the
 * off-thread time limit remains the real defense.
 */
export function hasNestedUnboundedQuantifier(pattern: string): boolean {
  /** Per open group: atoms seen in the current alternative; does an alternative lead with a repeat? */
  const groups: { atoms: number; leadingRepeat: boolean }[] = [];
  const atomEnded = (): void => {
    const group = groups[groups.length - 1];
    if (group) group.atoms++;
  };
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === '\\') {
      i++;
      if (!inClass) atomEnded();
    } else if (inClass) {
      if (char === ']') {
        inClass = false;
        atomEnded();
      }
    } else if (char === '[') {
      inClass = true;
    } else if (char === '(') {
      groups.push({ atoms: 0, leadingRepeat: false });
      i += /^\?(?::|=|!|<=|<!|<[^>]*>)/.exec(pattern.slice(i + 1, i + 40))?.[0].length ?? 0;
    } else if (char === '|') {
      const group = groups[groups.length - 1];
      if (group) group.atoms = 0;
    } else if (char === ')') {
      const closed = groups.pop();
      if (closed?.leadingRepeat && quantifierAt(pattern, i + 1)?.unbounded) return true;
      atomEnded();
    } else {
      const quantifier = quantifierAt(pattern, i);
      if (quantifier === null) {
        atomEnded();
        continue;
      }
      const group = groups[groups.length - 1];
      if (group && quantifier.unbounded && group.atoms === 1) group.leadingRepeat = true;
      i += quantifier.length - 1;
    }
  }
  return false;
}

function quantifierAt(pattern: string, index: number): { unbounded: boolean; length: number } | null {
  const char = pattern[index];
  if (char === '+' || char === '*') return { unbounded: true, length: 1 };
  if (char === '?') return { unbounded: false, length: 1 };
  const braces = char === '{' ? /^\{\d+(,\d*)?\}/.exec(pattern.slice(index, index + 24)) : null;
  if (!braces) return null;
  return { unbounded: braces[1] === ',', length: braces[0].length };
}
