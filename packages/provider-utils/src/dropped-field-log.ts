import type { ChatCompletionRequest, Logger } from '@tollgate/core';

/**
 * Logs, at debug level and once per field for the life of a provider instance, the OpenAI request
 * fields a provider drops because its upstream has no equivalent (or, with `dropParams`, does not take). `stream_options` is
 * never logged: the gateway itself sets it.
 */
export class DroppedFieldLog {
  readonly #fields: readonly string[];
  readonly #logger: Logger;
  readonly #message: string;
  readonly #logged = new Set<string>();

  /** `upstream` names the wire in the message (`Anthropic`, `Gemini`, `Converse`); `message` replaces it whole. */
  constructor(fields: readonly string[], logger: Logger, upstream: string, message = `OpenAI request field has no ${upstream} equivalent; dropped`) {
    this.#fields = fields.filter((field) => field !== 'stream_options');
    this.#logger = logger;
    this.#message = message;
  }

  /** Notes the fields of `request` that will be dropped. */
  check(request: ChatCompletionRequest): void {
    for (const field of this.#fields) {
      if (request[field] !== undefined) this.note(field);
    }
  }

  /** Notes one field that will be dropped (logged the first time only). */
  note(field: string): void {
    if (this.#logged.has(field)) return;
    this.#logged.add(field);
    this.#logger.debug({ field }, this.#message);
  }
}
