import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { runScript } from './scriptRunner';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A folder with `scripts/` (executables) and `ws/` (the working folder a script runs in). */
function fixture() {
  const base = realpathSync(mkdtempSync(join(tmpdir(), 'tooltune-script-')));
  dirs.push(base);
  mkdirSync(join(base, 'scripts'));
  mkdirSync(join(base, 'ws'));
  const script = (name: string, text: string, mode = 0o755) => {
    const path = join(base, 'scripts', name);
    writeFileSync(path, text);
    chmodSync(path, mode);
    return path;
  };
  return { base, ws: join(base, 'ws'), script };
}

const nodeScript = (body: string) => `#!${process.execPath}\n${body}\n`;
// Answers its arguments, its input, its folder and its environment, as JSON.
const REPORT = nodeScript(`
let input = '';
process.stdin.on('data', (c) => (input += c)).on('end', () => {
  process.stdout.write(JSON.stringify({ args: process.argv.slice(2), input: JSON.parse(input), cwd: process.cwd(), env: process.env }));
});`);

const INJECTIONS = ['; touch pwned', '&& touch pwned', '$(touch pwned)', '`touch pwned`', '| touch pwned', "'; touch pwned; '", '"$(touch pwned)"', '\n touch pwned'];

describe.skipIf(process.platform === 'win32')('runScript', () => {
  it('writes the input as JSON to stdin and answers stdout, with the exit code', async () => {
    const { ws, script } = fixture();
    const echo = script('echo.sh', '#!/bin/sh\ncat\nexit 3\n');
    const result = await runScript({ command: echo, input: { city: 'Oslo', n: [1, 2] }, cwd: ws, timeoutMs: 10_000 });
    expect(result).toMatchObject({ stdout: '{"city":"Oslo","n":[1,2]}', stderr: '', exitCode: 3, timedOut: false, truncated: false });
    expect(result.ms).toBeGreaterThanOrEqual(0);
  });

  it('passes arguments and input verbatim, never through a shell', async () => {
    const { base, ws, script } = fixture();
    const report = script('report.js', REPORT);
    const result = await runScript({ command: report, args: INJECTIONS, input: { text: INJECTIONS }, cwd: ws, timeoutMs: 10_000 });
    const answer = JSON.parse(result.stdout) as { args: string[]; input: { text: string[] } };
    expect(answer.args).toEqual(INJECTIONS);
    expect(answer.input.text).toEqual(INJECTIONS);
    // A shell script that quotes "$@" gets them as data as well.
    const shell = script('args.sh', '#!/bin/sh\nprintf "%s\\n" "$@"\ncat >/dev/null\n');
    const printed = await runScript({ command: shell, args: INJECTIONS, input: INJECTIONS, cwd: ws, timeoutMs: 10_000 });
    expect(printed.stdout).toBe(INJECTIONS.map((arg) => `${arg}\n`).join(''));
    expect(existsSync(join(ws, 'pwned'))).toBe(false);
    expect(readdirSync(ws)).toEqual([]);
    expect(readdirSync(join(base, 'scripts')).sort()).toEqual(['args.sh', 'report.js']);
  });

  it('runs in the workspace with a minimal environment', async () => {
    const { ws, script } = fixture();
    process.env['TOOLTUNE_TEST_API_KEY'] = 'sk-do-not-leak';
    try {
      const result = await runScript({ command: script('report.js', REPORT), input: null, cwd: ws, timeoutMs: 10_000 });
      const answer = JSON.parse(result.stdout) as { cwd: string; env: Record<string, string> };
      expect(answer.cwd).toBe(ws);
      expect(answer.env['TOOLTUNE_WORKSPACE']).toBe(ws);
      expect(answer.env['TOOLTUNE_TEST_API_KEY']).toBeUndefined();
      expect(Object.keys(answer.env).every((name) => ['PATH', 'HOME', 'LANG', 'TOOLTUNE_WORKSPACE'].includes(name))).toBe(true);
    } finally {
      delete process.env['TOOLTUNE_TEST_API_KEY'];
    }
  });

  it('kills the whole process group on timeout, grandchildren included', async () => {
    const { ws, script } = fixture();
    const hang = script('hang.sh', '#!/bin/sh\nsleep 60 &\necho $!\nsleep 60\n');
    const result = await runScript({ command: hang, input: {}, cwd: ws, timeoutMs: 500 });
    expect(result).toMatchObject({ timedOut: true, exitCode: null, truncated: false });
    expect(result.ms).toBeGreaterThanOrEqual(450);
    expect(result.ms).toBeLessThan(5000);
    const grandchild = Number(result.stdout.trim());
    expect(grandchild).toBeGreaterThan(0);
    expect(await gone(grandchild)).toBe(true);
  });

  it('leaves nothing running after a script that exits with a child still in the background', async () => {
    const { ws, script } = fixture();
    const background = script('background.sh', '#!/bin/sh\nsleep 60 &\necho $!\n');
    const result = await runScript({ command: background, input: {}, cwd: ws, timeoutMs: 10_000 });
    expect(result).toMatchObject({ timedOut: false, exitCode: 0 });
    expect(await gone(Number(result.stdout.trim()))).toBe(true);
  });

  it.skipIf(!existsSync('/usr/bin/setsid'))('does not wait for ever on a process that left the group and holds the pipes', async () => {
    const { ws, script } = fixture();
    const escape = script('escape.sh', "#!/bin/sh\nsetsid sh -c 'echo $$; exec sleep 60' &\nsleep 0.2\n");
    const result = await runScript({ command: escape, input: {}, cwd: ws, timeoutMs: 10_000 });
    const escaped = Number(result.stdout.trim());
    expect(escaped).toBeGreaterThan(1);
    process.kill(escaped, 'SIGKILL');
    expect(result).toMatchObject({ exitCode: 0, timedOut: false });
    expect(result.ms).toBeLessThan(3000);
  });

  it('stops a script whose output passes the cap, keeping the first bytes', async () => {
    const { ws, script } = fixture();
    const flood = script('flood.sh', '#!/bin/sh\nwhile :; do echo 0123456789; done\n');
    const result = await runScript({ command: flood, input: {}, cwd: ws, timeoutMs: 10_000, maxOutputBytes: 1000 });
    expect(result).toMatchObject({ truncated: true, timedOut: false, exitCode: null });
    expect(result.stdout).toBe('0123456789\n'.repeat(100).slice(0, 1000));
  });

  it('keeps the first 16 KB of stderr without stopping the script', async () => {
    const { ws, script } = fixture();
    const noisy = script('noisy.js', nodeScript("process.stderr.write('e'.repeat(40000)); process.stdout.write('done');"));
    const result = await runScript({ command: noisy, input: {}, cwd: ws, timeoutMs: 10_000 });
    expect(result).toMatchObject({ stdout: 'done', exitCode: 0, truncated: false });
    expect(result.stderr).toBe('e'.repeat(16 * 1024));
  });

  it('copes with a script that never reads its input', async () => {
    const { ws, script } = fixture();
    const deaf = script('deaf.sh', '#!/bin/sh\necho hi\n');
    const result = await runScript({ command: deaf, input: { big: 'x'.repeat(1_000_000) }, cwd: ws, timeoutMs: 10_000 });
    expect(result).toMatchObject({ stdout: 'hi\n', exitCode: 0 });
  });

  it('kills the script when the signal aborts, rejecting with its reason', async () => {
    const { ws, script } = fixture();
    const hang = script('hang.sh', '#!/bin/sh\nsleep 60 &\necho $!\nsleep 60\n');
    const controller = new AbortController();
    const running = runScript({ command: hang, input: {}, cwd: ws, timeoutMs: 60_000, signal: controller.signal });
    await sleep(300);
    controller.abort(new Error('stopped by the user'));
    await expect(running).rejects.toThrow('stopped by the user');
    await expect(runScript({ command: hang, input: {}, cwd: ws, timeoutMs: 60_000, signal: controller.signal })).rejects.toThrow('stopped by the user');
  });

  it('refuses a command that is not an absolute path to an executable file', async () => {
    const { base, ws, script } = fixture();
    const plain = script('plain.sh', '#!/bin/sh\necho hi\n', 0o644);
    const cases: [string, string][] = [
      ['sh', 'is not an absolute path'],
      ['./scripts/plain.sh', 'is not an absolute path'],
      [join(base, 'missing.sh'), 'does not exist'],
      [join(base, 'scripts'), 'is not a regular file'],
      [plain, 'is not executable'],
    ];
    for (const [command, reason] of cases) {
      await expect(runScript({ command, input: {}, cwd: ws, timeoutMs: 1000 }), command).rejects.toThrow(expect.objectContaining({ code: 'invalid-input', message: expect.stringContaining(reason) }));
    }
  });
});

/**
 * Whether the process is gone within two seconds: `process.kill(pid, 0)` answers ESRCH, or (Linux) it is a zombie,
 * killed already and only waiting for its new parent (a container's init may reap slowly) to collect it.
 */
async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 40; i++) {
    try {
      process.kill(pid, 0);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ESRCH') return true;
    }
    if (processState(pid) === 'Z') return true;
    await sleep(50);
  }
  return false;
}

function processState(pid: number): string | undefined {
  try {
    // The state follows the command name in parentheses.
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
  } catch {
    return undefined;
  }
}
