import BetterSqlite3, { type Database } from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../database';
import { MIGRATIONS } from './index';

const NOW = '2025-01-01T00:00:00.000Z';

function upgradedFromV5(): Database {
  const db = new BetterSqlite3(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, MIGRATIONS.slice(0, 5));
  for (const [id, name] of [['demo', 'Demo'], ['mine', 'Mine']]) db.prepare('INSERT INTO projects (id, name, created_at, updated_at) VALUES (?, ?, ?, ?)').run(id, name, NOW, NOW);
  let position = 0;
  for (const [id, project, name] of [['t1', 'demo', 'get_weather'], ['t2', 'demo', 'save_story'], ['t3', 'demo', 'other'], ['t4', 'mine', 'get_weather']]) {
    db.prepare("INSERT INTO tools (id, project_id, position, name, description, parameters_json, origin, created_at, updated_at) VALUES (?, ?, ?, ?, '', '{}', 'openai', ?, ?)").run(id, project, position++, name, NOW, NOW);
  }
  migrate(db, MIGRATIONS.slice(0, 6));
  return db;
}

describe('migration 006: tool runtimes and chat', () => {
  it("binds an older database's Demo tools as a new Demo is seeded, and nobody else's", () => {
    const db = upgradedFromV5();
    expect(db.pragma('user_version', { simple: true })).toBe(6);
    expect(db.prepare("SELECT tool_id, json_extract(binding_json, '$.builtin') AS builtin, policy FROM tool_runtimes ORDER BY tool_id").all()).toEqual([
      { tool_id: 't1', builtin: 'demo_weather', policy: 'allow' },
      { tool_id: 't2', builtin: 'write_file', policy: 'ask' },
    ]);
    expect(() => db.prepare("INSERT INTO tool_runtimes (tool_id, policy, updated_at) VALUES ('t3', 'sometimes', ?)").run(NOW)).toThrow(/CHECK/);
  });

  it('drops conversations, their messages and their call log with the project; a tool takes its runtime along', () => {
    const db = upgradedFromV5();
    db.prepare("INSERT INTO chat_conversations (id, project_id, title, lanes_json, sampling_json, created_at, updated_at) VALUES ('c1', 'demo', 't', '[]', '{}', ?, ?)").run(NOW, NOW);
    db.prepare("INSERT INTO chat_messages (conversation_id, lane, seq, turn, message_json, created_at) VALUES ('c1', 0, 0, 0, '{}', ?)").run(NOW);
    db.prepare("INSERT INTO tool_calls (id, project_id, conversation_id, call_id, tool, arguments_json, status, created_at) VALUES ('l1', 'demo', 'c1', 'call_1', 'get_weather', '{}', 'ok', ?)").run(NOW);
    expect(() => db.prepare("INSERT INTO tool_calls (id, project_id, call_id, tool, arguments_json, status, created_at) VALUES ('l2', 'demo', 'x', 'y', '{}', 'maybe', ?)").run(NOW)).toThrow(/CHECK/);
    db.prepare("DELETE FROM tools WHERE id = 't1'").run();
    expect(db.prepare("SELECT COUNT(*) FROM tool_runtimes WHERE tool_id = 't1'").pluck().get()).toBe(0);
    db.prepare("DELETE FROM projects WHERE id = 'demo'").run();
    for (const table of ['chat_conversations', 'chat_messages', 'tool_calls']) expect(db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get(), table).toBe(0);
  });
});
