/** OpenAI's error `type` values, as clients switch on them. */
export type OpenAIErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'rate_limit_error'
  | 'insufficient_quota'
  | 'api_error'
  | 'server_error'
  | 'timeout_error'
  | 'upstream_error';

/** What every error code carries: its HTTP status, OpenAI type, whether a retry can help, and a hint. */
export interface ErrorCatalogEntry {
  readonly status: number;
  readonly type: OpenAIErrorType;
  readonly retryable: boolean;
  /** What the caller (or operator) can do about it. */
  readonly hint: string;
}

/**
 * Every permanent error code Tollgate emits. Codes never change meaning once released; new ones are
 * added at the end of their group. On the wire the code is sent lower-cased without the prefix
 * (`TOLLGATE_MODEL_NOT_FOUND` → `model_not_found`), which matches OpenAI's own codes where they overlap.
 */
export const errorCatalog = {
  // Bad input from the client.
  TOLLGATE_INVALID_JSON: { status: 400, type: 'invalid_request_error', retryable: false, hint: 'Send a valid JSON body.' },
  TOLLGATE_INVALID_REQUEST: { status: 400, type: 'invalid_request_error', retryable: false, hint: 'Fix the field named in `param` and send the request again.' },
  TOLLGATE_UNSUPPORTED_OPERATION: { status: 400, type: 'invalid_request_error', retryable: false, hint: 'Route this model to a provider that supports the operation.' },
  TOLLGATE_NOT_FOUND: { status: 404, type: 'not_found_error', retryable: false, hint: 'Check the path; see the documentation for the routes Tollgate serves.' },
  TOLLGATE_METHOD_NOT_ALLOWED: { status: 405, type: 'invalid_request_error', retryable: false, hint: 'Use the HTTP method the route documents.' },
  TOLLGATE_PAYLOAD_TOO_LARGE: { status: 413, type: 'invalid_request_error', retryable: false, hint: 'Send a smaller body, or raise `server.bodyLimit` in the config.' },
  TOLLGATE_UNSUPPORTED_MEDIA_TYPE: { status: 415, type: 'invalid_request_error', retryable: false, hint: 'Send the body with `content-type: application/json`.' },
  // Who is calling.
  TOLLGATE_MISSING_API_KEY: { status: 401, type: 'authentication_error', retryable: false, hint: 'Send a key as `Authorization: Bearer <key>` (or `x-api-key`).' },
  TOLLGATE_INVALID_API_KEY: { status: 401, type: 'authentication_error', retryable: false, hint: 'Check the key; ask the gateway operator for a valid one.' },
  TOLLGATE_MODEL_NOT_ALLOWED: { status: 403, type: 'permission_error', retryable: false, hint: 'Use a model this key may call, or ask the operator to allow it.' },
  TOLLGATE_ADMIN_ONLY: { status: 403, type: 'permission_error', retryable: false, hint: 'The admin API takes the master key only.' },
  TOLLGATE_ROUTING_CONTROL_NOT_ALLOWED: { status: 403, type: 'permission_error', retryable: false, hint: 'Drop the x-tollgate-* routing headers, or ask the operator to set `routingControl: true` on the key.' },
  TOLLGATE_ORIGIN_NOT_ALLOWED: { status: 403, type: 'permission_error', retryable: false, hint: 'Call from a page on an origin listed in `server.cors.origins`, or ask the operator to add yours.' },
  // Governance: virtual keys and budgets.
  TOLLGATE_BUDGET_EXCEEDED: { status: 429, type: 'insufficient_quota', retryable: false, hint: 'The budget named in the message has no room for this request until it resets; lower max_tokens or ask the operator to raise the budget.' },
  TOLLGATE_RATE_LIMIT_EXCEEDED: { status: 429, type: 'rate_limit_error', retryable: true, hint: 'Wait for `retry-after` seconds; the message names the limit and the `x-ratelimit-*` headers show where it stands.' },
  TOLLGATE_RATE_LIMIT_STORE_UNAVAILABLE: { status: 503, type: 'server_error', retryable: true, hint: 'The shared rate-limit store (Redis) is unreachable and the gateway is set to refuse then (`onError: reject`); retry shortly.' },
  TOLLGATE_GOVERNANCE_STORE_UNAVAILABLE: { status: 503, type: 'server_error', retryable: true, hint: 'The key and budget store is unreachable; budgets are hard, so requests that need it are refused until it is back. Retry shortly.' },
  TOLLGATE_PRICE_UNKNOWN: { status: 403, type: 'permission_error', retryable: false, hint: 'A budget applies but the model has no known price; the operator must add one (pricing overrides) before budgeted keys can call it.' },
  TOLLGATE_BUDGET_UNCOUNTABLE: { status: 400, type: 'invalid_request_error', retryable: false, hint: 'A budget applies, and the request holds input whose tokens cannot be counted before the call: a conversation the upstream stores (previous_response_id, conversation), a file it fetches (a document by URL, a file by id), or a PDF whose pages cannot be read. Send the whole conversation in `input` (with `store: false`), and files inline.' },
  TOLLGATE_RESPONSE_NOT_FOUND: { status: 404, type: 'invalid_request_error', retryable: false, hint: 'The response is not kept for this key: unknown, past its retention, deleted, made with `store: false` or by another key. Continue a conversation with the key that made it, or send it whole in `input`.' },
  // Guardrails.
  TOLLGATE_GUARDRAIL_BLOCKED: { status: 400, type: 'invalid_request_error', retryable: false, hint: 'A guardrail refused the content; the message names the guardrail and the category (never the value). Remove it and send again.' },
  TOLLGATE_GUARDRAIL_UNAVAILABLE: { status: 503, type: 'server_error', retryable: true, hint: 'A guardrail that fails closed could not reach its service in time; retry shortly.' },
  // Routing.
  TOLLGATE_MODEL_NOT_FOUND: { status: 404, type: 'invalid_request_error', retryable: false, hint: 'Use a model listed by GET /v1/models, or add it under `models` in the config.' },
  TOLLGATE_NO_HEALTHY_TARGET: { status: 503, type: 'server_error', retryable: true, hint: 'Every target of the model is cooling down after repeated failures; retry after `retry-after`, or add a target to the group.' },
  TOLLGATE_TARGETS_AT_QUOTA: { status: 429, type: 'rate_limit_error', retryable: true, hint: 'Every target of the model has used its `rpm` or `tpm` quota for this minute (on this instance, or every instance\'s with `@tollgate/limits-redis`); retry after `retry-after`, or add a target to the group.' },
  // Upstream failures.
  TOLLGATE_PROVIDER_ERROR: { status: 502, type: 'upstream_error', retryable: false, hint: 'See the provider\'s message; the status is the provider\'s where it is meaningful to the client.' },
  TOLLGATE_UPSTREAM_UNREACHABLE: { status: 502, type: 'upstream_error', retryable: true, hint: 'Check that the provider\'s baseURL is reachable from the gateway.' },
  TOLLGATE_UPSTREAM_INVALID_RESPONSE: { status: 502, type: 'upstream_error', retryable: true, hint: 'The provider answered something that is not its documented format; check its baseURL and version.' },
  TOLLGATE_UPSTREAM_STREAM_TRUNCATED: { status: 502, type: 'upstream_error', retryable: true, hint: 'The provider ended the stream early; retry the request.' },
  TOLLGATE_UPSTREAM_CONNECT_TIMEOUT: { status: 504, type: 'timeout_error', retryable: true, hint: 'The provider did not accept a connection in time; raise `timeouts.connectMs` or check the network.' },
  TOLLGATE_UPSTREAM_FIRST_BYTE_TIMEOUT: { status: 504, type: 'timeout_error', retryable: true, hint: 'The provider did not start answering in time; raise `timeouts.firstByteMs`.' },
  TOLLGATE_UPSTREAM_IDLE_TIMEOUT: { status: 504, type: 'timeout_error', retryable: true, hint: 'The provider stopped sending in the middle of an answer; raise `timeouts.idleMs`.' },
  TOLLGATE_UPSTREAM_TOTAL_TIMEOUT: { status: 504, type: 'timeout_error', retryable: true, hint: 'The answer took longer than `timeouts.totalMs` in all.' },
  // The request's own life.
  TOLLGATE_CLIENT_CLOSED_REQUEST: { status: 499, type: 'invalid_request_error', retryable: false, hint: 'The client went away before the answer was complete.' },
  TOLLGATE_SHUTTING_DOWN: { status: 503, type: 'server_error', retryable: true, hint: 'This instance is draining; retry on another instance.' },
  TOLLGATE_INTERNAL: { status: 500, type: 'server_error', retryable: false, hint: 'An unexpected error; the gateway log has the details under this request id.' },
  // Startup.
  TOLLGATE_CONFIG_INVALID: { status: 500, type: 'server_error', retryable: false, hint: 'Fix each listed config path; `tollgate check` validates without starting.' },
  TOLLGATE_PLUGIN_INVALID: { status: 500, type: 'server_error', retryable: false, hint: 'The plugin does not export a `definePlugin(...)` result; check its name and version.' },
} as const satisfies Record<string, ErrorCatalogEntry>;

/** A permanent Tollgate error code. */
export type ErrorCode = keyof typeof errorCatalog;
