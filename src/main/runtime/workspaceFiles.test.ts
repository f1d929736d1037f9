import fc from 'fast-check';
import { execFileSync } from 'node:child_process';
import type * as Fs from 'node:fs';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ToolTuneError } from '../../shared/errors';
import {
  isInsideFolder,
  listWorkspaceFiles,
  readWorkspaceFile,
  resolveInWorkspace,
  titleToFileName,
  WorkspacePathError,
  writeWorkspaceFile,
} from './workspaceFiles';

// renameSync fails on demand, to show a failed write keeps the old file.
const failRename = vi.hoisted(() => ({ next: false }));
vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof Fs>();
  const renameSync: typeof actual.renameSync = (from, to) => {
    if (failRename.next) {
      failRename.next = false;
      throw new Error('disk full');
    }
    actual.renameSync(from, to);
  };
  return { ...actual, renameSync };
});

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/**
 * base/ws is the workspace; base/ws-evil shares its name as a prefix; base/outside holds a secret. Inside the
 * workspace: `link` → outside, `fileLink` → the secret, `evilLink` → ws-evil, `innerLink` → ws/inner (inside).
 */
function fixture() {
  const base = realpathSync(mkdtempSync(join(tmpdir(), 'tooltune-ws-')));
  dirs.push(base);
  const ws = join(base, 'ws');
  const evil = join(base, 'ws-evil');
  const outside = join(base, 'outside');
  for (const dir of [ws, evil, outside, join(ws, 'inner')]) mkdirSync(dir);
  writeFileSync(join(outside, 'secret.txt'), 'secret');
  writeFileSync(join(ws, 'inner', 'note.txt'), 'inner note');
  symlinkSync(outside, join(ws, 'link'));
  symlinkSync(join(outside, 'secret.txt'), join(ws, 'fileLink'));
  symlinkSync(evil, join(ws, 'evilLink'));
  symlinkSync(join(ws, 'inner'), join(ws, 'innerLink'));
  return { base, ws, evil, outside };
}

/** Every path under `dir` with its content (files) or link target, for before/after comparisons. */
function snapshot(dir: string, skip?: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name);
    if (skip && (path === skip || path.startsWith(`${skip}/`))) continue;
    result[path] = entry.isSymbolicLink() ? `-> ${readlinkSync(path)}` : entry.isFile() ? readFileSync(path, 'utf8') : '<dir>';
  }
  return result;
}

function realpathOfDeepestExisting(path: string): string {
  for (;;) {
    try {
      return realpathSync(path);
    } catch {
      path = dirname(path);
    }
  }
}

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(WorkspacePathError);
    expect((error as ToolTuneError).code).toBe('invalid-input');
    return (error as Error).message;
  }
  throw new Error('expected a WorkspacePathError');
}

