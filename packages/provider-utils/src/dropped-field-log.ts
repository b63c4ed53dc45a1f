import type { ChatCompletionRequest, Logger } from '@tollgate/core';

/**
 * Logs, at debug level and once per field for the life of a provider instance, the OpenAI request
 * fields a translating provider drops because its upstream has no equivalent. `stream_options` is
 * never logged: the gateway itself sets it.
 */
export class DroppedFieldLog {
  readonly #fields: readonly string[];
  readonly #logger: Logger;
  readonly #message: string;
  readonly #logged = new Set<string>();

  /** `upstream` names the wire in the message (`Anthropic`, `Gemini`, `Converse`). */
  constructor(fields: readonly string[], logger: Logger, upstream: string) {
    this.#fields = fields.filter((field) => field !== 'stream_options');
    this.#logger = logger;
    this.#message = `OpenAI request field has no ${upstream} equivalent; dropped`;
  }

  /** Notes the fields of `request` that will be dropped. */
  check(request: ChatCompletionRequest): void {
    for (const field of this.#fields) {
      if (request[field] !== undefined && !this.#logged.has(field)) {
        this.#logged.add(field);
        this.#logger.debug({ field }, this.#message);
      }
    }
  }
}
