import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMockAnthropic, createMockBedrock, createMockGemini, type MockAnthropic, type MockBedrock, type MockGemini } from '@tollgate/testkit';
import type { RunningServer } from '../src/index.js';
import { masterKey, startQuietServer, testAwsCredentials } from './support/start-test-gateway.js';

// What OpenAI's API takes and chat clients send — an empty user message or part, an empty system
// prompt, an assistant turn of blank lines, a conversation a chat UI's greeting begins — Claude,
// Converse and Gemini refuse with a 400 each (the mocks refuse in their words). Translated, they go
// without the blank texts, and with a user turn before the assistant's first.

let claude: MockAnthropic;
let bedrock: MockBedrock;
let gemini: MockGemini;
let server: RunningServer;
let openai: OpenAI;

beforeAll(async () => {
  claude = await createMockAnthropic({ apiKey: 'sk-ant-upstream-0123456789' });
  bedrock = await createMockBedrock({ region: 'us-west-2', credentials: testAwsCredentials });
  gemini = await createMockGemini({ apiKey: 'AIzaSy-upstream-0123456789' });
  server = await startQuietServer({
    plugins: ['@tollgate/provider-anthropic', '@tollgate/provider-bedrock', '@tollgate/provider-gemini'],
    auth: { masterKey },
    providers: {
      claude: { type: 'anthropic', baseURL: claude.baseURL, apiKey: 'sk-ant-upstream-0123456789' },
      aws: { type: 'bedrock', region: 'us-west-2', baseURL: bedrock.baseURL, credentials: testAwsCredentials },
      google: { type: 'gemini', baseURL: gemini.baseURL, apiKey: 'AIzaSy-upstream-0123456789' },
    },
    routing: { retries: { maxRetries: 0 } },
    models: { sonnet: { target: 'claude/claude-sonnet-4-5' }, 'bedrock-sonnet': { target: 'aws/anthropic.claude-sonnet-4-5-20250929-v1:0' }, flash: { target: 'google/gemini-2.5-flash' } },
  });
  openai = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: masterKey, maxRetries: 0 });
});

afterAll(async () => {
  await server.close();
  await Promise.all([claude.close(), bedrock.close(), gemini.close()]);
});

beforeEach(() => {
  claude.reset();
  bedrock.reset();
  gemini.reset();
});

type Messages = OpenAI.ChatCompletionMessageParam[];
const conversations: Record<string, Messages> = {
  'an empty user message': [{ role: 'user', content: '' }, { role: 'assistant', content: 'Hello.' }, { role: 'user', content: 'Go on.' }],
  'an empty part': [{ role: 'user', content: [{ type: 'text', text: '' }, { type: 'text', text: 'Go on.' }] }],
  'an empty system prompt': [{ role: 'system', content: '' }, { role: 'user', content: 'Go on.' }],
  'an assistant turn of blank lines': [{ role: 'user', content: 'A?' }, { role: 'assistant', content: '\n\n' }, { role: 'user', content: 'B?' }],
  "a chat UI's greeting first": [{ role: 'system', content: 'Be kind.' }, { role: 'assistant', content: 'Hi! How can I help?' }, { role: 'user', content: 'What is 2+2?' }],
};

describe('blank texts and a conversation the assistant began', () => {
  for (const [name, messages] of Object.entries(conversations)) {
    it(`${name}: Claude, Claude on Bedrock and Gemini answer`, async () => {
      for (const model of ['sonnet', 'bedrock-sonnet', 'flash']) {
        const answer = await openai.chat.completions.create({ model, messages });
        expect(answer.choices[0]?.finish_reason, `${model}`).toBe('stop');
      }
    });
  }

  it('what each upstream gets: no blank text, a user turn first', async () => {
    const messages = conversations["a chat UI's greeting first"]!;
    await openai.chat.completions.create({ model: 'sonnet', messages });
    await openai.chat.completions.create({ model: 'bedrock-sonnet', messages });
    expect(claude.requests[0]?.body).toMatchObject({ system: 'Be kind.', messages: [{ role: 'user', content: '.' }, { role: 'assistant', content: 'Hi! How can I help?' }, { role: 'user', content: 'What is 2+2?' }] });
    expect(bedrock.requests[0]?.body).toMatchObject({ messages: [{ role: 'user', content: [{ text: '.' }] }, { role: 'assistant' }, { role: 'user' }] });

    await openai.chat.completions.create({ model: 'sonnet', messages: conversations['an empty part']! });
    expect((claude.requests[1]?.body as { messages: unknown[] }).messages).toEqual([{ role: 'user', content: 'Go on.' }]);
    await openai.chat.completions.create({ model: 'flash', messages: conversations['an empty user message']! });
    // The empty user message left out: a user turn before the model's.
    expect((gemini.requests[0]?.body as { contents: unknown[] }).contents).toEqual([{ role: 'user', parts: [{ text: '.' }] }, { role: 'model', parts: [{ text: 'Hello.' }] }, { role: 'user', parts: [{ text: 'Go on.' }] }]);
  });
});