describe('resolveInWorkspace', () => {
  it('resolves relative paths below the workspace realpath, normalising `.` and repeated slashes', () => {
    const { ws } = fixture();
    expect(resolveInWorkspace(ws, 'notes.txt')).toBe(join(ws, 'notes.txt'));
    expect(resolveInWorkspace(ws, './stories//day 1/é.md')).toBe(join(ws, 'stories', 'day 1', 'é.md'));
    expect(resolveInWorkspace(ws, 'inner/note.txt')).toBe(join(ws, 'inner', 'note.txt'));
    expect(resolveInWorkspace(ws, 'a\\b.txt')).toBe(join(ws, 'a', 'b.txt'));
    expect(resolveInWorkspace(ws, '..notes')).toBe(join(ws, '..notes'));
  });

  it('refuses each way out, saying why', () => {
    const { ws } = fixture();
    const cases: [string, string][] = [
      ['', 'is empty'],
      ['..', 'leaves the workspace'],
      ['../x', 'leaves the workspace'],
      ['a/../../x', 'leaves the workspace'],
      ['..\\x', 'leaves the workspace'],
      ['../ws-evil/x', 'leaves the workspace'],
      ['/etc/passwd', 'is absolute'],
      ['\\etc\\passwd', 'is absolute'],
      ['C:\\Windows\\x', 'is absolute'],
      ['c:x', 'is absolute'],
      ['\\\\server\\share\\x', 'is absolute'],
      ['a\0b', 'contains a NUL byte'],
      ['notes.txt:hidden', 'contains ":"'],
      ['link', 'is a symbolic link'],
      ['link/secret.txt', '"link" is a symbolic link'],
      ['link/new/file.txt', '"link" is a symbolic link'],
      ['fileLink', '"fileLink" is a symbolic link'],
      ['evilLink/x', '"evilLink" is a symbolic link'],
      // A link that stays inside is refused all the same: links are never followed.
      ['innerLink/note.txt', '"innerLink" is a symbolic link'],
      ['inner/note.txt/x', '"inner/note.txt" is not a folder'],
      ['x'.repeat(1025), 'longer than 1024 characters'],
      [Array(33).fill('a').join('/'), 'more than 32 parts'],
    ];
    for (const [path, reason] of cases) expect(refusal(() => resolveInWorkspace(ws, path)), JSON.stringify(path)).toContain(reason);
    expect(refusal(() => resolveInWorkspace(ws, '../x'))).toBe('"../x": leaves the workspace');
  });

  it('compares realpaths on a separator boundary', () => {
    expect(isInsideFolder('/tmp/x/ws', '/tmp/x/ws')).toBe(true);
    expect(isInsideFolder('/tmp/x/ws', '/tmp/x/ws/a')).toBe(true);
    expect(isInsideFolder('/tmp/x/ws', '/tmp/x/ws-evil')).toBe(false);
    expect(isInsideFolder('/tmp/x/ws', '/tmp/x/ws-evil/a')).toBe(false);
    expect(isInsideFolder('/', '/etc')).toBe(true);
  });

  it('works when the workspace folder itself is reached through a link', () => {
    const { base, ws } = fixture();
    symlinkSync(ws, join(base, 'ws-alias'));
    expect(resolveInWorkspace(join(base, 'ws-alias'), 'a.txt')).toBe(join(ws, 'a.txt'));
  });

  it('reports a missing workspace folder as not-found', () => {
    const { base } = fixture();
    expect(() => resolveInWorkspace(join(base, 'missing'), 'a.txt')).toThrow(expect.objectContaining({ code: 'not-found' }));
  });
});

describe('writeWorkspaceFile', () => {
  it('creates missing folders, writes and appends, answering the normalised relative path', () => {
    const { ws } = fixture();
    expect(writeWorkspaceFile(ws, 'stories\\day 1/./tale.txt', 'Once')).toEqual({ path: 'stories/day 1/tale.txt', bytes: 4 });
    expect(writeWorkspaceFile(ws, 'stories/day 1/tale.txt', ' upon ✓', { append: true })).toEqual({ path: 'stories/day 1/tale.txt', bytes: 13 });
    expect(readFileSync(join(ws, 'stories', 'day 1', 'tale.txt'), 'utf8')).toBe('Once upon ✓');
    expect(writeWorkspaceFile(ws, 'fresh.txt', 'new', { append: true })).toEqual({ path: 'fresh.txt', bytes: 3 });
    expect(writeWorkspaceFile(ws, 'fresh.txt', 'replaced')).toEqual({ path: 'fresh.txt', bytes: 8 });
    expect(readFileSync(join(ws, 'fresh.txt'), 'utf8')).toBe('replaced');
  });

  it('leaves no temporary files behind', () => {
    const { ws } = fixture();
    for (let i = 0; i < 5; i++) writeWorkspaceFile(ws, 'deep/log.txt', `line ${i}\n`, { append: true });
    expect(readdirSync(join(ws, 'deep'))).toEqual(['log.txt']);
    expect(readFileSync(join(ws, 'deep', 'log.txt'), 'utf8')).toBe('line 0\nline 1\nline 2\nline 3\nline 4\n');
  });

  it('keeps the old content when the write fails, and cleans up', () => {
    const { ws } = fixture();
    writeWorkspaceFile(ws, 'keep.txt', 'old');
    failRename.next = true;
    expect(() => writeWorkspaceFile(ws, 'keep.txt', 'new')).toThrow('disk full');
    expect(readFileSync(join(ws, 'keep.txt'), 'utf8')).toBe('old');
    expect(readdirSync(ws).filter((name) => name.includes('keep'))).toEqual(['keep.txt']);
  });

  it('caps the resulting file, appends included', () => {
    const { ws } = fixture();
    writeWorkspaceFile(ws, 'capped.txt', '12345', { maxBytes: 8 });
    expect(() => writeWorkspaceFile(ws, 'capped.txt', '6789', { append: true, maxBytes: 8 })).toThrow(expect.objectContaining({ code: 'too-large' }));
    expect(() => writeWorkspaceFile(ws, 'new/big.txt', 'x'.repeat(9), { maxBytes: 8 })).toThrow(expect.objectContaining({ code: 'too-large' }));
    expect(existsSync(join(ws, 'new'))).toBe(false);
    expect(readFileSync(join(ws, 'capped.txt'), 'utf8')).toBe('12345');
  });

  it('never writes through a link, nor onto a folder or the workspace itself', () => {
    const { base, ws, outside } = fixture();
    const before = snapshot(base, ws);
    for (const path of ['link/x.txt', 'fileLink', 'evilLink/x.txt', 'innerLink/x.txt', 'link/new/deeper.txt']) {
      refusal(() => writeWorkspaceFile(ws, path, 'pwned'));
      refusal(() => writeWorkspaceFile(ws, path, 'pwned', { append: true }));
    }
    expect(refusal(() => writeWorkspaceFile(ws, 'inner', 'x'))).toContain('not a regular file');
    expect(refusal(() => writeWorkspaceFile(ws, '.', 'x'))).toContain('names the workspace folder');
    expect(snapshot(base, ws)).toEqual(before);
    expect(readFileSync(join(outside, 'secret.txt'), 'utf8')).toBe('secret');
  });
});

