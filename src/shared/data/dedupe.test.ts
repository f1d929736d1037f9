import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Sample } from './conversation';
import { dedupeKey, dedupeText, findDuplicates } from './dedupe';

const sample = (user: string, args: Record<string, unknown> = { city: 'Paris' }): Sample => ({
  messages: [
    { role: 'user', content: user },
    { role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: args }] },
  ],
  tools: [],
  kind: 'simple',
});

describe('duplicate detection', () => {
  it('groups exact duplicates up to case, punctuation, spacing and argument order', () => {
    const a = sample("What's the weather in Paris?", { city: 'Paris', unit: 'celsius' });
    const b = sample('what s  the WEATHER in paris', { unit: 'celsius', city: 'Paris' });
    expect(dedupeKey(a)).toBe(dedupeKey(b));
    expect(dedupeKey(a)).not.toBe(dedupeKey(sample("What's the weather in Paris?")));
    expect(findDuplicates([a, sample('Hello'), b])).toEqual([{ kind: 'exact', members: [0, 2], similarity: 1 }]);
  });

  it('keys every text by its normalized form, on the one-pass ASCII path as on the general one', () => {
    // The key as first defined: two FNV-1a-style hashes and the length of the normalized text (stored keys stay valid).
    const hash = (text: string, seed: number) => {
      let h = seed >>> 0;
      for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
      return h >>> 0;
    };
    const reference = (s: Sample) => {
      const text = dedupeText(s);
      return hash(text, 0x811c9dc5).toString(36) + hash(text, 0x01000193).toString(36) + text.length.toString(36);
    };
    const texts = fc.oneof(fc.string({ unit: 'binary-ascii' }), fc.string({ unit: 'grapheme' }), fc.constantFrom('  A-b  ', 'İstanbul?', 'ÆØÅ 12', '', '!!'));
    fc.assert(
      fc.property(texts, fc.dictionary(fc.string({ unit: 'binary-ascii' }), fc.oneof(fc.string(), fc.integer())), (user, args) => {
        expect(dedupeKey(sample(user, args))).toBe(reference(sample(user, args)));
      }),
      { numRuns: 2000 },
    );
  });

  it('finds near duplicates and leaves merely similar samples alone', () => {
    const long = 'Could you please tell me what the weather is going to be like in Paris this afternoon because I plan a long walk along the river';
    const samples = [
      sample(long),
      sample('Convert 100 USD to EUR please', { amount: 100 }),
      sample(long.replace('long walk', 'short walk')),
      sample("What's the weather in Tokyo?", { city: 'Tokyo' }),
      sample("What's the weather in Lima?", { city: 'Lima' }),
      sample('北京今天天气怎么样？我想知道下午要不要带伞出门散步，明天早上还要去机场接朋友，谢谢你的帮助', { city: '北京' }),
      sample('北京今天天气怎么样？我想知道下午要不要带伞出门散步，明天早上还要去机场接朋友，谢谢您的帮助', { city: '北京' }),
    ];
    const groups = findDuplicates(samples);
    expect(groups.map((g) => [g.kind, g.members])).toEqual([
      ['near', [0, 2]],
      ['near', [5, 6]],
    ]);
    expect(groups[0]?.similarity).toBeGreaterThanOrEqual(0.8);
  });
});
