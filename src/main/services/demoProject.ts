import type { Database } from 'better-sqlite3';
import demoTools from '../../../resources/demo/tools.json';
import type { ProjectService } from './projects';
import type { ToolService } from './tools';

export const DEMO_PROJECT_NAME = 'Demo';
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
      await tools.commitImport({ projectId: project.id, text: JSON.stringify(demoTools), fileName: 'demo-tools.json' });
    } catch (error) {
      projects.delete({ id: project.id });
      throw error;
    }
  }
  db.prepare("INSERT INTO settings (key, value) VALUES (?, '1')").run(SEEDED_KEY);
}