describe('readWorkspaceFile', () => {
  it('reads text, truncating at the cap without splitting a character', () => {
    const { ws } = fixture();
    writeWorkspaceFile(ws, 'a.txt', 'abc✓def');
    expect(readWorkspaceFile(ws, 'a.txt')).toEqual({ path: 'a.txt', content: 'abc✓def', truncated: false });
    // ✓ is 3 bytes at offsets 3–5: a cap of 5 cuts it, so it is left out rather than garbled.
    expect(readWorkspaceFile(ws, 'a.txt', 5)).toEqual({ path: 'a.txt', content: 'abc', truncated: true });
    expect(readWorkspaceFile(ws, 'a.txt', 6)).toEqual({ path: 'a.txt', content: 'abc✓', truncated: true });
  });

  it('refuses links, folders and missing files', () => {
    const { ws } = fixture();
    refusal(() => readWorkspaceFile(ws, 'fileLink'));
    refusal(() => readWorkspaceFile(ws, 'link/secret.txt'));
    refusal(() => readWorkspaceFile(ws, 'innerLink/note.txt'));
    expect(refusal(() => readWorkspaceFile(ws, 'inner'))).toContain('not a regular file');
    expect(() => readWorkspaceFile(ws, 'missing.txt')).toThrow(expect.objectContaining({ code: 'not-found' }));
  });

  it.skipIf(process.platform === 'win32')('refuses a named pipe without blocking on it', () => {
    const { ws } = fixture();
    execFileSync('mkfifo', [join(ws, 'pipe')]);
    expect(refusal(() => readWorkspaceFile(ws, 'pipe'))).toContain('not a regular file');
  });
});

describe('listWorkspaceFiles', () => {
  it('lists files and folders in name order, omitting links, never following them', () => {
    const { ws } = fixture();
    writeWorkspaceFile(ws, 'b/z.txt', 'zz');
    writeWorkspaceFile(ws, 'a.txt', 'a');
    expect(listWorkspaceFiles(ws)).toEqual([
      { path: 'a.txt', type: 'file', bytes: 1 },
      { path: 'b', type: 'folder', bytes: 0 },
      { path: 'b/z.txt', type: 'file', bytes: 2 },
      { path: 'inner', type: 'folder', bytes: 0 },
      { path: 'inner/note.txt', type: 'file', bytes: 10 },
    ]);
    expect(listWorkspaceFiles(ws, 'b')).toEqual([{ path: 'b/z.txt', type: 'file', bytes: 2 }]);
    expect(listWorkspaceFiles(ws, '.')).toHaveLength(5);
    refusal(() => listWorkspaceFiles(ws, 'link'));
    expect(() => listWorkspaceFiles(ws, 'a.txt')).toThrow(expect.objectContaining({ code: 'not-found' }));
  });

  it('stops at 8 levels and 1000 entries', () => {
    const { ws } = fixture();
    writeWorkspaceFile(ws, '1/2/3/4/5/6/7/8/9/deep.txt', 'x');
    const deep = listWorkspaceFiles(ws, '1').map((entry) => entry.path);
    expect(deep.at(-1)).toBe('1/2/3/4/5/6/7/8/9');
    for (let i = 0; i < 1010; i++) writeFileSync(join(ws, 'inner', `f${String(i).padStart(4, '0')}`), '');
    const many = listWorkspaceFiles(ws, 'inner');
    expect(many).toHaveLength(1000);
    expect(many[0]?.path).toBe('inner/f0000');
  });
});

