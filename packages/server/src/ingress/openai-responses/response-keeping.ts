import type { Logger, Principal, ResponseStore, StoredResponse } from '@tollgate/core';
import type { BodyWithFallbacks } from '../../http/take-fallback-models.js';

/** Turns a conversation is read back through at most (a chain longer than this is cut at its oldest turns). */
const maxTurns = 1_000;

/** A Responses request's `input` as items: a text is one user message. */
function inputItems(input: unknown): unknown[] {
  if (typeof input === 'string') return [{ type: 'message', role: 'user', content: input }];
  return Array.isArray(input) ? input : [];
}

/** An input item as the input items list gives it: with an id, a message's text as an `input_text` part. */
function asListedItem(item: unknown, fallbackId: string): Record<string, unknown> {
  const fields = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
  const type = fields.type ?? 'message';
  const content = type === 'message' && typeof fields.content === 'string' ? [{ type: fields.role === 'assistant' ? 'output_text' : 'input_text', text: fields.content }] : fields.content;
  return { ...fields, id: typeof fields.id === 'string' ? fields.id : fallbackId, type, ...(content === undefined ? {} : { content }) };
}

/**
 * Keeps the Responses API turns the gateway answers in a {@link ResponseStore}, so a request can
 * continue one by `previous_response_id` whatever model answers it — a self-hosted model, Claude,
 * one of OpenRouter's — as OpenAI's own API lets its own models do. Each turn keeps its own input and
 * output items; a continued request gets the whole conversation before its own input, and goes on
 * as if its client had sent it all (`instructions` are not carried over, as OpenAI does not).
 */
export class ResponseKeeping {
  readonly #store: ResponseStore;
  readonly #logger: Logger;

  constructor(store: ResponseStore, logger: Logger) {
    this.#store = store;
    this.#logger = logger;
  }

  /**
   * The body with the conversation `previous_response_id` names before its own input, when the store
   * keeps it for this caller's key; undefined otherwise (OpenAI's own id, which only OpenAI's
   * Responses API can continue, or none).
   */
  async expand(body: BodyWithFallbacks, principal: Principal): Promise<BodyWithFallbacks | undefined> {
    const request = body.value as Record<string, unknown>;
    const previousId = request.previous_response_id;
    if (typeof previousId !== 'string') return undefined;
    const conversation = await this.#conversation(previousId, principal.keyId);
    if (conversation === undefined) return undefined;
    const { previous_response_id: _previous, ...rest } = request;
    const value = { ...rest, input: [...conversation, ...inputItems(request.input)] };
    return { value, raw: Buffer.from(JSON.stringify(value)), ...(body.fallbackModels === undefined ? {} : { fallbackModels: body.fallbackModels }) };
  }

  /**
   * Keeps a turn the gateway answered (`response`, the Responses object the client got) unless its
   * request said `store: false` or it failed; a failure to keep it is logged, never the client's.
   */
  async keep(request: Readonly<Record<string, unknown>>, response: Readonly<Record<string, unknown>>, principal: Principal | undefined): Promise<void> {
    if (request.store === false || typeof response.id !== 'string' || response.status === 'failed') return;
    const previousId = typeof request.previous_response_id === 'string' ? request.previous_response_id : undefined;
    try {
      await this.#store.save({
        id: response.id,
        ownerKeyId: principal?.keyId,
        previousResponseId: previousId,
        createdAt: Date.now(),
        input: inputItems(request.input),
        output: Array.isArray(response.output) ? response.output : [],
        response,
      });
    } catch (error) {
      this.#logger.error({ err: error, responseId: response.id }, 'a Responses API turn could not be kept: previous_response_id will not find it');
    }
  }

  /** The stored response a key may read, or undefined (unknown, expired, deleted, another key's). */
  async load(id: string, principal: Principal): Promise<Readonly<Record<string, unknown>> | undefined> {
    return (await this.#owned(id, principal))?.response as Record<string, unknown> | undefined;
  }

  /**
   * The items a kept response was made from, oldest first — every earlier turn's input and output and
   * its own input — each with an id (`msg_…_in<n>` for an item sent without one); undefined when the
   * key may not read it.
   */
  async inputItems(id: string, principal: Principal): Promise<Record<string, unknown>[] | undefined> {
    const turn = await this.#owned(id, principal);
    if (turn === undefined) return undefined;
    const earlier = turn.previousResponseId === undefined ? [] : ((await this.#conversation(turn.previousResponseId, principal.keyId)) ?? []);
    const stem = id.replace(/^resp_/, '');
    return [...earlier, ...turn.input].map((item, index) => asListedItem(item, `msg_${stem}_in${index}`));
  }

  /** Forgets a response a key may read; whether there was one. */
  async delete(id: string, principal: Principal): Promise<boolean> {
    return (await this.load(id, principal)) !== undefined && this.#store.delete(id);
  }

  /** A kept turn of this caller's key; undefined when unknown or another key's. */
  async #owned(id: string, principal: Principal): Promise<StoredResponse | undefined> {
    const turn = await this.#store.load(id);
    return turn?.ownerKeyId === principal.keyId ? turn : undefined;
  }

  /** A kept conversation's items up to and including turn `id`, oldest first; undefined when the store has no such turn of this key. */
  async #conversation(id: string, ownerKeyId: string | undefined): Promise<unknown[] | undefined> {
    const turns: unknown[][] = [];
    let next: string | undefined = id;
    while (next !== undefined && turns.length < maxTurns) {
      const turn: StoredResponse | undefined = await this.#store.load(next);
      if (turn === undefined || turn.ownerKeyId !== ownerKeyId) {
        // The named turn must be there; an older one gone (expired) ends the conversation there.
        if (turns.length === 0) return undefined;
        break;
      }
      turns.push([...turn.input, ...turn.output]);
      next = turn.previousResponseId;
    }
    return turns.reverse().flat();
  }
}
