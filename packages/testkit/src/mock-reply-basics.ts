/** What every mock's programmed reply can set, whatever the wire: status, headers, timing, a raw body. */
export interface MockReplyBasics {
  /** HTTP status; with `error`, it defaults by the error. */
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** Milliseconds to wait before sending headers. */
  readonly delayMs?: number;
  /** Never answer (until the client gives up). */
  readonly hang?: boolean;
  /** Answer with this JSON body instead of the default. */
  readonly body?: unknown;
}