describe('titleToFileName', () => {
  it('makes one safe file name from a title', () => {
    expect(titleToFileName("A Robot's Day")).toBe("A Robot's Day.txt");
    expect(titleToFileName('notes.md')).toBe('notes.md');
    expect(titleToFileName('Report.TXT')).toBe('Report.TXT');
    expect(titleToFileName('Version 2.0')).toBe('Version 2.0.txt');
    expect(titleToFileName('Überraschung: 日本の夏!')).toBe('Überraschung- 日本の夏.txt');
    expect(titleToFileName('../../etc/passwd')).toBe('etc-passwd.txt');
    expect(titleToFileName('a/b\\c\0d')).toBe('a-b-c-d.txt');
    expect(titleToFileName('  ...hidden. ')).toBe('hidden.txt');
    expect(titleToFileName('CON')).toBe('_CON.txt');
    expect(titleToFileName('nul.md')).toBe('_nul.md');
    expect(titleToFileName('?!*')).toBe('untitled.txt');
    expect(titleToFileName('', '.md')).toBe('untitled.md');
    expect(titleToFileName('x'.repeat(300))).toBe(`${'x'.repeat(95)}.txt`);
  });

  it('always gives one name the file tools accept, of at most 100 characters and 240 bytes', () => {
    const { ws } = fixture();
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (title) => {
        const name = titleToFileName(title);
        expect(name.length).toBeLessThanOrEqual(100);
        expect(Buffer.byteLength(name)).toBeLessThanOrEqual(240);
        expect(name).not.toMatch(/^[.\s]|[\s.]$|[\\/:\0]/);
        expect(resolveInWorkspace(ws, name)).toBe(join(ws, name));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('the workspace jail under generated paths', () => {
  it('never lets a path resolve or write outside the workspace', () => {
    const { base, ws } = fixture();
    const root = realpathSync(ws);
    const before = snapshot(base, ws);
    const segment = fc.constantFrom('..', '.', 'a', 'b.txt', 'secret.txt', 'ws-evil', 'link', 'fileLink', 'evilLink', 'innerLink', 'inner', '/', '\\', '\0', 'C:', 'é', '日本', '\u202e', '．．', ' ', '..a');
    let written = 0;
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 8 }), (parts) => {
        const path = parts.join('');
        let resolved: string;
        try {
          resolved = resolveInWorkspace(ws, path);
        } catch (error) {
          expect(error).toBeInstanceOf(WorkspacePathError);
          return;
        }
        expect(isInsideFolder(root, realpathOfDeepestExisting(resolved))).toBe(true);
        try {
          expect(readWorkspaceFile(ws, path).content).not.toBe('secret');
        } catch (error) {
          expect(error).toBeInstanceOf(ToolTuneError);
        }
        try {
          const { path: relative } = writeWorkspaceFile(ws, path, path);
          expect(isInsideFolder(root, realpathSync(join(ws, relative)))).toBe(true);
          written++;
        } catch (error) {
          // A folder where a file is asked for, or the workspace itself: refused, and nothing written.
          expect(error).toBeInstanceOf(ToolTuneError);
        }
      }),
      { numRuns: 3000 },
    );
    expect(written).toBeGreaterThan(100);
    expect(snapshot(base, ws)).toEqual(before);
    expect(readdirSync(base).sort()).toEqual(['outside', 'ws', 'ws-evil']);
    expect(['link', 'fileLink', 'evilLink', 'innerLink'].map((name) => readlinkSync(join(ws, name)))).toEqual([
      join(base, 'outside'),
      join(base, 'outside', 'secret.txt'),
      join(base, 'ws-evil'),
      join(ws, 'inner'),
    ]);
    expect(Object.keys(snapshot(ws)).filter((path) => path.endsWith('.tmp'))).toEqual([]);
  });
});
