import { describe, expect, it } from 'vitest';
import { UndoLog } from './undoLog';

describe('UndoLog', () => {
  it('hands a change back once, and only to its project', () => {
    const log = new UndoLog<string>();
    const token = log.record('p1', 'change', 1);
    expect(token).not.toBeNull();
    expect(log.take('p2', token as string)).toBeUndefined();
    expect(log.take('p1', token as string)).toBe('change');
    expect(log.take('p1', token as string)).toBeUndefined();
  });

  it('drops the oldest changes past the count or weight budget', () => {
    const log = new UndoLog<number>(2, 10);
    const a = log.record('p', 1, 1) as string;
    const b = log.record('p', 2, 1) as string;
    const c = log.record('p', 3, 1) as string;
    expect(log.take('p', a)).toBeUndefined();
    const d = log.record('p', 4, 10) as string;
    expect(log.take('p', b)).toBeUndefined();
    expect(log.take('p', c)).toBeUndefined();
    expect(log.take('p', d)).toBe(4);
  });

  it('keeps nothing for a change heavier than the budget', () => {
    const log = new UndoLog<number>(5, 10);
    expect(log.record('p', 1, 11)).toBeNull();
  });

  it('forgets a project', () => {
    const log = new UndoLog<number>();
    const token = log.record('p', 1, 1) as string;
    const other = log.record('q', 2, 1) as string;
    log.forgetProject('p');
    expect(log.take('p', token)).toBeUndefined();
    expect(log.take('q', other)).toBe(2);
  });
});
