import type { Migration } from './index';

/**
 * The Test step: how each tool runs, MCP servers, chat conversations and the log of every call.
 * - `tool_runtimes`: a tool's runtime binding and approval policy (one row per tool that has either set).
 * - `mcp_servers`: a server is added by its command; `approved_at` stays null until the user confirmed its
 *   full command line and it first started.
 * - `chat_messages` are `Message` JSON (the canonical sample message) per lane: a conversation sends every
 *   prompt to one or two models side by side; `turn` counts the user's prompts, the same in every lane.
 * - `tool_calls`: every call the chat or `tools run` made, with the policy's decision; secrets redacted.
 * The Demo project of an older database gets the bindings a new one is seeded with (its three tools, matched by name).
 */
export const migration006Chat: Migration = {
  version: 6,
  name: 'tool runtimes, MCP servers, chat',
  up(db) {
    db.exec(`
      CREATE TABLE tool_runtimes (
        tool_id      TEXT PRIMARY KEY REFERENCES tools(id) ON DELETE CASCADE,
        binding_json TEXT,
        policy       TEXT NOT NULL CHECK (policy IN ('allow', 'ask', 'deny')),
        updated_at   TEXT NOT NULL
      );

      CREATE TABLE mcp_servers (
        id          TEXT PRIMARY KEY,
        project_id  TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        name        TEXT NOT NULL,
        command     TEXT NOT NULL,
        args_json   TEXT NOT NULL,
        approved_at TEXT,
        created_at  TEXT NOT NULL
      );
      CREATE INDEX mcp_servers_by_project ON mcp_servers(project_id);

      CREATE TABLE chat_conversations (
        id            TEXT PRIMARY KEY,
        project_id    TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        title         TEXT NOT NULL,
        lanes_json    TEXT NOT NULL,
        system_prompt TEXT NOT NULL DEFAULT '',
        sampling_json TEXT NOT NULL,
        created_at    TEXT NOT NULL,
        updated_at    TEXT NOT NULL
      );
      CREATE INDEX chat_conversations_by_project ON chat_conversations(project_id, updated_at);

      CREATE TABLE chat_messages (
        conversation_id TEXT NOT NULL REFERENCES chat_conversations(id) ON DELETE CASCADE,
        lane            INTEGER NOT NULL,
        seq             INTEGER NOT NULL,
        turn            INTEGER NOT NULL,
        message_json    TEXT NOT NULL,
        meta_json       TEXT NOT NULL DEFAULT '{}',
        created_at      TEXT NOT NULL,
        PRIMARY KEY (conversation_id, lane, seq)
      );

      CREATE TABLE tool_calls (
        id              TEXT PRIMARY KEY,
        project_id      TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        conversation_id TEXT REFERENCES chat_conversations(id) ON DELETE CASCADE,
        lane            INTEGER NOT NULL DEFAULT 0,
        call_id         TEXT NOT NULL,
        tool            TEXT NOT NULL,
        arguments_json  TEXT NOT NULL,
        status          TEXT NOT NULL CHECK (status IN ('waiting-approval', 'running', 'ok', 'error', 'denied')),
        decision        TEXT CHECK (decision IN ('allowed', 'approved', 'denied', 'policy-denied', 'timed-out')),
        result          TEXT,
        files_json      TEXT NOT NULL DEFAULT '[]',
        ms              REAL,
        created_at      TEXT NOT NULL
      );
      CREATE INDEX tool_calls_by_conversation ON tool_calls(conversation_id, created_at);
    `);
    const demoBindings: Array<[string, string, string]> = [
      ['get_weather', '{"kind":"builtin","builtin":"demo_weather"}', 'allow'],
      ['convert_currency', '{"kind":"builtin","builtin":"demo_currency"}', 'allow'],
      ['save_story', '{"kind":"builtin","builtin":"write_file","pathArgument":"title","contentArgument":"content","pathFrom":"title"}', 'ask'],
    ];
    const bind = db.prepare(
      `INSERT INTO tool_runtimes (tool_id, binding_json, policy, updated_at)
       SELECT t.id, ?, ?, ? FROM tools t JOIN projects p ON p.id = t.project_id WHERE p.name = 'Demo' AND t.name = ?`,
    );
    for (const [name, binding, policy] of demoBindings) bind.run(binding, policy, new Date().toISOString(), name);
  },
};
