/**
 * The file tools' jail: every path a model names is relative to the project's workspace folder and must stay
 * inside it. Paths are checked as text (no `..`, nothing absolute) and then on disk: no existing component may
 * be a symbolic link, and the deepest existing folder's realpath must lie inside the workspace's realpath.
 * Writes go through a temporary sibling and a rename, so a reader never sees half a file.
 */
import { closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, readdirSync, readSync, realpathSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { ToolTuneError } from '../../shared/errors';
import { writeFileAtomically } from '../atomicFile';

const MAX_PATH_CHARS = 1024;
const MAX_PATH_SEGMENTS = 32;
const WRITE_MAX_BYTES_DEFAULT = 10 * 1024 * 1024;
const READ_MAX_BYTES_DEFAULT = 1024 * 1024;
const LIST_MAX_ENTRIES = 1000;
const LIST_MAX_DEPTH = 8;

/** A path the file tools refuse; `invalid-input`, so it reaches the model and the UI as a plain explanation. */
export class WorkspacePathError extends ToolTuneError {
  constructor(relativePath: string, reason: string) {
    super('invalid-input', `${JSON.stringify(relativePath.length > 200 ? `${relativePath.slice(0, 200)}…` : relativePath)}: ${reason}`);
  }
}

export interface WorkspaceEntry {
  /** Workspace-relative, with forward slashes. */
  path: string;
  type: 'file' | 'folder';
  /** 0 for folders. */
  bytes: number;
}

export function resolveInWorkspace(workspaceDir: string, relativePath: string): string {
  return resolve(workspaceDir, relativePath).absolute;
}

export function writeWorkspaceFile(
  workspaceDir: string,
  relativePath: string,
  content: string,
  options: { append?: boolean; maxBytes?: number } = {},
): { path: string; bytes: number } {
  const maxBytes = options.maxBytes ?? WRITE_MAX_BYTES_DEFAULT;
  const target = resolve(workspaceDir, relativePath);
  if (target.segments.length === 0) throw new WorkspacePathError(relativePath, 'names the workspace folder, not a file');
  const existing = lstatOrNull(target.absolute);
  if (existing && !existing.isFile()) throw new WorkspacePathError(relativePath, 'is not a regular file');
  const added = Buffer.from(content, 'utf8');
  const previous = options.append && existing ? readNoFollow(target.absolute, relativePath, maxBytes) : undefined;
  const data = previous ? Buffer.concat([previous.data, added]) : added;
  if (previous?.truncated || data.byteLength > maxBytes) throw new ToolTuneError('too-large', `${JSON.stringify(target.path)}: the file would be larger than the ${maxBytes} bytes allowed`);
  makeFolders(target, relativePath);
  writeThroughTemp(target, data, relativePath);
  return { path: target.path, bytes: data.byteLength };
}

export function readWorkspaceFile(workspaceDir: string, relativePath: string, maxBytes = READ_MAX_BYTES_DEFAULT): { path: string; content: string; truncated: boolean } {
  const target = resolve(workspaceDir, relativePath);
  const { data, truncated } = readNoFollow(target.absolute, relativePath, maxBytes);
  // `stream: true` holds back a character cut in half by the cap instead of decoding it to U+FFFD.
  return { path: target.path, content: new TextDecoder().decode(data, { stream: truncated }), truncated };
}

/**
 * The files and folders under `relativePath` ('' or '.': the whole workspace), depth first in name order, up to
 * LIST_MAX_ENTRIES and LIST_MAX_DEPTH levels. Symbolic links (and sockets, devices, pipes) are omitted, never
 * followed: listing a link would only offer the model a path the other file tools refuse.
 */
export function listWorkspaceFiles(workspaceDir: string, relativePath = ''): WorkspaceEntry[] {
  const start = resolve(workspaceDir, relativePath === '' ? '.' : relativePath);
  if (!lstatOrNull(start.absolute)?.isDirectory()) throw new ToolTuneError('not-found', `${JSON.stringify(relativePath)}: no such folder in the workspace`);
  const entries: WorkspaceEntry[] = [];
  const walk = (absolute: string, prefix: string, depth: number): void => {
    const names = readdirSync(absolute, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const dirent of names) {
      if (entries.length >= LIST_MAX_ENTRIES) return;
      const path = prefix === '' ? dirent.name : `${prefix}/${dirent.name}`;
      const child = join(absolute, dirent.name);
      if (dirent.isDirectory()) {
        entries.push({ path, type: 'folder', bytes: 0 });
        if (depth < LIST_MAX_DEPTH) walk(child, path, depth + 1);
      } else if (dirent.isFile()) {
        entries.push({ path, type: 'file', bytes: lstatOrNull(child)?.size ?? 0 });
      }
    }
  };
  walk(start.absolute, start.path, 1);
  return entries;
}

// Windows ignores trailing spaces before the dot: `CON .txt` is the console too.
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9]) *(\.|$)/i;
const KNOWN_EXTENSION = /\.[a-z][a-z0-9]{1,3}$/i;
const FILE_NAME_MAX_CHARS = 100;
// Many file systems cap a name at 255 bytes; 100 characters of CJK text are already 300.
const FILE_NAME_MAX_BYTES = 240;

