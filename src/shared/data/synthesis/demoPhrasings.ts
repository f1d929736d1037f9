import type { PhrasingSet } from './phrasing';

/** Hand-written templates for the Demo project's tools (resources/demo/tools.json). */

const CURRENCIES = ['USD', 'EUR', 'GBP', 'JPY', 'CNY', 'INR', 'CHF', 'CAD', 'AUD'];
const WEATHER_RESULTS = ['{"city": "{city}", "temperature": {temperature}, "unit": "{unit}", "condition": "{condition}"}'];
const CONVERT_RESULTS = ['{"amount": {amount}, "from": "{from}", "to": "{to}", "rate": {rate}, "converted": {amount*rate}}'];
const SAVE_RESULTS = ['{"saved": true, "path": "stories/{title}.txt"}'];

export const DEMO_PHRASINGS_EN: PhrasingSet = {
  language: 'en',
  tools: {
    get_weather: {
      // Every complete request has six tokens, then the quoted city, and ends with it: the demo base's copy layer
      // reaches the city from the call's argument slot, and what it copies at the call's other tokens lines up the
      // same in every request (docs/evaluate.md, "What the demo model learns").
      queries: [
        'What\'s the weather in "{city}"?',
        'How warm is it in "{city}"?',
        'Is it raining today in "{city}"?',
        'Will it snow today in "{city}"?',
        "What's the weather like right now?",
        'Can you check the weather for me?',
      ],
      askFor: { city: ['Sure! Which city should I check?', 'Happy to. For which city?'] },
      replies: { city: ['{city}', 'In {city}, please.', "I'm in {city}."] },
      slots: {
        // One token each in the Qwen2.5 vocabulary, inside quotes as in the call's JSON.
        city: ['Paris', 'Toronto', 'Berlin', 'London', 'Boston', 'Chicago', 'Denver', 'Seattle', 'Houston', 'Dallas', 'Miami', 'Atlanta', 'Phoenix', 'Austin', 'Portland', 'Singapore'],
        temperature: [-3, 4, 9, 14, 18, 21, 25, 29, 33],
        condition: ['sunny', 'cloudy', 'light rain', 'snow', 'windy', 'clear'],
      },
      results: WEATHER_RESULTS,
      answers: ["It's {temperature}° ({unit}) and {condition} in {city}.", 'In {city} it is currently {condition} with {temperature}°.'],
    },
    convert_currency: {
      // Three arguments copied from the request are beyond the demo base; its simple calls are get_weather's.
      targetKinds: ['multiple', 'parallel', 'parallel_multiple', 'multi_turn', 'missing_argument', 'dependent'],
      queries: [
        'Convert {amount} {from} to {to}.',
        'How much is {amount} {from} in {to}?',
        "What's {amount} {from} worth in {to} today?",
        'I have {amount} {from}. How many {to} is that?',
        'Change {amount} {from} into {to}, please.',
        'Can you convert {amount} into {to}?',
      ],
      askFor: { from: ['Which currency is the {amount} in?'], amount: ['How much would you like to convert?'], to: ['Which currency should I convert it to?'] },
      replies: { from: ['{from}', "It's in {from}."], amount: ['{amount}', '{amount}, please.'], to: ['{to}', 'To {to}.'] },
      slots: { amount: [5, 20, 49.99, 100, 250, 1200, 5000], rate: [0.0068, 0.79, 0.92, 1.08, 1.27, 7.24, 83.1, 151.3], from: CURRENCIES, to: CURRENCIES },
      results: CONVERT_RESULTS,
      answers: ['{amount} {from} is about {amount*rate} {to}.', "That's {amount*rate} {to} at today's rate of {rate}."],
    },
    save_story: {
      queries: [
        'Write a short story about {topic} and save it as "{title}".',
        'Could you write me a bedtime story about {topic}? Save it under the title "{title}".',
        'Please create a story about {topic} called "{title}" and store it in my workspace.',
        'I want a story about {topic}. Title it "{title}" and save it.',
      ],
      slots: {
        topic: ['a lighthouse keeper', 'a lost robot', 'a dragon who loves tea', 'two rival bakers', 'a trip to Mars', 'a talking cat', 'a haunted library'],
        title: ['The Last Light', 'Rust and Stars', 'Tea for Dragons', 'Flour Wars', 'Red Dust', 'Whiskers', 'Quiet Shelves'],
      },
      generated: 'content',
      results: SAVE_RESULTS,
      answers: ['I wrote the story and saved it as "{title}".', 'Done! "{title}" is saved in your workspace.'],
    },
  },
  chains: [
    {
      query: 'Convert {amount} {from} to {mid}, and then convert that result to {to}.',
      slots: { mid: ['EUR', 'USD', 'GBP'] },
      steps: [
        { tool: 'convert_currency', arguments: { amount: '{amount}', from: '{from}', to: '{mid}' } },
        { tool: 'convert_currency', arguments: { amount: '{$1.converted}', from: '{mid}', to: '{to}' } },
      ],
      answer: '{amount} {from} is {$1.converted} {mid}, which comes to {$2.converted} {to}.',
    },
    {
      query: 'Check the weather in {city} and save a short weather report as a story titled "{title}".',
      slots: { title: ['Weather Report', 'Today Outside', 'Forecast Notes'] },
      steps: [
        { tool: 'get_weather', arguments: { city: '{city}' } },
        { tool: 'save_story', arguments: { title: '{title}', content: 'Weather report for {city}: {$1.condition}, {$1.temperature} degrees ({$1.unit}).' } },
      ],
      answer: 'It is {$1.condition} in {city}; I saved the report as "{title}".',
    },
  ],
};

