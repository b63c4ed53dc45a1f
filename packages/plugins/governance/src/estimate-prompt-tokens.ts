import { countPromptTokens, type CountOtherPart, type ModelRequest, type Operation } from '@tollgate/core';
import { fileInputTokens } from './file-input-tokens.js';
import { TokenCountCache } from './token-count-cache.js';

/** What a PDF page may cost a model to read by default: Anthropic's 3,000 tokens of text at most a page, and ~1,600 for the page as a picture. */
export const defaultPdfPageTokens = 4_600;

/** This process's counts of long texts: a conversation's earlier turns are counted once. */
const cache = new TokenCountCache();
const countTokens = (text: string): number => cache.count(text);

/**
 * The prompt tokens of a request (see `countPromptTokens`), each text counted with the o200k tokenizer
 * (`gpt-tokenizer`). Exact for recent OpenAI models, an estimate for others (the plugin adds a
 * margin); inline files as `countFiles` says (by default, a PDF as its pages times
 * {@link defaultPdfPageTokens}, a text file as its text: see {@link fileInputTokens}). Long texts' counts are remembered (see {@link TokenCountCache}), so an agent's growing
 * conversation costs only its new messages.
 */
export function estimatePromptTokens(request: ModelRequest, operation: Operation, countFiles: CountOtherPart = countFilesByDefault): number {
  return countPromptTokens(request, operation, countTokens, countFiles);
}

/** Counts inline files for {@link estimatePromptTokens}, a PDF page as `pdfPageTokens`; made once, where the option is read. */
export function fileTokenCounter(pdfPageTokens: number): CountOtherPart {
  return fileInputTokens(pdfPageTokens, countTokens);
}

const countFilesByDefault = fileTokenCounter(defaultPdfPageTokens);
