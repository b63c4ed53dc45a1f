import { countPromptTokens, type CountPart, type ModelRequest, type Operation } from '@tollgate/core';
import { inlineInputTokens, type InlineInputCosts } from './inline-input-tokens.js';
import { TokenCountCache } from './token-count-cache.js';

/**
 * What inline content costs at the dearest by default: a PDF page 4,600 tokens (Anthropic's 3,000
 * tokens of text at most a page, ~1,600 for the page as a picture), an image one token per 720 pixels
 * (a 12-megapixel photo ~17,000 tokens, above what the newest GPT models bill for one at `auto` detail).
 */
export const defaultInlineInputCosts: InlineInputCosts = { pdfPageTokens: 4_600, imagePixelsPerToken: 720 };

/** This process's counts of long texts: a conversation's earlier turns are counted once. */
const cache = new TokenCountCache();
const countTokens = (text: string): number => cache.count(text);

/**
 * The prompt tokens of a request (see `countPromptTokens`), each text counted with the o200k tokenizer
 * (`gpt-tokenizer`). Exact for recent OpenAI models, an estimate for others (the plugin adds a
 * margin); inline content as `countInline` says (by default, as {@link defaultInlineInputCosts}:
 * see {@link inlineInputTokens}). Long texts' counts are remembered (see {@link TokenCountCache}), so an agent's growing
 * conversation costs only its new messages.
 */
export function estimatePromptTokens(request: ModelRequest, operation: Operation, countInline: CountPart = countInlineByDefault): number {
  return countPromptTokens(request, operation, countTokens, countInline);
}

/** Counts inline content for {@link estimatePromptTokens} at `costs`; made once, where the options are read. */
export function inlineTokenCounter(costs: InlineInputCosts): CountPart {
  return inlineInputTokens(costs, countTokens);
}

const countInlineByDefault = inlineTokenCounter(defaultInlineInputCosts);
