import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMockAnthropic, createMockBedrock, createMockGemini, createMockOpenAI, type MockAnthropic, type MockBedrock, type MockGemini, type MockOpenAI } from '@tollgate/testkit';
import { createLogger, startServer, type RunningServer } from '../src/index.js';
import { LogCapture, masterKey, serverPackageDirectory, testAwsCredentials } from './support/start-test-gateway.js';

// An agent tuned once — a temperature, penalties, logprobs, stop sequences, an effort in its own
// client's terms — sent through one gateway to every model: each refuses what it does not take with a
// 400 (OpenAI's reasoning models a temperature but 1, `stop` before GPT-5.5, an effort they do not
// define; Gemini 2.5 and later any penalty; Claude on Bedrock a temperature with thinking on, or with
// `top_p` from 4.1 on), so in a fallback group one such setting fails the whole request. The gateway
// fits the request to the model, and applies the stop sequences the model does not take to its answer.

const azureKey = 'azure-upstream-key-0123456789';
const geminiKey = 'AIzaSy-upstream-0123456789';
let gemini: MockGemini;
let bedrock: MockBedrock;
let openaiAPI: MockOpenAI;
let azure: MockOpenAI;
let claude: MockAnthropic;
let server: RunningServer;
let openai: OpenAI;
let anthropic: Anthropic;
const logs = new LogCapture();

beforeAll(async () => {
  openaiAPI = await createMockOpenAI({ refuseUnknownFields: true });
  azure = await createMockOpenAI({ flavor: 'azure', apiKey: azureKey });
  claude = await createMockAnthropic({ apiKey: 'sk-ant-upstream-0123456789' });
  gemini = await createMockGemini({ apiKey: geminiKey });
  bedrock = await createMockBedrock({ region: 'us-west-2', credentials: testAwsCredentials });
  server = await startServer({ cwd: serverPackageDirectory, port: 0, logger: createLogger({ level: 'debug', destination: logs }), config: {
    plugins: ['@tollgate/provider-openai', '@tollgate/provider-azure-openai', '@tollgate/provider-anthropic', '@tollgate/provider-gemini', '@tollgate/provider-bedrock'],
    auth: { masterKey },
    providers: {
      openai: { type: 'openai', baseURL: openaiAPI.baseURL, apiKey: 'sk-openai-upstream-0000', priceProvider: 'openai' },
      azure: { type: 'azure-openai', endpoint: azure.url, apiKey: azureKey, maxCompletionTokensDeployments: ['team-thinker'] },
      claude: { type: 'anthropic', baseURL: claude.baseURL, apiKey: 'sk-ant-upstream-0123456789' },
      google: { type: 'gemini', baseURL: gemini.baseURL, apiKey: geminiKey },
      aws: { type: 'bedrock', region: 'us-west-2', baseURL: bedrock.baseURL, credentials: testAwsCredentials },
    },
    routing: { retries: { maxRetries: 0 }, cooldown: false },
    models: {
      'gpt-4o': { target: 'openai/gpt-4o' },
      'gpt-5': { target: 'openai/gpt-5' },
      'gpt-5.1': { target: 'openai/gpt-5.1' },
      'gpt-5.5': { target: 'openai/gpt-5.5' },
      'gpt-5-chat': { target: 'openai/gpt-5-chat-latest' },
      o3: { target: 'openai/o3' },
      'gpt-5-codex': { target: 'openai/gpt-5-codex' },
      sonnet: { target: 'claude/claude-sonnet-4-5' },
      'azure-mini': { target: 'azure/gpt-5-mini' },
      'azure-thinker': { target: 'azure/team-thinker' },
      'gemini-2.0': { target: 'google/gemini-2.0-flash' },
      'gemini-2.5': { target: 'google/gemini-2.5-flash' },
      'bedrock-sonnet-4.5': { target: 'aws/us.anthropic.claude-sonnet-4-5-20250929-v1:0' },
      'bedrock-sonnet-4': { target: 'aws/anthropic.claude-sonnet-4-20250514-v1:0' },
      // Claude on Bedrock first; Gemini 2.5 when it is down.
      'claude-then-gemini': { targets: ['aws/us.anthropic.claude-sonnet-4-5-20250929-v1:0', 'google/gemini-2.5-flash'] },
      // GPT-4o first; GPT-5 when it is down.
      'gpt-4o-then-gpt-5': { targets: ['openai/gpt-4o', 'openai/gpt-5'] },
      // GPT-5 first; GPT-4o when it is down.
      'gpt-5-then-gpt-4o': { targets: ['openai/gpt-5', 'openai/gpt-4o'] },
    },
  } });
  openai = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: masterKey, maxRetries: 0 });
  anthropic = new Anthropic({ baseURL: server.url, apiKey: masterKey, maxRetries: 0 });
});

