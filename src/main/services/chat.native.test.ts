import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BaseModel, ChatModel, Conversation, ProjectSummary } from '../../shared/contract';
import { DEFAULT_SAMPLING } from '../../shared/contract';
import { runCli } from '../testing/runCli';
import { createTempServices, type TempServices } from '../testing/tempServices';

/**
 * The chat's mechanics on the untrained demo base (node-llama-cpp on the CPU, no trainer needed): answers stored and
 * streamed, edit and resend, regenerate, stop, two lanes, refusals, the CLI. That a tuned model's calls really run is
 * the e2e tests' part (e2e/test.spec.ts, e2e/evaluate.spec.ts).
 */
describe('chat on the demo base', { timeout: 120_000 }, () => {
  let t: TempServices;
  let demo: ProjectSummary;
  let base: BaseModel;
  let lane: ChatModel;

  const answered = async (conversationId: string): Promise<Conversation> => {
    await t.services.chat.idle(conversationId);
    return t.api.chat.get({ conversationId });
  };

  beforeAll(async () => {
    t = await createTempServices();
    demo = (await t.api.projects.list({})).find((p) => p.name === 'Demo')!;
    base = await t.api.models.ensureDemo({});
    lane = { kind: 'model', modelId: base.id };
  });
  afterAll(() => t?.dispose());

  it('lists the base, answers a prompt with streamed text, and keeps the conversation', async () => {
    expect(await t.api.chat.models({ projectId: demo.id })).toContainEqual({ model: lane, label: base.displayName, group: 'base' });
    const created = await t.api.chat.create({ projectId: demo.id, lanes: [lane], sampling: { ...DEFAULT_SAMPLING, maxTokens: 24 } });
    const streamed: string[] = [];
    const stop = t.api.chat.on('didStream', (event) => event.conversationId === created.id && streamed.push(event.text));
    await t.api.chat.send({ conversationId: created.id, text: 'Hello there' });
    const conversation = await answered(created.id);
    stop();
    expect(conversation.title).toBe('Hello there');
    expect(conversation.busy).toEqual([]);
    expect(conversation.messages.map((m) => [m.message.role, m.turn])).toEqual([['user', 0], ['assistant', 0]]);
    const answer = conversation.messages[1]!;
    expect(answer.tokens).toBeGreaterThan(0);
    expect(answer.tokens).toBeLessThanOrEqual(24);
    expect(streamed.length).toBeGreaterThan(0);
    expect((await t.api.chat.list({ projectId: demo.id })).map((c) => c.id)).toContain(created.id);
  });

  it('edit and resend replaces the prompt and what followed; regenerate answers the last prompt again', async () => {
    const { id } = await t.api.chat.create({ projectId: demo.id, lanes: [lane], sampling: { ...DEFAULT_SAMPLING, maxTokens: 16 } });
    await t.api.chat.send({ conversationId: id, text: 'First' });
    await answered(id);
    await t.api.chat.send({ conversationId: id, text: 'Second' });
    await answered(id);
    await t.api.chat.send({ conversationId: id, text: 'First, edited', fromTurn: 0 });
    const edited = await answered(id);
    expect(edited.messages.filter((m) => m.message.role === 'user').map((m) => (m.message.role === 'user' ? m.message.content : ''))).toEqual(['First, edited']);
    const before = edited.messages.length;
    await t.api.chat.regenerate({ conversationId: id });
    const again = await answered(id);
    expect(again.messages).toHaveLength(before);
    // Greedy decoding: the same prompt gets the same answer.
    expect(again.messages.at(-1)!.message).toEqual(edited.messages.at(-1)!.message);
    await expect(t.api.chat.send({ conversationId: id, text: 'x', fromTurn: 5 })).rejects.toMatchObject({ code: 'invalid-input' });
  });

  it('stop ends an answer at once and refuses a second prompt while one is answered', async () => {
    const { id } = await t.api.chat.create({ projectId: demo.id, lanes: [lane], sampling: { ...DEFAULT_SAMPLING, temperature: 1, maxTokens: 4000 } });
    const first = new Promise<void>((resolve) => {
      const off = t.api.chat.on('didStream', (event) => {
        if (event.conversationId !== id) return;
        off();
        resolve();
      });
    });
    await t.api.chat.send({ conversationId: id, text: 'Tell me everything' });
    await expect(t.api.chat.send({ conversationId: id, text: 'again' })).rejects.toMatchObject({ code: 'conflict' });
    await first;
    expect(await t.api.chat.stop({ conversationId: id })).toEqual({ stopped: true });
    const stopped = await answered(id);
    const answer = stopped.messages.find((m) => m.message.role === 'assistant');
    expect(answer?.finished).toBe(false);
    expect(answer!.tokens!).toBeLessThan(4000);
    expect(await t.api.chat.decide({ conversationId: id, callId: 'call_nope', approve: true })).toEqual({ decided: false });
  });

  it('sends one prompt to two lanes at once', async () => {
    const { id } = await t.api.chat.create({ projectId: demo.id, lanes: [lane, lane], sampling: { ...DEFAULT_SAMPLING, maxTokens: 16 } });
    await t.api.chat.send({ conversationId: id, text: 'Side by side' });
    const both = await answered(id);
    const answers = [0, 1].map((l) => both.messages.find((m) => m.lane === l && m.message.role === 'assistant')?.message);
    expect(answers[0]).toBeDefined();
    expect(answers[1]).toEqual(answers[0]);
  });

  it('tooltune chat prints the transcript, and JSON with --json', () => {
    const text = runCli(t.dataDir, 'chat', '--project', 'Demo', '--model', base.id, '--max-tokens', '16', 'Hi');
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^user: Hi$/m);
    const json = runCli(t.dataDir, 'chat', '--project', 'Demo', '--model', base.id, '--json', 'Hi');
    expect(json.status, json.stderr).toBe(0);
    const conversation = JSON.parse(json.stdout) as Conversation;
    expect(conversation.messages.map((m) => m.message.role)).toEqual(['user', 'assistant']);
    expect(runCli(t.dataDir, 'chat', '--project', 'Demo', '--model', base.id, '--run', '1', 'Hi')).toMatchObject({ status: 2 });
  });
});