export const DEMO_PHRASINGS_ZH: PhrasingSet = {
  language: 'zh',
  tools: {
    get_weather: {
      queries: ['{city}今天天气怎么样？', '帮我查一下{city}的天气。', '{city}现在多少度？用{unit}表示。', '{city}在下雨吗？', '现在外面天气怎么样？', '帮我查查天气吧。'],
      askFor: { city: ['好的，请问您想查询哪个城市？', '没问题，是哪个城市呢？'] },
      replies: { city: ['{city}', '{city}，谢谢。', '我在{city}。'] },
      slots: {
        city: ['北京', '上海', '广州', '深圳', '成都', '杭州', '西安', '武汉', '东京', '巴黎'],
        temperature: [-5, 3, 10, 16, 22, 27, 31, 35],
        condition: ['晴', '多云', '小雨', '阴', '大风', '雪'],
      },
      results: WEATHER_RESULTS,
      answers: ['{city}现在{condition}，气温{temperature}度。', '{city}目前天气{condition}，{temperature}度。'],
    },
    convert_currency: {
      queries: ['把{amount}{from}换成{to}。', '{amount}{from}等于多少{to}？', '帮我算一下{amount}{from}能换多少{to}。', '我有{amount}{from}，能换多少{to}？', '帮我把{amount}换成{to}。'],
      askFor: { from: ['请问这{amount}是什么货币？'], amount: ['请问您要换多少钱？'], to: ['您想换成哪种货币？'] },
      replies: { from: ['{from}', '是{from}。'], amount: ['{amount}'], to: ['{to}', '换成{to}。'] },
      slots: { amount: [10, 100, 200, 888, 1000, 5000], rate: [0.14, 0.13, 7.24, 0.92, 1.08, 20.6], from: CURRENCIES, to: CURRENCIES },
      results: CONVERT_RESULTS,
      answers: ['{amount}{from}约等于{amount*rate}{to}。', '按今天的汇率{rate}，可以换到{amount*rate}{to}。'],
    },
    save_story: {
      queries: ['写一个关于{topic}的短篇故事，并保存为《{title}》。', '请给我写个{topic}的睡前故事，标题叫《{title}》，然后保存。', '帮我创作一篇关于{topic}的故事，保存成《{title}》。'],
      slots: {
        topic: ['灯塔守护人', '迷路的机器人', '爱喝茶的龙', '两个比赛的面包师', '去火星旅行', '会说话的猫'],
        title: ['最后的灯光', '星星与铁锈', '龙的下午茶', '面包大战', '红色尘土', '小猫咪'],
      },
      generated: 'content',
      results: SAVE_RESULTS,
      answers: ['故事已经写好并保存为《{title}》。', '好了！《{title}》已保存到您的工作区。'],
    },
  },
  chains: [
    {
      query: '把{amount}{from}换成{mid}，再把结果换成{to}。',
      slots: { mid: ['EUR', 'USD', 'GBP'] },
      steps: [
        { tool: 'convert_currency', arguments: { amount: '{amount}', from: '{from}', to: '{mid}' } },
        { tool: 'convert_currency', arguments: { amount: '{$1.converted}', from: '{mid}', to: '{to}' } },
      ],
      answer: '{amount}{from}等于{$1.converted}{mid}，再换成{to}是{$2.converted}。',
    },
  ],
};
