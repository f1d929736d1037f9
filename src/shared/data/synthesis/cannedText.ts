import type { ToolDefinition } from '../../tools/types';
import type { Language } from './phrasing';
import type { Rng } from './random';

/** Language-specific stock text: no-call exchanges, connectors, generic fallbacks, story writing. */

interface Exchange {
  query: string;
  answer: string;
}

const NO_CALL: Record<Language, Exchange[]> = {
  en: [
    { query: 'Hi there!', answer: 'Hello! How can I help you today?' },
    { query: 'Thanks, that was helpful.', answer: "You're welcome! Let me know if you need anything else." },
    { query: 'Tell me a joke.', answer: "Why don't scientists trust atoms? Because they make up everything." },
    { query: 'What is 12 times 7?', answer: '12 times 7 is 84.' },
    { query: 'Can you book me a flight to Rome?', answer: "I'm sorry, I can't book flights: none of my tools does that. You could use an airline's website or a travel agent." },
    { query: 'Order me a pizza, please.', answer: "I can't place orders with the tools I have, sorry." },
    { query: 'What does "ephemeral" mean?', answer: '"Ephemeral" means lasting for a very short time.' },
    { query: 'Translate "good morning" into French.', answer: '"Good morning" in French is "Bonjour".' },
    { query: 'Who wrote "Pride and Prejudice"?', answer: 'Jane Austen wrote "Pride and Prejudice", published in 1813.' },
    { query: 'Send an email to my boss saying I am late.', answer: "I'm sorry, I don't have a tool for sending email." },
  ],
  zh: [
    { query: '你好！', answer: '你好！有什么可以帮你的吗？' },
    { query: '谢谢你的帮助。', answer: '不客气！还有其他需要随时告诉我。' },
    { query: '给我讲个笑话吧。', answer: '为什么数学书总是很忧郁？因为它有太多的问题。' },
    { query: '12乘以7等于多少？', answer: '12乘以7等于84。' },
    { query: '帮我订一张去罗马的机票。', answer: '抱歉，我没有订机票的工具，您可以通过航空公司网站预订。' },
    { query: '帮我点一份外卖。', answer: '抱歉，我现有的工具无法下单。' },
    { query: '“短暂”是什么意思？', answer: '“短暂”指时间很短。' },
    { query: '《红楼梦》的作者是谁？', answer: '《红楼梦》的作者是曹雪芹。' },
  ],
};

export function noCallExchange(language: Language, rng: Rng): Exchange {
  return rng.pick(NO_CALL[language]);
}

export const CONNECTORS: Record<Language, string[]> = { en: [' Also, ', ' And ', ' Then '], zh: ['另外，', '还有，', '同时，'] };

/** Joins requests into one message; in English the next request's first word is lower-cased ("Also, convert …"). */
export function joinQueries(queries: readonly string[], language: Language, rng: Rng): string {
  return queries.reduce((joined, query) => {
    if (joined === '') return query;
    const lower = language === 'en' && /^[A-Z][a-z]/.test(query) ? query.charAt(0).toLowerCase() + query.slice(1) : query;
    return joined + rng.pick(CONNECTORS[language]) + lower;
  }, '');
}

export const GENERIC: Record<Language, { ask: string; done: string; joinAnswers: string }> = {
  en: { ask: 'Sure. What {argument} should I use?', done: 'Done.', joinAnswers: ' ' },
  zh: { ask: '好的，请问{argument}是什么？', done: '好的，已完成。', joinAnswers: '' },
};

