/**
 * OpenAI's legacy completions (`POST /v1/completions`) as its API reference documents them: a
 * `text_completion` object whose choices carry `text`, `index`, `logprobs` and `finish_reason`, and
 * streams of `text_completion` objects, each with one choice's next piece of text, ending with
 * `data: [DONE]` (and, with `stream_options.include_usage`, a usage chunk with empty `choices` before it).
 */
import type { ServerResponse } from 'node:http';
import type { MockReply } from './mock-reply.js';
import { applyStopSequences, countWords, sendJson, writeMockStream } from './mock-server.js';
import { openAIError } from './openai-wire.js';

/** The fields of `POST /v1/completions`, from OpenAI's API reference. */
export const completionsFields = new Set([
  'model', 'prompt', 'best_of', 'echo', 'frequency_penalty', 'logit_bias', 'logprobs', 'max_tokens', 'n', 'presence_penalty',
  'seed', 'stop', 'stream', 'stream_options', 'suffix', 'temperature', 'top_p', 'user',
]);

/** What a completions request's `max_tokens` is when left out, per OpenAI's reference. */
const defaultMaxTokens = 16;

/** The log probabilities of a completion's words, in the legacy shape (`tokens`, `token_logprobs`, `top_logprobs`, `text_offset`). */
function completionLogprobs(text: string, top: number, offset: number) {
  const tokens = text.split(/(?<= )/).filter(Boolean);
  const textOffset: number[] = [];
  let at = offset;
  for (const token of tokens) {
    textOffset.push(at);
    at += token.length;
  }
  return {
    tokens,
    token_logprobs: tokens.map(() => -0.25),
    top_logprobs: tokens.map((token) => Object.fromEntries([[token, -0.25], ...(top > 1 ? [[`${token}?`, -2.5]] : [])].slice(0, top))),
    text_offset: textOffset,
  };
}

/** The prompts of a completions body: a string, or an array of strings or of token ids. */
function promptsOf(prompt: unknown): string[] {
  if (typeof prompt === 'string') return [prompt];
  if (Array.isArray(prompt) && prompt.every((item) => typeof item === 'string')) return prompt as string[];
  // Token ids: one prompt of that many "words" (its usage counts one token an id, as a server's tokenizer would).
  const ofIds = (ids: unknown[]) => ids.map(() => 'token').join(' ');
  const isIds = (item: unknown): item is unknown[] => Array.isArray(item) && item.length > 0 && item.every((id) => Number.isInteger(id));
  if (isIds(prompt)) return [ofIds(prompt)];
  // An array of token-id arrays: that many prompts.
  if (Array.isArray(prompt) && prompt.length > 0 && prompt.every(isIds)) return prompt.map(ofIds);
  return [];
}

/** Input for {@link answerCompletions}. */
export interface CompletionsAnswerInput {
  readonly body: Record<string, any>;
  readonly reply: MockReply;
  readonly id: string;
  readonly model: string;
}

/**
 * Answers `POST /v1/completions`: each prompt continued (the mock's text, `Mock completion of: <prompt>`,
 * cut at a stop sequence and at `max_tokens` words, 16 when left out, then `finish_reason: "length"`),
 * `n` choices per prompt; `echo` puts the prompt before the text, `logprobs` adds the legacy log
 * probabilities; usage counts every prompt's words and every choice's. `stream: true` sends each word
 * as a chunk of its own, then a chunk with the finish reason.
 */
export async function answerCompletions(res: ServerResponse, input: CompletionsAnswerInput): Promise<void> {
  const { body, reply, id, model } = input;
  const prompts = promptsOf(body.prompt);
  if (prompts.length === 0) {
    sendJson(res, 400, openAIError("Invalid type for 'prompt': expected a string or an array of strings or tokens.", 'invalid_request_error', 'invalid_type', 'prompt'));
    return;
  }
  if (body.stream === true && body.best_of != null && body.best_of > 1) {
    sendJson(res, 400, openAIError('Cannot stream results with best_of > 1.', 'invalid_request_error', null, 'best_of'));
    return;
  }
  const created = Math.floor(Date.now() / 1000);
  const n = typeof body.n === 'number' ? body.n : 1;
  const maxTokens = typeof body.max_tokens === 'number' ? body.max_tokens : defaultMaxTokens;
  const stops = typeof body.stop === 'string' ? [body.stop] : Array.isArray(body.stop) ? (body.stop as string[]) : [];
  const top = typeof body.logprobs === 'number' ? body.logprobs : undefined;
  const choices = prompts.flatMap((prompt, promptIndex) => {
    const { text: stopped } = applyStopSequences(reply.content ?? `Mock completion of: ${prompt}`, stops);
    const words = stopped.split(/(?<= )/).filter(Boolean);
    const cut = words.length > maxTokens;
    const text = cut ? words.slice(0, maxTokens).join('') : stopped;
    const finishReason = reply.finishReason ?? (cut ? 'length' : 'stop');
    return Array.from({ length: n }, (_, choice) => ({ index: promptIndex * n + choice, prompt, text, finishReason }));
  });
  const promptTokens = reply.usage?.prompt_tokens ?? Math.max(1, countWords(prompts));
  const completionTokens = reply.usage?.completion_tokens ?? choices.reduce((sum, choice) => sum + countWords(choice.text), 0);
  const usage = { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };

  if (body.stream !== true) {
    sendJson(res, reply.status ?? 200, {
      id,
      object: 'text_completion',
      created,
      model,
      choices: choices.map((choice) => {
        const echoed = body.echo === true ? choice.prompt : '';
        return { text: `${echoed}${choice.text}`, index: choice.index, logprobs: top === undefined ? null : completionLogprobs(choice.text, top, echoed.length), finish_reason: choice.finishReason };
      }),
      usage,
    }, reply.headers);
    return;
  }

  const includeUsage = body.stream_options?.include_usage === true;
  const chunk = (choiceList: readonly unknown[], usageValue?: typeof usage) => ({
    id,
    object: 'text_completion',
    created,
    choices: choiceList,
    model,
    ...(includeUsage ? { usage: usageValue ?? null } : {}),
  });
  const events: unknown[] = [];
  const shape = reply.stream ?? {};
  for (const choice of choices) {
    if (body.echo === true) events.push(chunk([{ text: choice.prompt, index: choice.index, logprobs: null, finish_reason: null }]));
    for (const piece of shape.content ?? choice.text.split(/(?<= )/).filter(Boolean)) {
      events.push(chunk([{ text: piece, index: choice.index, logprobs: top === undefined ? null : completionLogprobs(piece, top, 0), finish_reason: null }]));
    }
    events.push(chunk([{ text: '', index: choice.index, logprobs: null, finish_reason: choice.finishReason }]));
  }
  if (includeUsage) events.push(chunk([], usage));
  res.writeHead(reply.status ?? 200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', ...reply.headers });
  await writeMockStream(res, events.map((event) => `data: ${JSON.stringify(event)}\n\n`), shape, {
    errorEvent: `data: ${JSON.stringify(openAIError('The server had an error while processing your request.', 'server_error'))}\n\n`,
    end: 'data: [DONE]\n\n',
  });
}
