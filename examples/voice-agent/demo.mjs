// `npm start`: the composition of tollgate.config.yaml run end to end, offline. The testkit's OpenAI
// mock stands in for OpenAI's API (transcription, moderation, chat and speech, as OpenAI serves them);
// the gateway starts on the example's own config, and four scenes show what it does. With an OpenAI
// key, `npm run serve` runs the same config.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import OpenAI, { toFile } from 'openai';
import { pino } from 'pino';
import { startServer } from '@tollgate/server';
import { createMockOpenAI, silentWav } from '@tollgate/testkit';

const here = dirname(fileURLToPath(import.meta.url));
const keys = { master: 'sk-demo-master-key-00000001', agent: 'sk-demo-voice-agent-000001', openai: 'sk-demo-openai-00000000001' };

/** What a streamed or audio answer cost, once the ledger has it (their headers leave before their end). */
async function costOf(agent, response) {
  const id = response.headers.get('x-request-id');
  for (let attempt = 0; attempt < 40; attempt += 1) {
    const generation = await agent.get('/generation', { query: { id } }).catch(() => undefined);
    if (generation !== undefined) return generation.data.total_cost;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no ledger row for ${id}`);
}

/** Runs the four scenes and returns what each showed; `say` narrates. */
export async function runDemo(say = (line) => console.log(line)) {
  const openai = await createMockOpenAI({ apiKey: keys.openai });
  const folder = await mkdtemp(join(tmpdir(), 'tollgate-example-'));
  const server = await startServer({
    configFile: join(here, 'tollgate.config.yaml'),
    cwd: here,
    port: 0,
    logger: pino({ enabled: false }),
    env: { ...process.env, OPENAI_URL: openai.baseURL, OPENAI_API_KEY: keys.openai, TOLLGATE_MASTER_KEY: keys.master, VOICE_AGENT_KEY: keys.agent, TOLLGATE_DB: join(folder, 'tollgate.sqlite') },
  });
  const agent = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: keys.agent, maxRetries: 0 });
  const results = {};
  try {
    say(`Gateway on ${server.url}; OpenAI mock ${openai.baseURL}\n`);

    say("1. A caller speaks: the agent streams the transcript, checks it, answers, and reads the answer aloud as it is made.");
    const heard = await agent.audio.transcriptions.create({ model: 'hear', file: await toFile(silentWav(4), 'caller.wav', { type: 'audio/wav' }), stream: true }).withResponse();
    let transcript = '';
    for await (const event of heard.data) if (event.type === 'transcript.text.delta') transcript += event.delta;
    const checked = await agent.moderations.create({ model: 'check', input: transcript }).withResponse();
    const answer = await agent.chat.completions.create({ model: 'think', messages: [{ role: 'user', content: transcript }] }).withResponse();
    const spoken = await agent.audio.speech.create({ model: 'speak', voice: 'alloy', input: answer.data.choices[0].message.content });
    let audioBytes = 0;
    for await (const piece of spoken.body) audioBytes += piece.length;
    results.transcript = transcript;
    results.flagged = checked.data.results[0].flagged;
    results.audioType = spoken.headers.get('content-type');
    results.audioBytes = audioBytes;
    results.openAIPaths = openai.requests.map((request) => request.path);
    results.stepCosts = [await costOf(agent, heard.response), Number(checked.response.headers.get('x-tollgate-cost')), Number(answer.response.headers.get('x-tollgate-cost')), await costOf(agent, spoken)];
    say(`   heard "${transcript}" (flagged: ${results.flagged}); spoke ${audioBytes} bytes of ${results.audioType}`);
    say(`   calls to OpenAI: ${results.openAIPaths.join(', ')}`);
    say(`   cost of each step (hear, check, think, speak): ${results.stepCosts.map((cost) => `$${cost}`).join(', ')}\n`);

    say('2. GPT-4o transcribe is overloaded (503): the next recording is transcribed by Whisper, billed by the second.');
    openai.enqueue({ status: 503, error: { message: 'The model is overloaded.', type: 'server_error' } });
    const fallback = await agent.audio.transcriptions.create({ model: 'hear', file: await toFile(silentWav(30), 'caller.wav', { type: 'audio/wav' }) }).withResponse();
    results.fallbackModel = fallback.response.headers.get('x-tollgate-model');
    results.fallbackCost = Number(fallback.response.headers.get('x-tollgate-cost'));
    say(`   answered by ${results.fallbackModel} after ${fallback.response.headers.get('x-tollgate-attempts')} attempts: "${fallback.data.text}", $${results.fallbackCost} for 30 seconds\n`);

    say("3. The team's budget holds before every call: a long text to read aloud could cost more than is left, and is refused before OpenAI hears of it.");
    const before = openai.requests.length;
    const refused = await agent.audio.speech.create({ model: 'speak', voice: 'alloy', input: 'A long story. '.repeat(280) }).catch((error) => error);
    results.longSpeech = { status: refused.status, code: refused.code, upstreamCalls: openai.requests.length - before };
    say(`   ${refused.status} ${refused.code}: ${refused.message}\n`);

    say("4. What the team has left today (GET /v1/key, the agent's own view).");
    const key = await agent.get('/key');
    results.budget = key.data.budgets.find((budget) => budget.scope === 'team');
    say(`   team "voice": $${results.budget.spent_usd} spent of $${results.budget.limit_usd}, $${results.budget.remaining_usd} left`);
    return results;
  } finally {
    await server.close();
    await openai.close();
    await rm(folder, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await runDemo();