afterAll(async () => {
  await server.close();
  await Promise.all([openaiAPI.close(), azure.close(), claude.close(), gemini.close(), bedrock.close()]);
});

beforeEach(() => {
  openaiAPI.reset();
  azure.reset();
  claude.reset();
  gemini.reset();
  bedrock.reset();
});

const question = [{ role: 'user' as const, content: 'What does a.ts export?' }];
/** What an agent tuned for GPT-4o sends with every request. */
const tuned = { temperature: 0.2, top_p: 0.9, presence_penalty: 0.5, frequency_penalty: 0.3, logprobs: true, top_logprobs: 2, logit_bias: { '1734': -100 } };
const samplingFields = Object.keys(tuned);
const overloaded = { status: 503, error: { message: 'The server is overloaded.', type: 'server_error' } };

describe('sampling settings a reasoning model refuses', () => {
  it('an agent tuned for GPT-4o reaches GPT-5 without them, and GPT-4o with them all', async () => {
    openaiAPI.enqueue({ content: 'It exports nothing.' });
    const answer = await openai.chat.completions.create({ model: 'gpt-5', messages: question, ...tuned });
    expect(answer.choices[0]?.message.content).toBe('It exports nothing.');
    for (const field of samplingFields) expect(openaiAPI.requests[0]?.body).not.toHaveProperty(field);

    await openai.chat.completions.create({ model: 'gpt-4o', messages: question, ...tuned });
    expect(openaiAPI.requests[1]?.body).toMatchObject(tuned);
  });

  it('in a group, GPT-4o down: the request goes on to GPT-5 fitted to it', async () => {
    openaiAPI.enqueue(overloaded, { content: 'It exports nothing.' });
    const answer = await openai.chat.completions.create({ model: 'gpt-4o-then-gpt-5', messages: question, ...tuned, stream: true, stream_options: { include_usage: true } });
    let text = '';
    for await (const chunk of answer) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('It exports nothing.');
    expect(openaiAPI.requests.map((request) => (request.body as { model: string }).model)).toEqual(['gpt-4o', 'gpt-5']);
    expect(openaiAPI.requests[0]?.body).toMatchObject({ temperature: 0.2 });
    expect(openaiAPI.requests[1]?.body).not.toHaveProperty('temperature');
  });

  it('GPT-5.1 samples as asked when it does not reason (its default), not when it reasons', async () => {
    await openai.chat.completions.create({ model: 'gpt-5.1', messages: question, temperature: 0.3, top_p: 0.8, presence_penalty: 0.5 });
    expect(openaiAPI.requests[0]?.body).toMatchObject({ temperature: 0.3, top_p: 0.8 });
    expect(openaiAPI.requests[0]?.body).not.toHaveProperty('presence_penalty');

    await openai.chat.completions.create({ model: 'gpt-5.1', messages: question, temperature: 0.3, reasoning_effort: 'high' });
    expect(openaiAPI.requests[1]?.body).toMatchObject({ reasoning_effort: 'high' });
    expect(openaiAPI.requests[1]?.body).not.toHaveProperty('temperature');
  });

  it('gpt-5-chat-latest does not reason: it keeps its sampling settings and gets no effort', async () => {
    await openai.chat.completions.create({ model: 'gpt-5-chat', messages: question, temperature: 0.3, reasoning_effort: 'high' });
    expect(openaiAPI.requests[0]?.body).toMatchObject({ model: 'gpt-5-chat-latest', temperature: 0.3 });
    expect(openaiAPI.requests[0]?.body).not.toHaveProperty('reasoning_effort');
  });

  it('an Azure deployment named after a reasoning model, and one listed as reasoning, get none of them', async () => {
    await openai.chat.completions.create({ model: 'azure-mini', messages: question, temperature: 0.2, stop: ['END'] });
    await openai.chat.completions.create({ model: 'azure-thinker', messages: question, temperature: 0.2, reasoning_effort: 'minimal' });
    expect(azure.requests[0]?.path).toContain('/deployments/gpt-5-mini/');
    expect(azure.requests[0]?.body).not.toHaveProperty('temperature');
    expect(azure.requests[0]?.body).not.toHaveProperty('stop');
    expect(azure.requests[1]?.body).not.toHaveProperty('temperature');
    expect(azure.requests[1]?.body).toMatchObject({ reasoning_effort: 'low' });
  });

  it('notes once, at debug level, what a model did not take', async () => {
    await openai.chat.completions.create({ model: 'o3', messages: question, temperature: 0.7 });
    await openai.chat.completions.create({ model: 'o3', messages: question, temperature: 0.7 });
    const notes = logs.lines.filter((line) => line.field === 'temperature (o3)');
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ level: 20 });
    expect(String(notes[0]?.msg)).toContain('does not take');
  });
});

