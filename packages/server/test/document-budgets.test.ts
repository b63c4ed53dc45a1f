import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mockPdf, pngOfSize } from '@tollgate/testkit';
import type { RunningServer } from '../src/index.js';
import { startClaudeAndGptMocks, startPricedGateway } from './support/claude-and-gpt-mocks.js';
import { createBudgetedKey } from './support/create-budgeted-key.js';
import { LogCapture, masterKey, temporaryDatabasePath } from './support/start-test-gateway.js';

// A model reads each page of a PDF as text and as a picture: Anthropic bills 1,500–3,000 tokens of text
// a page and up to ~1,600 for the picture, whatever the file's size. A budget holds an inline PDF at its
// pages (4,600 tokens each by default), an inline image at its size, and refuses what it cannot count:
// a PDF whose pages it cannot read, a document the upstream fetches by URL or file id.

const { claude, gpt } = await startClaudeAndGptMocks();
const logs = new LogCapture();
let server: RunningServer;

beforeAll(async () => {
  server = await startPricedGateway(logs, { claude, gpt }, {
    databasePath: await temporaryDatabasePath('tollgate-document-budgets'),
    flushIntervalMs: 20,
    // OpenAI's own API (its price provider says so): GPT-4o mini bills an image at up to 48,169 tokens.
    providers: { openai: { type: 'openai', baseURL: gpt.baseURL, apiKey: 'sk-openai-upstream-000000', priceProvider: 'openai' } },
    models: { mini: { target: 'openai/gpt-4o-mini' } },
    prices: { 'openai/gpt-4o-mini': { input: 1, output: 2 } },
  });
});

afterAll(async () => {
  await server.close();
});

const base64 = (pdf: Buffer) => pdf.toString('base64');
const pdfBlock = (pdf: Buffer) => ({ type: 'document' as const, source: { type: 'base64' as const, media_type: 'application/pdf' as const, data: base64(pdf) } });

