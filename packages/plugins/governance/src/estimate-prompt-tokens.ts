import { countPromptTokens, type ModelRequest, type Operation } from '@tollgate/core';
import { TokenCountCache } from './token-count-cache.js';

/** This process's counts of long texts: a conversation's earlier turns are counted once. */
const cache = new TokenCountCache();
const countTokens = (text: string): number => cache.count(text);

/**
 * The prompt tokens of a request (see `countPromptTokens`), each text counted with the o200k tokenizer
 * (`gpt-tokenizer`). Exact for recent OpenAI models, an estimate for others (the plugin adds a
 * margin). Long texts' counts are remembered (see {@link TokenCountCache}), so an agent's growing
 * conversation costs only its new messages.
 */
export function estimatePromptTokens(request: ModelRequest, operation: Operation): number {
  return countPromptTokens(request, operation, countTokens);
}