describe('the effort asked for, as the nearest the model takes', () => {
  const effortSent = (index: number) => (openaiAPI.requests[index]?.body as { reasoning_effort?: string }).reasoning_effort;

  it('OpenAI clients: minimal on o3 is low, none on GPT-5 minimal, xhigh on GPT-5.1 high, minimal on GPT-5.1 low', async () => {
    await openai.chat.completions.create({ model: 'o3', messages: question, reasoning_effort: 'minimal' });
    await openai.chat.completions.create({ model: 'gpt-5', messages: question, reasoning_effort: 'none' });
    await openai.chat.completions.create({ model: 'gpt-5.1', messages: question, reasoning_effort: 'xhigh' as 'high' });
    await openai.chat.completions.create({ model: 'gpt-5.1', messages: question, reasoning_effort: 'minimal' });
    await openai.chat.completions.create({ model: 'gpt-5', messages: question, reasoning_effort: 'minimal' });
    expect([0, 1, 2, 3, 4].map(effortSent)).toEqual(['low', 'minimal', 'high', 'low', 'minimal']);
  });

  it("OpenRouter's object and Anthropic's thinking: their effort fitted, the object itself never sent", async () => {
    await openai.chat.completions.create({ model: 'o3', messages: question, reasoning: { effort: 'xhigh' } } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming);
    await openai.chat.completions.create({ model: 'gpt-5', messages: question, reasoning: { enabled: false } } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming);
    await openai.chat.completions.create({ model: 'gpt-5', messages: question, thinking: { type: 'disabled' } } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming);
    expect([0, 1, 2].map(effortSent)).toEqual(['high', 'minimal', 'minimal']);
    for (const request of openaiAPI.requests) {
      expect(request.body).not.toHaveProperty('reasoning');
      expect(request.body).not.toHaveProperty('thinking');
    }
  });

  it('a Claude Code turn with thinking off reaches GPT-5 at its least effort', async () => {
    const answer = await anthropic.messages.create({ model: 'gpt-5', max_tokens: 1024, messages: question, thinking: { type: 'disabled' } });
    expect(answer.content[0]).toMatchObject({ type: 'text' });
    expect(effortSent(0)).toBe('minimal');
  });

  it('in a group, GPT-5 down: its effort is not sent to GPT-4o, which takes none', async () => {
    openaiAPI.enqueue(overloaded, { content: 'It exports nothing.' });
    const answer = await openai.chat.completions.create({ model: 'gpt-5-then-gpt-4o', messages: question, reasoning_effort: 'high' });
    expect(answer.choices[0]?.message.content).toBe('It exports nothing.');
    expect(openaiAPI.requests[0]?.body).toMatchObject({ model: 'gpt-5', reasoning_effort: 'high' });
    expect(openaiAPI.requests[1]?.body).toMatchObject({ model: 'gpt-4o' });
    expect(openaiAPI.requests[1]?.body).not.toHaveProperty('reasoning_effort');
  });
});