describe('a budget holds an inline PDF at its pages', () => {
  it('refuses a small file of many pages a budget cannot cover, and admits one of few pages, from an Anthropic client and a chat client alike', async () => {
    // Both PDFs are a few KB: held by their bytes they would cost a fraction of a cent.
    const manyPages = mockPdf(20);
    const fewPages = mockPdf(5);
    expect(manyPages.length).toBeLessThan(4_000);
    const anthropic = new Anthropic({ baseURL: server.url, apiKey: await createBudgetedKey(server.url, 'pdf-reader', 0.05), maxRetries: 0 });
    const ask = (pdf: Buffer) => anthropic.messages.create({ model: 'sonnet', max_tokens: 100, messages: [{ role: 'user', content: [pdfBlock(pdf), { type: 'text', text: 'Summarize.' }] }] });

    // 20 pages × 4,600 tokens × the 1.15 margin at $1 per million: over $0.1058, past $0.05.
    const refused = await ask(manyPages).catch((error: unknown) => error);
    expect(refused).toMatchObject({ status: 429 });
    expect((refused as Error).message).toMatch(/may cost up to \$0\.10[6-9]\d/);
    expect(claude.requests).toHaveLength(0);

    // 5 pages: about $0.0265.
    claude.enqueue({ content: 'A short report.', usage: { input_tokens: 11_500, output_tokens: 5 } });
    await expect(ask(fewPages)).resolves.toMatchObject({ content: [{ type: 'text', text: 'A short report.' }] });
    expect(claude.requests[0]!.body.messages[0].content[0]).toEqual(pdfBlock(fewPages));

    // A chat client's file part to an OpenAI-format model is held alike.
    const openai = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: await createBudgetedKey(server.url, 'pdf-chat', 0.05), maxRetries: 0 });
    const file = (pdf: Buffer) => ({ type: 'file' as const, file: { filename: 'report.pdf', file_data: `data:application/pdf;base64,${base64(pdf)}` } });
    const chatRefused = await openai.chat.completions.create({ model: 'llama', max_tokens: 100, messages: [{ role: 'user', content: [file(manyPages), { type: 'text', text: 'Summarize.' }] }] }).catch((error: unknown) => error);
    expect(chatRefused).toMatchObject({ status: 429, code: 'budget_exceeded' });
    await expect(openai.chat.completions.create({ model: 'llama', max_tokens: 100, messages: [{ role: 'user', content: [file(fewPages), { type: 'text', text: 'Summarize.' }] }] })).resolves.toMatchObject({ object: 'chat.completion' });
    expect(gpt.requests).toHaveLength(1);
  });

  it('holds an image sent as data by its size: a 12-megapixel photo at what the newest models bill for one, a small screenshot at 1,500 tokens', async () => {
    const anthropic = new Anthropic({ baseURL: server.url, apiKey: await createBudgetedKey(server.url, 'photo-reader', 0.01), maxRetries: 0 });
    const image = (width: number, height: number) => ({ type: 'image' as const, source: { type: 'base64' as const, media_type: 'image/png' as const, data: Buffer.from(pngOfSize(width, height)).toString('base64') } });
    const ask = (width: number, height: number) => anthropic.messages.create({ model: 'sonnet', max_tokens: 100, messages: [{ role: 'user', content: [image(width, height), { type: 'text', text: 'Describe.' }] }] });
    // 12,000,000 pixels ÷ 720 = 16,667 tokens × the 1.15 margin at $1 per million: over $0.019, past $0.01.
    const refused = await ask(4_000, 3_000).catch((error: unknown) => error);
    expect(refused).toMatchObject({ status: 429 });
    expect((refused as Error).message).toMatch(/may cost up to \$0\.019\d/);
    expect(claude.requests).toHaveLength(0);
    await expect(ask(1_280, 800)).resolves.toMatchObject({ type: 'message' });
    expect(claude.requests).toHaveLength(1);
  });

  it('holds every image at what GPT-4o mini may bill for one (2,833 tokens and 5,667 a tile, priced to match GPT-4o\'s images), by URL too', async () => {
    const openai = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: await createBudgetedKey(server.url, 'mini-vision', 0.05), maxRetries: 0 });
    const ask = (model: string, url: string) => openai.chat.completions.create({ model, max_tokens: 10, messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url } }, { type: 'text', text: 'What is it?' }] }] });
    // 48,169 tokens × the 1.15 margin at $1 per million: over $0.055, past $0.05; at the pixel rule's 1,500, $0.0017.
    const refused = await ask('mini', 'https://example.com/cat.jpg').catch((error: unknown) => error);
    expect(refused).toMatchObject({ status: 429, code: 'budget_exceeded' });
    expect((refused as Error).message).toMatch(/may cost up to \$0\.055\d/);
    expect(gpt.requests).toHaveLength(0);
    // The same image to a model without such a rule (the team's Llama, at the same price) is held at 1,500.
    await expect(ask('llama', 'https://example.com/cat.jpg')).resolves.toMatchObject({ object: 'chat.completion' });
  });

  it('refuses, for a budgeted key, a PDF whose pages it cannot read and a document the upstream fetches; passes them on for a key without a budget', async () => {
    const anthropic = new Anthropic({ baseURL: server.url, apiKey: await createBudgetedKey(server.url, 'pdf-unreadable', 10), maxRetries: 0 });
    const unreadable = pdfBlock(mockPdf(5, { layout: 'hex-object-stream' }));
    const byURL = { type: 'document' as const, source: { type: 'url' as const, url: 'https://example.com/annual-report.pdf' } };
    for (const [document, message] of [
      [unreadable, /holds a PDF whose pages this gateway cannot count/],
      [byURL, /holds a document by URL, which the upstream fetches: its tokens cannot be counted before the call/],
    ] as const) {
      const refused = await anthropic.messages.create({ model: 'sonnet', max_tokens: 100, messages: [{ role: 'user', content: [document, { type: 'text', text: 'Summarize.' }] }] }).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(Anthropic.BadRequestError);
      expect((refused as Error).message).toMatch(message);
    }
    const openai = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: await createBudgetedKey(server.url, 'file-by-id', 10), maxRetries: 0 });
    const byId = await openai.chat.completions.create({ model: 'llama', messages: [{ role: 'user', content: [{ type: 'file', file: { file_id: 'file-abc123' } }] }] }).catch((error: unknown) => error);
    expect(byId).toMatchObject({ status: 400, code: 'budget_uncountable' });
    expect((byId as Error).message).toMatch(/holds a file by `file_id`, which the upstream fetches/);
    // OpenRouter takes a PDF's URL in `file_data`: fetched all the same.
    const byURLData = await openai.chat.completions.create({ model: 'llama', messages: [{ role: 'user', content: [{ type: 'file', file: { filename: 'a.pdf', file_data: 'https://example.com/a.pdf' } }] }] }).catch((error: unknown) => error);
    expect(byURLData).toMatchObject({ status: 400, code: 'budget_uncountable' });
    expect((byURLData as Error).message).toMatch(/holds a file by URL/);
    expect(claude.requests).toHaveLength(0);
    expect(gpt.requests).toHaveLength(0);

    // Without a budget nothing is held: the document goes to Claude as sent.
    const unbudgeted = new Anthropic({ baseURL: server.url, apiKey: masterKey, maxRetries: 0 });
    await unbudgeted.messages.create({ model: 'sonnet', max_tokens: 100, messages: [{ role: 'user', content: [byURL, { type: 'text', text: 'Summarize.' }] }] });
    expect(claude.requests[0]!.body.messages[0].content[0]).toEqual(byURL);
  });
});
