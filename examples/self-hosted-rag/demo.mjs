// `npm start`: the composition of tollgate.config.yaml run end to end, offline. The testkit's OpenAI
// mock stands in for the vLLM server (chat, embeddings, rerank and completions, as vLLM serves them)
// and its Anthropic mock for Claude; the gateway starts on the example's own config, and six scenes
// show what it does. With a real GPU server and an Anthropic key, `npm run serve` runs the same config.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { pino } from 'pino';
import { startServer } from '@tollgate/server';
import { createMockAnthropic, createMockOpenAI } from '@tollgate/testkit';

const here = dirname(fileURLToPath(import.meta.url));
const keys = { master: 'sk-demo-master-key-00000001', supportBot: 'sk-demo-support-bot-000001', editor: 'sk-demo-editor-keys-0000001', anthropic: 'sk-ant-demo-0000000000000' };
const manual = [
  'To reset a router, hold its reset button for ten seconds.',
  'Invoices are sent on the first day of each month.',
  'The router reset restores the factory Wi-Fi password printed on its label.',
  'Our office is closed on public holidays.',
];

/** Runs the six scenes and returns what each showed; `say` narrates. */
export async function runDemo(say = (line) => console.log(line)) {
  const gpu = await createMockOpenAI();
  const claude = await createMockAnthropic({ apiKey: keys.anthropic });
  const folder = await mkdtemp(join(tmpdir(), 'tollgate-example-'));
  const server = await startServer({
    configFile: join(here, 'tollgate.config.yaml'),
    cwd: here,
    port: 0,
    logger: pino({ enabled: false }),
    env: { ...process.env, GPU_URL: gpu.baseURL, ANTHROPIC_URL: claude.url, ANTHROPIC_API_KEY: keys.anthropic, TOLLGATE_MASTER_KEY: keys.master, SUPPORT_BOT_KEY: keys.supportBot, EDITOR_KEY: keys.editor, TOLLGATE_DB: join(folder, 'tollgate.sqlite') },
  });
  // The support bot names the customer it answers for on every call.
  const bot = (customer) => new OpenAI({ baseURL: `${server.url}/v1`, apiKey: keys.supportBot, maxRetries: 0, defaultHeaders: { 'x-tollgate-tags': `customer:${customer}` } });
  const editor = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: keys.editor, maxRetries: 0 });
  const results = {};
  try {
    say(`Gateway on ${server.url}; GPU server mock ${gpu.baseURL}; Claude mock ${claude.url}\n`);

    say("1. A customer asks the support bot; it embeds the question, reranks the manual's passages and answers from the best.");
    const question = 'How do I reset my router?';
    const acme = bot('acme');
    const embedded = await acme.embeddings.create({ model: 'embed', input: [question, ...manual] }).withResponse();
    const ranked = await acme.post('/rerank', { body: { model: 'rerank', query: question, documents: manual, top_n: 2 } }).withResponse();
    const context = ranked.data.results.map((result) => manual[result.index]);
    const answer = await acme.chat.completions.create({ model: 'answer', messages: [{ role: 'system', content: `Answer from: ${context.join(' ')}` }, { role: 'user', content: question }] }).withResponse();
    results.vectors = embedded.data.data.length;
    results.bestPassages = ranked.data.results.map((result) => result.index);
    results.answeredBy = answer.response.headers.get('x-tollgate-provider');
    results.gpuPaths = gpu.requests.map((request) => request.path);
    // What each call cost, as the gateway says with every whole answer.
    results.stepCosts = [embedded, ranked, answer].map(({ response }) => Number(response.headers.get('x-tollgate-cost')));
    say(`   ${results.vectors} vectors; best passages ${JSON.stringify(results.bestPassages)}; answered by ${results.answeredBy}`);
    say(`   calls to the GPU server: ${results.gpuPaths.join(', ')}`);
    say(`   cost of each step (x-tollgate-cost): ${results.stepCosts.map((cost) => `$${cost}`).join(', ')}\n`);

    say('2. The GPU server is overloaded (503): the next answer comes from Claude, the pipeline unchanged.');
    gpu.enqueue({ status: 503, error: { message: 'The model is overloaded.', type: 'server_error' } });
    const fallback = await bot('globex').chat.completions.create({ model: 'answer', messages: [{ role: 'user', content: 'When are invoices sent?' }] }).withResponse();
    results.fallbackProvider = fallback.response.headers.get('x-tollgate-provider');
    results.fallbackAttempts = Number(fallback.response.headers.get('x-tollgate-attempts'));
    say(`   answered by ${results.fallbackProvider} after ${results.fallbackAttempts} attempts\n`);

    say("3. An editor's tab completion: the code before and after the cursor reach the code model as sent.");
    gpu.reset();
    const completion = await editor.completions.create({ model: 'coder', prompt: 'def reset_router(router):\n    ', suffix: '\n    return router', max_tokens: 32, temperature: 0 });
    results.completionPath = gpu.requests[0].path;
    results.suffixSent = gpu.requests[0].body.suffix;
    results.completionObject = completion.object;
    say(`   ${results.completionPath} with suffix ${JSON.stringify(results.suffixSent)}; answer a ${completion.object}\n`);

    say('4. A streamed answer has no cost header (its headers leave first): the bot looks it up afterwards.');
    const stream = await acme.chat.completions.create({ model: 'answer', stream: true, messages: [{ role: 'user', content: 'Summarise the manual.' }] }).withResponse();
    for await (const chunk of stream.data) void chunk;
    const generation = await acme.get('/generation', { query: { id: stream.response.headers.get('x-request-id') } });
    results.streamCost = generation.data.total_cost;
    results.streamTokens = [generation.data.tokens_prompt, generation.data.tokens_completion];
    say(`   GET /v1/generation: $${results.streamCost} for ${results.streamTokens[0]} + ${results.streamTokens[1]} tokens, streamed: ${generation.data.streamed}\n`);

    say('5. A trial customer is capped at a cent a month (a budget on its tag): a request that could cost more is refused before any call.');
    const trial = bot('trial');
    const refused = await trial.chat.completions.create({ model: 'answer', messages: [{ role: 'user', content: 'Write me an essay.' }] }).catch((error) => error);
    results.trialRefused = { status: refused.status, code: refused.code };
    say(`   without max_tokens: ${refused.status} ${refused.code}: ${refused.message}`);
    const bounded = await trial.chat.completions.create({ model: 'answer', max_tokens: 100, messages: [{ role: 'user', content: 'Where is my invoice?' }] }).withResponse();
    results.trialBoundedCost = Number(bounded.response.headers.get('x-tollgate-cost'));
    say(`   with max_tokens 100 (at most $0.0015 even on Claude): answered, cost $${results.trialBoundedCost}\n`);

    say('6. What it cost, by tag: per project (the keys\' tags) and per customer (the bot\'s).');
    // The ledger writes in batches: ask until every request is in (two seconds at most).
    for (let attempt = 0; attempt < 40; attempt += 1) {
      const spend = await fetch(`${server.url}/admin/spend?group_by=tag`, { headers: { authorization: `Bearer ${keys.master}` } }).then((response) => response.json());
      results.spendByTag = Object.fromEntries(spend.data.map((row) => [row.group, { requests: row.requests, cost_usd: row.cost_usd }]));
      if (results.spendByTag['project:support-bot']?.requests === 7 && results.spendByTag['project:autocomplete']?.requests === 1) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    for (const [tag, { requests, cost_usd }] of Object.entries(results.spendByTag)) say(`   ${tag}: ${requests} requests, $${cost_usd}`);
    return results;
  } finally {
    await server.close();
    await gpu.close();
    await claude.close();
    await rm(folder, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await runDemo();