const STORY: Record<Language, { openings: string[]; middles: string[]; endings: string[]; heroes: string[]; places: string[] }> = {
  en: {
    heroes: ['Mara', 'Old Tom', 'a girl named Ivy', 'the baker Luis', 'Captain Reyes', 'a shy fox'],
    places: ['a village by the sea', 'the edge of a quiet forest', 'a city of glass towers', 'a farm under wide skies'],
    openings: [
      'Once upon a time, in {place}, there lived {hero}, who dreamed about {topic}.',
      'Nobody in {place} expected {hero} to change anything, least of all through {topic}.',
      'It began on a grey morning in {place}, when {hero} first heard about {topic}.',
    ],
    middles: [
      'Days turned into weeks, and {hero} kept thinking about {topic}.',
      'Some neighbours laughed, but a few quietly offered to help.',
      'There were setbacks: a storm, a broken promise, a long night of doubt.',
      'Step by step, {hero} learned that patience mattered more than speed.',
      'One evening a stranger arrived with a story that changed everything.',
      'The work was hard, yet every small success felt like sunrise.',
      'Even the oldest people in {place} said they had never seen anything like it.',
      'Slowly, the whole of {place} began to talk about {topic}.',
    ],
    endings: [
      'In the end, {hero} smiled, knowing that {topic} had made {place} a little brighter.',
      'And so {place} remembered {hero}, and the story of {topic} was told for years.',
      'When spring came, {hero} finally rested, proud of what {topic} had become.',
    ],
  },
  zh: {
    heroes: ['小明', '老王', '一个叫小雨的女孩', '面包师李师傅', '船长陈', '一只害羞的狐狸'],
    places: ['海边的小村庄', '安静的森林边', '玻璃高楼林立的城市', '辽阔天空下的农场'],
    openings: ['很久以前，在{place}，住着{hero}，他一直梦想着{topic}。', '在{place}，没有人想到{hero}会因为{topic}改变一切。', '故事开始于{place}一个灰蒙蒙的早晨，{hero}第一次听说了{topic}。'],
    middles: [
      '日子一天天过去，{hero}始终惦记着{topic}。',
      '有些邻居嘲笑他，但也有人默默伸出援手。',
      '途中困难重重：一场暴风雨、一个被打破的承诺、一个充满怀疑的长夜。',
      '一步一步地，{hero}明白了耐心比速度更重要。',
      '一天傍晚，一位陌生人带来了一个改变一切的故事。',
      '整个{place}都开始谈论{topic}。',
    ],
    endings: ['最后，{hero}笑了，因为{topic}让{place}变得更加明亮。', '从此，{place}的人们一直记得{hero}和{topic}的故事。'],
  },
};

/** A long story (roughly 1,000–4,000 characters) for generate-then-save samples. */
export function writeStory(topic: string, language: Language, rng: Rng): string {
  const parts = STORY[language];
  const values: Record<string, string> = { topic, hero: rng.pick(parts.heroes), place: rng.pick(parts.places) };
  const fill = (sentence: string): string => sentence.replace(/\{(\w+)\}/g, (_, key: string) => values[key] ?? '');
  const separator = language === 'en' ? ' ' : '';
  const paragraphs = [fill(rng.pick(parts.openings))];
  const count = rng.int(4, 9);
  for (let i = 0; i < count; i++) paragraphs.push(rng.sample(parts.middles, rng.int(3, 5)).map(fill).join(separator));
  paragraphs.push(fill(rng.pick(parts.endings)));
  return paragraphs.join('\n\n');
}

/** Plausible tools that do something else, for "multiple" samples and the distractor augmentation. */
export const DISTRACTOR_TOOLS: readonly ToolDefinition[] = [
  tool('get_stock_price', 'Get the latest price of a stock.', { symbol: { type: 'string', description: 'Ticker symbol, e.g. AAPL.' } }, ['symbol']),
  tool('send_email', 'Send an email.', { to: { type: 'string', format: 'email' }, subject: { type: 'string' }, body: { type: 'string' } }, ['to', 'subject', 'body']),
  tool('search_web', 'Search the web and return the top results.', { query: { type: 'string' }, limit: { type: 'integer', minimum: 1, maximum: 10 } }, ['query']),
  tool('set_timer', 'Start a countdown timer.', { minutes: { type: 'integer', minimum: 1, maximum: 240 } }, ['minutes']),
  tool('translate_text', 'Translate text into another language.', { text: { type: 'string' }, target_language: { type: 'string' } }, ['text', 'target_language']),
  tool('create_calendar_event', 'Create a calendar event.', { title: { type: 'string' }, date: { type: 'string', format: 'date' }, time: { type: 'string', format: 'time' } }, ['title', 'date']),
  tool('get_news', 'Get the latest news headlines for a country.', { country: { type: 'string' }, category: { type: 'string', enum: ['business', 'science', 'sports', 'technology'] } }, ['country']),
  tool('book_restaurant', 'Book a table at a restaurant.', { restaurant: { type: 'string' }, people: { type: 'integer', minimum: 1, maximum: 20 }, date: { type: 'string', format: 'date' } }, ['restaurant', 'people', 'date']),
];

function tool(name: string, description: string, properties: Record<string, unknown>, required: string[]): ToolDefinition {
  return { name, description, parameters: { type: 'object', properties, required } };
}
