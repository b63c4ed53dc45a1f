import { GatewayError, type ChatCompletionChunk, type ChatCompletionResponse, type GatewayContext, type PluginApi } from '@tollgate/core';
import { applyGuard } from './apply-guard.js';
import { guardrailApplies, type GuardrailScope } from './guardrail-scope.js';
import { StreamTextFilter } from './stream-text-filter.js';
import type { GuardAction, TextGuard, TextMatch } from './text-guard.js';
import { mapEmbeddingText, mapModerationText, mapRequestText, mapRerankText, mapResponseText, reasoningTexts, toolArgumentTexts } from './walk-text.js';

/** How a text guardrail is wired: its name, detector, actions, scope and directions. */
export interface TextGuardrailOptions {
  /** Shown in `x-tollgate-guardrails`, the ledger row, logs and block messages. */
  readonly name: string;
  readonly guard: TextGuard;
  readonly actionOf: (category: string) => GuardAction;
  /** The text a redacted match becomes; `index` counts the request's redactions of the category. */
  readonly placeholder: (match: TextMatch, index: number) => string;
  readonly scope: GuardrailScope;
  /** How a block message names a category (`a US social security number`); default: `content of category "x"`. */
  readonly describe?: (category: string) => string;
  /** Guard requests before they leave (default true). */
  readonly requests?: boolean;
  /** Guard answers, whole and streamed (default true). */
  readonly responses?: boolean;
  /** Put the originals back where the answer repeats a request's placeholder. */
  readonly restore?: boolean;
  /** Characters a stream holds back to catch a match split across chunks (default: the guard's longest match). */
  readonly holdback?: number;
}

/** Per-request state: placeholders handed out (for restoring), the stream filter, and each choice's last reasoning characters. */
interface GuardState {
  readonly originals: Map<string, string>;
  readonly counts: Map<string, number>;
  filter: StreamTextFilter | undefined;
  /** The end of each streamed choice's reasoning so far, to catch a match split across chunks. */
  reasoningTails: Map<string | number, string> | undefined;
  /** The end of each streamed tool call's arguments so far (keyed `choice:call`), likewise. */
  toolArgumentTails: Map<string | number, string> | undefined;
}

function blockedError(name: string, match: TextMatch, where: 'request' | 'answer', param: string | undefined, describe: ((category: string) => string) | undefined): GatewayError {
  const what = describe?.(match.category) ?? `content of category "${match.category}"`;
  return new GatewayError('TOLLGATE_GUARDRAIL_BLOCKED', `Guardrail "${name}" blocked the ${where}: it contains ${what} (${match.category}).`, param === undefined ? {} : { param });
}

/**
 * Wires a text guard into a plugin: `transform.request` guards the request's texts before they leave
 * — a chat request's messages (in the client's own wire where its bytes go upstream, so a redaction
 * keeps Claude Code's cache marks and thinking blocks, Codex's reasoning items), an embeddings
 * request's `input` strings (token ids have no text to read), a rerank request's query and documents, an image request's prompt, a moderation request's input texts, a transcription request's prompt (not its audio), the text a speech request reads aloud — redacting, blocking with 400 `guardrail_blocked` naming the category (never the value), or
 * logging; `transform.response` the answer, `transform.chunk` a streamed answer (holding back
 * enough text to catch a match split across chunks). A model's reasoning (Claude's thinking, OpenAI's
 * summaries) and its tool calls' arguments are read, whole and streamed, but never rewritten — the
 * one may be signed, the other is JSON a tool parses: a match to block blocks the answer (a stream
 * ends before the chunk that completes it), any other is logged. Notes the guardrail on the request
 * (`x-tollgate-guardrails`, the ledger row) wherever it applies.
 */