/** One safe file name from a title: `A Robot's Day` → `A Robot's Day.txt`, `notes.md` stays `notes.md`. */
export function titleToFileName(title: string, extension = '.txt'): string {
  const trim = (text: string) => text.replace(/^[\s.-]+|[\s.-]+$/gu, '');
  const cleaned = trim(title.normalize('NFC').replace(/[^\p{L}\p{M}\p{N} \-_.']+/gu, '-'));
  const ownExtension = KNOWN_EXTENSION.exec(cleaned)?.[0];
  const ext = ownExtension ?? extension;
  let stem = '';
  let bytes = Buffer.byteLength(ext);
  // By code point, so no surrogate pair is split; one character is left for the reserved-name prefix.
  for (const char of trim(ownExtension ? cleaned.slice(0, -ownExtension.length) : cleaned)) {
    bytes += Buffer.byteLength(char);
    if (stem.length + char.length + ext.length >= FILE_NAME_MAX_CHARS || bytes > FILE_NAME_MAX_BYTES) break;
    stem += char;
  }
  stem = trim(stem);
  if (stem === '') stem = 'untitled';
  if (WINDOWS_RESERVED.test(stem)) stem = `_${stem}`;
  return stem + ext;
}

interface Resolved {
  /** The workspace's realpath. */
  root: string;
  /** Normalised segments (no `.`, no empty ones). */
  segments: string[];
  absolute: string;
  /** Workspace-relative with forward slashes; '' for the workspace itself. */
  path: string;
}

function resolve(workspaceDir: string, relativePath: string): Resolved {
  const refuse = (reason: string) => new WorkspacePathError(relativePath, reason);
  if (relativePath === '') throw refuse('is empty');
  if (relativePath.includes('\0')) throw refuse('contains a NUL byte');
  if (relativePath.length > MAX_PATH_CHARS) throw refuse(`is longer than ${MAX_PATH_CHARS} characters`);
  // Windows forms too, on every platform: `C:\x`, `C:x` (relative to a drive's current folder), `\\server\x`.
  if (/^([\\/]|[A-Za-z]:)/.test(relativePath)) throw refuse('is absolute; give a path inside the workspace');
  // Backslashes separate folders on Windows, so they do here too: `..\x` is as much an escape as `../x`.
  const segments = relativePath.split(/[\\/]/).filter((segment) => segment !== '' && segment !== '.');
  if (segments.includes('..')) throw refuse('leaves the workspace');
  if (segments.length > MAX_PATH_SEGMENTS) throw refuse(`has more than ${MAX_PATH_SEGMENTS} parts`);
  // A colon names an NTFS alternate data stream (`a.txt:hidden`) or a drive; refused everywhere so a workspace moves between systems.
  if (segments.some((segment) => segment.includes(':'))) throw refuse('contains ":"');

  let root: string;
  try {
    root = realpathSync(workspaceDir);
  } catch {
    throw new ToolTuneError('not-found', `The workspace folder ${workspaceDir} does not exist`);
  }
  // Walk down while the components exist: none may be a link, each but the last must be a folder.
  let deepest = root;
  for (const [index, segment] of segments.entries()) {
    const next = join(deepest, segment);
    const stats = lstatOrNull(next);
    if (!stats) break;
    const shown = segments.slice(0, index + 1).join('/');
    if (stats.isSymbolicLink()) throw refuse(`"${shown}" is a symbolic link; links are never followed`);
    if (index < segments.length - 1 && !stats.isDirectory()) throw refuse(`"${shown}" is not a folder`);
    deepest = next;
  }
  const deepestFolder = deepest === root || lstatOrNull(deepest)?.isDirectory() ? deepest : dirname(deepest);
  if (!isInsideFolder(root, realpathSync(deepestFolder))) throw refuse('leaves the workspace');
  return { root, segments, absolute: join(root, ...segments), path: segments.join('/') };
}

/** Inside or equal, on a separator boundary: `/ws-evil` is not inside `/ws`. */
export function isInsideFolder(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** Creates the missing parent folders one at a time, checking each is a real folder (not a link planted meanwhile). */
function makeFolders(target: Resolved, relativePath: string): void {
  let folder = target.root;
  for (const segment of target.segments.slice(0, -1)) {
    folder = join(folder, segment);
    try {
      mkdirSync(folder);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const stats = lstatSync(folder);
    if (stats.isSymbolicLink() || !stats.isDirectory()) throw new WorkspacePathError(relativePath, `"${segment}" is not a folder`);
  }
}

/**
 * O_NOFOLLOW refuses a link swapped in after the check; O_NONBLOCK keeps a pipe swapped in from blocking the open.
 * Both are 0 on Windows, where the lstat checks alone apply.
 */
const READ_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

function readNoFollow(absolute: string, relativePath: string, maxBytes: number): { data: Buffer; truncated: boolean } {
  const stats = lstatOrNull(absolute);
  if (!stats) throw new ToolTuneError('not-found', `${JSON.stringify(relativePath)}: no such file in the workspace`);
  if (!stats.isFile()) throw new WorkspacePathError(relativePath, 'is not a regular file');
  let fd: number;
  try {
    fd = openSync(absolute, READ_FLAGS);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') throw new WorkspacePathError(relativePath, 'is a symbolic link; links are never followed');
    throw error;
  }
  try {
    const opened = fstatSync(fd);
    if (!opened.isFile()) throw new WorkspacePathError(relativePath, 'is not a regular file');
    const data = Buffer.alloc(Math.min(opened.size, maxBytes));
    let done = 0;
    while (done < data.byteLength) {
      const n = readSync(fd, data, done, data.byteLength - done, done);
      if (n === 0) break; // it shrank meanwhile
      done += n;
    }
    return { data: data.subarray(0, done), truncated: opened.size > maxBytes };
  } finally {
    closeSync(fd);
  }
}

function writeThroughTemp(target: Resolved, data: Buffer, relativePath: string): void {
  writeFileAtomically(target.absolute, (write) => write(data), {
    mode: 0o644,
    // Narrows the window in which a folder could be swapped for a link between the check and the rename.
    beforeRename: () => {
      if (!isInsideFolder(target.root, realpathSync(dirname(target.absolute)))) throw new WorkspacePathError(relativePath, 'leaves the workspace');
    },
  });
}

function lstatOrNull(path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
