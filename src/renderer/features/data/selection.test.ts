import { describe, expect, it } from 'vitest';
import { addAll, ALL_MATCHING, isSelected, NO_SELECTION, resolveSelection, selectedCount, selectOnly, toggle } from './selection';

describe('sample selection', () => {
  it('selects one, toggles others and adds ranges', () => {
    const one = selectOnly(3);
    expect(isSelected(one, 3)).toBe(true);
    const two = toggle(one, 5);
    expect(resolveSelection(two, []).sort()).toEqual([3, 5]);
    expect(resolveSelection(toggle(two, 3), [])).toEqual([5]);
    expect(selectedCount(addAll(two, [5, 6, 7]), 100)).toBe(4);
    expect(selectedCount(NO_SELECTION, 100)).toBe(0);
  });

  it('selects all matching samples except the ones toggled off, without knowing their ids', () => {
    const all = toggle(ALL_MATCHING, 2);
    expect(isSelected(all, 1)).toBe(true);
    expect(isSelected(all, 2)).toBe(false);
    expect(selectedCount(all, 100_000)).toBe(99_999);
    expect(resolveSelection(all, [1, 2, 3])).toEqual([1, 3]);
    // A shift-range over an excluded sample takes it back in.
    expect(resolveSelection(addAll(all, [2]), [1, 2, 3])).toEqual([1, 2, 3]);
  });
});