describe('stop sequences a model does not take, applied by the gateway', () => {
  // A ReAct agent stops the model before it invents the tool's observation.
  const react = [{ role: 'user' as const, content: 'What does a.ts export? Think, then act.' }];
  const invented = 'Thought: I should read it.\nAction: read a.ts\nObservation: it exports nothing.';

  it('GPT-5: the answer ends before the first stop sequence, finished for stop; its usage whole', async () => {
    openaiAPI.enqueue({ content: invented, usage: { prompt_tokens: 12, completion_tokens: 20 } });
    const answer = await openai.chat.completions.create({ model: 'gpt-5', messages: react, stop: ['Observation:', 'Final Answer:'] });
    expect(openaiAPI.requests[0]?.body).not.toHaveProperty('stop');
    expect(answer.choices[0]?.message.content).toBe('Thought: I should read it.\nAction: read a.ts\n');
    expect(answer.choices[0]?.finish_reason).toBe('stop');
    expect(answer.usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 20 });
  });

  it('streamed: the text passes as it comes, a piece that may begin a stop sequence held until the next says, and the stream ends at it', async () => {
    openaiAPI.enqueue({ stream: { content: ['Thought: read it.\n', 'Action: read a.ts\nObs', 'erv', 'ation: it exports nothing.', ' Final'] }, usage: { prompt_tokens: 12, completion_tokens: 20 } });
    const stream = await openai.chat.completions.create({ model: 'gpt-5', messages: react, stop: 'Observation:', stream: true, stream_options: { include_usage: true } });
    const pieces: string[] = [];
    const finishes: (string | null)[] = [];
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) pieces.push(chunk.choices[0].delta.content);
      if (chunk.choices[0]?.finish_reason) finishes.push(chunk.choices[0].finish_reason);
      usage ??= chunk.usage;
    }
    expect(openaiAPI.requests[0]?.body).not.toHaveProperty('stop');
    expect(pieces.join('')).toBe('Thought: read it.\nAction: read a.ts\n');
    // The first piece went on at once; `Obs` was held, and what came after the stop sequence never went.
    expect(pieces[0]).toBe('Thought: read it.\n');
    expect(finishes).toEqual(['stop']);
    expect(usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 20 });
  });

  it('a text that only looks like the start of one goes on whole', async () => {
    openaiAPI.enqueue({ stream: { content: ['Observe', ' the tests.'] } });
    const stream = await openai.chat.completions.create({ model: 'o3', messages: react, stop: ['Observation:'], stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('Observe the tests.');
  });

  it("an Anthropic client's stop sequences on GPT-5: its answer says which ended it, whole and streamed", async () => {
    openaiAPI.enqueue({ content: invented }, { stream: { content: ['Thought: read it.\nObs', 'ervation: it exports nothing.'] } });
    const whole = await anthropic.messages.create({ model: 'gpt-5', max_tokens: 1024, messages: react, stop_sequences: ['Observation:'] });
    expect(whole).toMatchObject({ stop_reason: 'stop_sequence', stop_sequence: 'Observation:', content: [{ type: 'text', text: 'Thought: I should read it.\nAction: read a.ts\n' }] });
    const streamed = await anthropic.messages.stream({ model: 'gpt-5', max_tokens: 1024, messages: react, stop_sequences: ['Observation:'] }).finalMessage();
    expect(streamed).toMatchObject({ stop_reason: 'stop_sequence', stop_sequence: 'Observation:', content: [{ type: 'text', text: 'Thought: read it.\n' }] });
  });

  it("Claude's own stop sequence, translated for a chat client, as vLLM reports one (stop_reason)", async () => {
    claude.enqueue({ content: invented }, { content: invented });
    const whole = await openai.chat.completions.create({ model: 'sonnet', messages: react, stop: ['Observation:'] });
    expect(whole.choices[0]).toMatchObject({ finish_reason: 'stop', stop_reason: 'Observation:' });
    const stream = await openai.chat.completions.create({ model: 'sonnet', messages: react, stop: ['Observation:'], stream: true });
    const finishes: unknown[] = [];
    for await (const chunk of stream) if (chunk.choices[0]?.finish_reason) finishes.push(chunk.choices[0]);
    expect(finishes).toMatchObject([{ finish_reason: 'stop', stop_reason: 'Observation:' }]);
  });

  it('more stop sequences than OpenAI takes (4): GPT-4o gets the first four, the gateway applies the rest', async () => {
    openaiAPI.enqueue({ content: 'Thought: read it.\nResult: none.\nObservation: it exports nothing.' });
    const stop = ['<|end|>', '</answer>', 'Human:', 'User:', 'Result:', 'Observation:'];
    const answer = await openai.chat.completions.create({ model: 'gpt-4o', messages: react, stop });
    expect(openaiAPI.requests[0]?.body).toMatchObject({ stop: stop.slice(0, 4) });
    expect(answer.choices[0]).toMatchObject({ finish_reason: 'stop', stop_reason: 'Result:', message: { content: 'Thought: read it.\n' } });
  });

  it('GPT-5.5 takes stop sequences: they go upstream as sent', async () => {
    openaiAPI.enqueue({ content: 'Thought: I should read it.' });
    await openai.chat.completions.create({ model: 'gpt-5.5', messages: react, stop: ['Observation:'], temperature: 0.2 });
    expect(openaiAPI.requests[0]?.body).toMatchObject({ stop: ['Observation:'], temperature: 0.2 });
  });

  it('a Codex model (the Responses API, which has none): its answer cut by the gateway, its sampling settings left out', async () => {
    openaiAPI.enqueue({ content: invented });
    const answer = await openai.chat.completions.create({ model: 'gpt-5-codex', messages: react, stop: ['Observation:'], temperature: 0.2 });
    expect(openaiAPI.requests[0]?.path).toBe('/v1/responses');
    expect(openaiAPI.requests[0]?.body).not.toHaveProperty('temperature');
    expect(answer.choices[0]?.message.content).toBe('Thought: I should read it.\nAction: read a.ts\n');
    expect(answer.choices[0]?.finish_reason).toBe('stop');
  });
});

