import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ToolTuneError } from '../../shared/errors';
import { createTempServices, type TempServices } from '../testing/tempServices';

let env: TempServices;
beforeEach(async () => {
  env = await createTempServices();
});
afterEach(() => env.dispose());

describe('projects', () => {
  it('starts with the Demo project and its three tools', async () => {
    const projects = await env.api.projects.list({});
    expect(projects.map((project) => project.name)).toEqual(['Demo']);
    const tools = await env.api.tools.list({ projectId: projects[0]!.id });
    expect(tools.map((tool) => tool.name)).toEqual(['get_weather', 'save_story', 'convert_currency']);
    expect(existsSync(projects[0]!.workspacePath)).toBe(true);
  });

  it('does not bring a deleted Demo back on the next start', async () => {
    const [demo] = await env.api.projects.list({});
    await env.api.projects.delete({ id: demo!.id });
    const { createServices } = await import('./createServices');
    const again = await createServices({ dataDir: env.dataDir, mode: 'cli', version: 'test' });
    expect(again.implementations.projects.list({})).toEqual([]);
    again.dispose();
  });

  it('creates, renames and refuses duplicate names case-insensitively', async () => {
    const project = await env.api.projects.create({ name: '  Weather bot  ' });
    expect(project.name).toBe('Weather bot');
    await expect(env.api.projects.create({ name: 'weather BOT' })).rejects.toMatchObject({ code: 'conflict' });
    const renamed = await env.api.projects.rename({ id: project.id, name: 'Weather Bot' });
    expect(renamed.name).toBe('Weather Bot');
    await expect(env.api.projects.rename({ id: project.id, name: 'demo' })).rejects.toBeInstanceOf(ToolTuneError);
    await expect(env.api.projects.create({ name: 'bad\u0007name' })).rejects.toMatchObject({ code: 'invalid-input' });
    await expect(env.api.projects.create({ name: '   ' })).rejects.toMatchObject({ code: 'invalid-input' });
  });

  it('duplicates tools and workspace files under a free copy name', async () => {
    const [demo] = await env.api.projects.list({});
    writeFileSync(join(demo!.workspacePath, 'note.txt'), 'kept');
    const copy = await env.api.projects.duplicate({ id: demo!.id });
    expect(copy.name).toBe('Demo (copy)');
    expect(copy.toolCount).toBe(3);
    expect(existsSync(join(copy.workspacePath, 'note.txt'))).toBe(true);
    const second = await env.api.projects.duplicate({ id: demo!.id });
    expect(second.name).toBe('Demo (copy 2)');
  });

  it('deletes a project with its tools and folder', async () => {
    const project = await env.api.projects.create({ name: 'Temp' });
    await env.api.projects.delete({ id: project.id });
    expect(existsSync(project.workspacePath)).toBe(false);
    await expect(env.api.projects.get({ id: project.id })).rejects.toMatchObject({ code: 'not-found' });
  });

  it('lists the most recently opened project first', async () => {
    const a = await env.api.projects.create({ name: 'A' });
    const b = await env.api.projects.create({ name: 'B' });
    await env.api.projects.open({ id: b.id });
    await new Promise((resolve) => setTimeout(resolve, 5));
    await env.api.projects.open({ id: a.id });
    const names = (await env.api.projects.list({})).map((project) => project.name);
    expect(names.slice(0, 2)).toEqual(['A', 'B']);
  });

  it('emits didChange events to connected clients', async () => {
    const seen: unknown[] = [];
    const off = env.api.projects.on('didChange', (payload) => seen.push(payload));
    const project = await env.api.projects.create({ name: 'Evented' });
    off();
    expect(seen).toContainEqual({ projectId: project.id });
  });
});
