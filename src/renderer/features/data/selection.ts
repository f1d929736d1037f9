/**
 * Which samples of the current filter are selected. `all: false` lists the chosen ids; `all: true`
 * means every matching sample except `ids`, so "select all 100,000" costs nothing until an action
 * needs the ids.
 */
export interface Selection {
  all: boolean;
  ids: ReadonlySet<number>;
}

export const NO_SELECTION: Selection = { all: false, ids: new Set() };
export const ALL_MATCHING: Selection = { all: true, ids: new Set() };

export function selectOnly(id: number): Selection {
  return { all: false, ids: new Set([id]) };
}

export function isSelected(selection: Selection, id: number): boolean {
  return selection.all !== selection.ids.has(id);
}

export function selectedCount(selection: Selection, total: number): number {
  return selection.all ? Math.max(0, total - selection.ids.size) : selection.ids.size;
}

/** Ctrl/Cmd-click: flips one sample. */
export function toggle(selection: Selection, id: number): Selection {
  const ids = new Set(selection.ids);
  if (ids.has(id)) ids.delete(id);
  else ids.add(id);
  return { all: selection.all, ids };
}

/** Shift-click: adds a range of samples to what is selected. */
export function addAll(selection: Selection, added: readonly number[]): Selection {
  const ids = new Set(selection.ids);
  for (const id of added) {
    if (selection.all) ids.delete(id);
    else ids.add(id);
  }
  return { all: selection.all, ids };
}

/** The selected ids given every matching id in order (only read when `all`). */
export function resolveSelection(selection: Selection, matching: readonly number[]): number[] {
  return selection.all ? matching.filter((id) => !selection.ids.has(id)) : [...selection.ids];
}