describe("Gemini's and Claude's on Bedrock", () => {
  const generationConfig = (index: number) => (gemini.requests[index]?.body as { generationConfig?: Record<string, unknown> }).generationConfig;
  const inferenceConfig = (index: number) => (bedrock.requests[index]?.body as { inferenceConfig?: Record<string, unknown> }).inferenceConfig;

  it('Gemini 2.5 gets no penalties (it refuses any); Gemini 2.0 gets them', async () => {
    gemini.enqueue({ content: 'It exports nothing.' });
    const answer = await openai.chat.completions.create({ model: 'gemini-2.5', messages: question, temperature: 0.2, presence_penalty: 0.5, frequency_penalty: 0.3 });
    expect(answer.choices[0]?.message.content).toBe('It exports nothing.');
    expect(generationConfig(0)).toMatchObject({ temperature: 0.2 });
    expect(generationConfig(0)).not.toHaveProperty('presencePenalty');
    expect(generationConfig(0)).not.toHaveProperty('frequencyPenalty');

    await openai.chat.completions.create({ model: 'gemini-2.0', messages: question, presence_penalty: 0.5, frequency_penalty: 0.3 });
    expect(generationConfig(1)).toMatchObject({ presencePenalty: 0.5, frequencyPenalty: 0.3 });
  });

  it('Claude Sonnet 4.5 on Bedrock: a temperature or a top_p, not both (the temperature kept); Sonnet 4 takes both', async () => {
    await openai.chat.completions.create({ model: 'bedrock-sonnet-4.5', messages: question, temperature: 0.2, top_p: 0.9 });
    expect(inferenceConfig(0)).toMatchObject({ temperature: 0.2 });
    expect(inferenceConfig(0)).not.toHaveProperty('topP');
    await openai.chat.completions.create({ model: 'bedrock-sonnet-4', messages: question, temperature: 0.2, top_p: 0.9 });
    expect(inferenceConfig(1)).toMatchObject({ temperature: 0.2, topP: 0.9 });
  });

  it('Claude on Bedrock thinking: the tuned temperature and top_p left out, the thinking kept', async () => {
    const answer = await openai.chat.completions.create({ model: 'bedrock-sonnet-4', messages: question, temperature: 0.2, top_p: 0.9, max_tokens: 8000, reasoning_effort: 'low' });
    expect(answer.choices[0]?.finish_reason).toBe('stop');
    expect(bedrock.requests[0]?.body).toMatchObject({ additionalModelRequestFields: { thinking: { type: 'enabled', budget_tokens: 2048 } } });
    expect(inferenceConfig(0)).toEqual({ maxTokens: 8000 });
  });

  it('in a group, Claude on Bedrock down: the agent tuned for it goes on on Gemini 2.5', async () => {
    bedrock.enqueue({ error: { type: 'ServiceUnavailableException', message: 'Bedrock is unable to process your request.' } });
    gemini.enqueue({ content: 'It exports nothing.' });
    const answer = await openai.chat.completions.create({ model: 'claude-then-gemini', messages: question, temperature: 0.2, top_p: 0.9, presence_penalty: 0.4 });
    expect(answer.choices[0]?.message.content).toBe('It exports nothing.');
    expect(inferenceConfig(0)).toEqual({ temperature: 0.2 });
    expect(generationConfig(0)).toEqual({ temperature: 0.2, topP: 0.9 });
  });
});
