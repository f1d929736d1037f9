import type { Database } from 'better-sqlite3';
import demoTools from '../../../resources/demo/tools.json';
import { defaultPolicy, type BuiltinBinding } from '../../shared/chat/bindings';
import type { ProjectService } from './projects';
import type { ToolService } from './tools';

export const DEMO_PROJECT_NAME = 'Demo';

/** The Demo's tools run out of the box in the Test step: the story goes into the workspace, the rest comes from a table. */
export const DEMO_BINDINGS: Record<string, BuiltinBinding> = {
  get_weather: { kind: 'builtin', builtin: 'demo_weather' },
  convert_currency: { kind: 'builtin', builtin: 'demo_currency' },
  save_story: { kind: 'builtin', builtin: 'write_file', pathArgument: 'title', contentArgument: 'content', pathFrom: 'title' },
};
const SEEDED_KEY = 'demo-seeded';

/**
 * Creates the Demo project on first start. It goes through the same import path as
 * user files, so a broken demo fails loudly in tests. Seeded once: a user who
 * deletes it does not get it back.
 */
export async function seedDemoProject(db: Database, projects: ProjectService, tools: ToolService): Promise<void> {
  if (db.prepare('SELECT 1 FROM settings WHERE key = ?').get(SEEDED_KEY)) return;
  if (!projects.findByName(DEMO_PROJECT_NAME)) {
    const project = projects.create({ name: DEMO_PROJECT_NAME });
    try {
      const { imported } = await tools.commitImport({ projectId: project.id, text: JSON.stringify(demoTools), fileName: 'demo-tools.json' });
      const bind = db.prepare('INSERT INTO tool_runtimes (tool_id, binding_json, policy, updated_at) VALUES (?, ?, ?, ?)');
      for (const tool of imported) {
        const binding = DEMO_BINDINGS[tool.name];
        if (binding) bind.run(tool.id, JSON.stringify(binding), defaultPolicy(binding), new Date().toISOString());
      }
    } catch (error) {
      projects.delete({ id: project.id });
      throw error;
    }
  }
  db.prepare("INSERT INTO settings (key, value) VALUES (?, '1')").run(SEEDED_KEY);
}
