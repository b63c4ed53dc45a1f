/** A request the mock received, kept for assertions on what the gateway sent upstream. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The body as text, exactly as received. */
  readonly bodyText: string;
  /** The body's bytes, exactly as received (a multipart form's audio is not text). */
  readonly bodyBytes: Buffer;
  /** The body parsed as JSON, when it is JSON. */
  readonly body: any;
  /** `Date.now()` when the request arrived. */
  readonly receivedAt: number;
  /** True when the client closed the connection before the answer was complete. */
  aborted: boolean;
  /** `Date.now()` when the connection closed (completed or aborted). */
  closedAt: number | undefined;
}