export function useTextGuardrail(api: PluginApi, options: TextGuardrailOptions): void {
  const states = new WeakMap<GatewayContext, GuardState>();
  const stateOf = (context: GatewayContext): GuardState => {
    let state = states.get(context);
    if (state === undefined) states.set(context, (state = { originals: new Map(), counts: new Map(), filter: undefined, reasoningTails: undefined, toolArgumentTails: undefined }));
    return state;
  };
  const holdback = options.holdback ?? options.guard.maxMatchLength;
  const log = (context: GatewayContext, where: string, matches: readonly TextMatch[], action: string) => {
    if (matches.length > 0) api.logger.info({ requestId: context.requestId, guardrail: options.name, where, action, categories: [...new Set(matches.map((match) => match.category))] }, 'guardrail matched');
  };
  const guardText = (context: GatewayContext, text: string, where: 'request' | 'answer'): string => {
    const state = stateOf(context);
    const outcome = applyGuard(text, options.guard, options.actionOf, (match, original) => {
      const index = (state.counts.get(match.category) ?? 0) + 1;
      state.counts.set(match.category, index);
      const placeholder = options.placeholder(match, index);
      if (where === 'request') state.originals.set(placeholder, original);
      return placeholder;
    });
    if (outcome.blocked !== undefined) {
      log(context, where, [outcome.blocked], 'block');
      const param = where === 'answer' ? undefined : context.operation === 'embeddings' || context.operation === 'moderations' || context.operation === 'speech' ? 'input' : context.operation === 'rerank' ? undefined : context.operation === 'images' || context.operation === 'transcriptions' ? 'prompt' : 'messages';
      throw blockedError(options.name, outcome.blocked, where, param, options.describe);
    }
    log(context, where, outcome.redacted, 'redact');
    log(context, where, outcome.logged, 'log');
    return outcome.text;
  };
  /**
   * Checks a part of the answer that is not rewritten — a model's reasoning (it may be signed), a tool
   * call's arguments (JSON a tool will parse): a `block` match blocks the answer, any other is logged.
   * `from` is where new text starts (a stream's text before it was checked).
   */
  const checkUnrewritten = (context: GatewayContext, where: 'answer reasoning' | 'answer tool call', text: string, from = 0): void => {
    const matches = options.guard.find(text).filter((match) => match.end > from);
    const blocked = matches.find((match) => options.actionOf(match.category) === 'block');
    if (blocked !== undefined) {
      log(context, where, [blocked], 'block');
      throw blockedError(options.name, blocked, 'answer', undefined, options.describe);
    }
    log(context, where, matches, 'log');
  };
  /** Checks the new `pieces` of a streamed part, with the end of what came before it as `tails.get(key)`. */
  const checkStreamed = (context: GatewayContext, where: 'answer reasoning' | 'answer tool call', tails: Map<string | number, string>, key: string | number, pieces: string): void => {
    const tail = tails.get(key) ?? '';
    const window = tail + pieces;
    checkUnrewritten(context, where, window, tail.length);
    tails.set(key, window.slice(-Math.max(0, holdback - 1)));
  };
  const restore = (context: GatewayContext, text: string): string => {
    const originals = states.get(context)?.originals;
    if (!options.restore || originals === undefined || originals.size === 0) return text;
    let restored = text;
    for (const [placeholder, original] of originals) restored = restored.replaceAll(placeholder, original);
    // The answer now holds this caller's own values: no cache may hand it to another caller.
    if (restored !== text) context.markAnswerPrivate();
    return restored;
  };

  // A request out of scope: the answer hooks have nothing to do, so it may pass through as the upstream's bytes.
  const leaveUnread = (context: GatewayContext) => {
    if (options.responses !== false) context.leaveAnswerUnread(api);
  };
  if (options.requests !== false) {
    api.addHook('transform.request', (context) => {
      if (!guardrailApplies(context, options.scope)) {
        leaveUnread(context);
        return undefined;
      }
      context.noteGuardrail(options.name);
      const guard = (text: string) => guardText(context, text, 'request');
      if (context.operation === 'embeddings') {
        const guarded = mapEmbeddingText(context.request, guard);
        if (guarded !== context.request) context.replaceRequest(guarded);
      } else if (context.operation === 'rerank') {
        const guarded = mapRerankText(context.request, guard);
        if (guarded !== context.request) context.replaceRequest(guarded);
      } else if (context.operation === 'moderations') {
        const guarded = mapModerationText(context.request, guard);
        if (guarded !== context.request) context.replaceRequest(guarded);
      } else if (context.operation === 'transcriptions') {
        // The audio has no text to read; its prompt (a vocabulary, the previous segment) does.
        const prompt = context.request.prompt;
        const guarded = typeof prompt === 'string' ? guard(prompt) : prompt;
        if (guarded !== prompt) context.replaceRequest({ ...context.request, prompt: guarded });
      } else if (context.operation === 'speech') {
        const input = guard(context.request.input);
        if (input !== context.request.input) context.replaceRequest({ ...context.request, input });
      } else if (context.operation === 'images') {
        const prompt = guard(context.request.prompt);
        if (prompt !== context.request.prompt) context.replaceRequest({ ...context.request, prompt });
      } else if (context.rewriteClientTexts(guard) === undefined) {
        // The client's wire is the canonical one (or its bytes already gave way): guard the canonical request.
        const guarded = mapRequestText(context.request, guard);
        if (guarded !== context.request) context.replaceRequest(guarded);
      }
      return undefined;
    });
  } else if (options.responses !== false && options.scope !== undefined) {
    api.addHook('transform.request', (context) => {
      if (!guardrailApplies(context, options.scope)) leaveUnread(context);
      return undefined;
    });
  }
  if (options.responses !== false) {
    api.addHook('transform.response', (context, response) => {
      if (context.operation !== 'chat' || !guardrailApplies(context, options.scope)) return undefined;
      context.noteGuardrail(options.name);
      for (const choice of (response as ChatCompletionResponse).choices) {
        for (const text of reasoningTexts(choice.message)) checkUnrewritten(context, 'answer reasoning', text);
        for (const call of toolArgumentTexts(choice.message)) checkUnrewritten(context, 'answer tool call', call.text);
      }
      const guarded = mapResponseText(response as ChatCompletionResponse, (text) => restore(context, guardText(context, text, 'answer')));
      return guarded === response ? undefined : guarded;
    });
    api.addHook('transform.chunk', (context, chunk): ChatCompletionChunk | undefined => {
      if (!guardrailApplies(context, options.scope)) return undefined;
      const state = stateOf(context);
      state.filter ??= new StreamTextFilter(holdback, (text) => options.guard.find(text), (text) => restore(context, guardText(context, text, 'answer')));
      if (chunk.choices.length === 0) return undefined;
      for (const choice of chunk.choices) {
        const pieces = reasoningTexts(choice.delta);
        if (pieces.length > 0) checkStreamed(context, 'answer reasoning', (state.reasoningTails ??= new Map()), choice.index, pieces.join(''));
        for (const call of toolArgumentTexts(choice.delta)) checkStreamed(context, 'answer tool call', (state.toolArgumentTails ??= new Map()), `${choice.index}:${call.index}`, call.text);
      }
      let changed = false;
      const choices = chunk.choices.map((choice) => {
        const text = typeof choice.delta.content === 'string' ? choice.delta.content : '';
        // The text ends where the choice finishes or a tool call starts: what is held back goes out
        // ahead of the call, so the answer keeps its order (Claude's text block before its tool_use).
        const textEnds = choice.finish_reason !== null || (choice.delta.tool_calls?.length ?? 0) > 0;
        if (text === '' && !textEnds) return choice;
        const released = state.filter!.push(choice.index, text, textEnds);
        if (released === text) return choice;
        changed = true;
        return { ...choice, delta: { ...choice.delta, content: released } };
      });
      return changed ? { ...chunk, choices } : undefined;
    });
  }
}
