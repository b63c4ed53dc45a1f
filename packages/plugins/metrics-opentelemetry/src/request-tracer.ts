import { context as otelContext, propagation, SpanKind, SpanStatusCode, trace, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { GatewayContext, HookMap } from '@tollgate/core';
import { attemptTargetAttributes, providerName, requestAttributes, responseAttributes } from './genai-attributes.js';

declare module '@tollgate/core' {
  interface ContextVariableMap {
    otelRequestSpan: Span;
  }
}

const propagator = new W3CTraceContextPropagator();

/** Reads a header the W3C propagator asks for from the client's headers. */
const headerGetter = {
  keys: (carrier: GatewayContext['headers']) => Object.keys(carrier),
  get: (carrier: GatewayContext['headers'], key: string) => carrier[key.toLowerCase()] as string | string[] | undefined,
};

/** Epoch milliseconds of a `performance.now()` timestamp of this request. */
function epoch(context: GatewayContext, at: number): number {
  return context.startedAt + (at - context.timings.receivedAt);
}

/**
 * `gen_ai.operation.name` of a request: a legacy completions client's is `text_completion`, whatever its
 * target speaks; a rerank request's `rerank` (no well-known value names it); an image request's
 * `generate_content` (the conventions' multimodal generation); a moderation request's `moderation`, a transcription's `transcription`, speech's `text_to_speech`.
 */
function operationName(context: GatewayContext): 'chat' | 'text_completion' | 'embeddings' | 'rerank' | 'generate_content' | 'moderation' | 'transcription' | 'text_to_speech' {
  if (context.operation === 'images') return 'generate_content';
  if (context.operation === 'moderations') return 'moderation';
  if (context.operation === 'transcriptions') return 'transcription';
  if (context.operation === 'speech') return 'text_to_speech';
  return context.operation !== 'chat' ? context.operation : context.ingress === 'openai-completions' ? 'text_completion' : 'chat';
}

/** The admission phases, in order, with the timing that marks each one's end. */
const admissionPhases = [
  ['tollgate.auth', 'authenticatedAt'],
  ['tollgate.route', 'routedAt'],
  ['tollgate.transform.request', 'transformedAt'],
  ['tollgate.budget.reserve', 'reservedAt'],
] as const;

/**
 * A span per admission phase the request went through, under `parent`, each from the end of the one
 * before; a phase without hooks (it ends as it starts) has none. The phase a refusal came from (the
 * first without an end, when no upstream was called) ends with the admission, as an error.
 */
function traceAdmissionPhases(tracer: Tracer, context: GatewayContext, parent: Context, admissionEnd: number): void {
  const timings = context.timings;
  let previousEnd: number | undefined;
  for (const [name, field] of admissionPhases) {
    const endedAt = timings[field];
    const startedAt = previousEnd === undefined ? context.startedAt : epoch(context, previousEnd);
    if (endedAt === undefined) {
      if (context.error !== undefined && context.attempts.length === 0) {
        const failed = tracer.startSpan(name, { startTime: startedAt }, parent);
        failed.setAttribute('error.type', context.error.wireCode);
        failed.setStatus({ code: SpanStatusCode.ERROR, message: context.error.wireCode });
        failed.end(Math.max(startedAt, admissionEnd));
      }
      return;
    }
    if (endedAt === previousEnd) continue;
    tracer.startSpan(name, { startTime: startedAt }, parent).end(epoch(context, endedAt));
    previousEnd = endedAt;
  }
}

/**
 * The tracing hooks: `route` starts the request's span (a child of the client's `traceparent`, if
 * any) and asks providers to send its trace context upstream; `log` — which every request reaches —
 * adds the GenAI attributes (the request's settings; the answer's id, finish reasons, model and
 * tokens), a span for admission with one per phase under it (auth, route, transform.request,
 * budget.reserve), one per upstream attempt (retries and fallbacks included; the one that answered
 * with the answer's attributes), and ends the request span when the answer ended.
 * Spans are built from the request's own timings, so no work runs between the hooks.
 */
export function createRequestTracer(tracer: Tracer): Pick<HookMap, 'route' | 'log'> {
  function start(context: GatewayContext): Span {
    const operation = operationName(context);
    const parent: Context = propagator.extract(otelContext.active(), context.headers, headerGetter);
    const span = tracer.startSpan(`${operation} ${context.request.model}`, { kind: SpanKind.SERVER, startTime: context.startedAt, attributes: { 'gen_ai.operation.name': operation, 'gen_ai.request.model': context.request.model } }, parent);
    context.set('otelRequestSpan', span);
    return span;
  }

  return {
    route(context) {
      const span = start(context);
      const carrier: Record<string, string> = {};
      propagator.inject(trace.setSpan(otelContext.active(), span), carrier, { set: (target, key, value) => void (target[key] = value) });
      for (const [name, value] of Object.entries(carrier)) context.setUpstreamHeader(name, value);
    },

    log(context) {
      const span = context.get('otelRequestSpan') ?? start(context);
      const operation = operationName(context);
      const principal = context.principal;
      const answer = responseAttributes(context);
      span.setAttributes({
        ...(context.target === undefined ? {} : { 'gen_ai.provider.name': providerName(context.target.provider), 'tollgate.target': context.target.id }),
        ...requestAttributes(context),
        ...answer,
        ...(context.costMicros === undefined ? {} : { 'tollgate.cost_usd': context.costMicros / 1_000_000 }),
        ...(principal === undefined ? {} : { 'tollgate.key_id': principal.keyId, ...(principal.teamId === undefined ? {} : { 'tollgate.team_id': principal.teamId }) }),
        'tollgate.request_id': context.requestId,
        ...(context.tags === undefined ? {} : { 'tollgate.tags': [...context.tags] }),
        'tollgate.stream': context.stream,
        'tollgate.attempts': context.attempts.length,
        'http.response.status_code': context.status ?? 500,
      });
      if (context.timings.firstByteAt !== undefined) span.addEvent('gen_ai.first_token', epoch(context, context.timings.firstByteAt));
      const parent = trace.setSpan(otelContext.active(), span);
      const end = epoch(context, context.timings.endedAt ?? performance.now());
      const firstAttempt = context.attempts[0];
      const admissionEnd = firstAttempt === undefined ? end : epoch(context, firstAttempt.startedAt);
      const admission = tracer.startSpan('tollgate.admission', { startTime: context.startedAt }, parent);
      traceAdmissionPhases(tracer, context, trace.setSpan(otelContext.active(), admission), admissionEnd);
      admission.end(admissionEnd);
      const attempts = context.attempts;
      for (const [index, attempt] of attempts.entries()) {
        const target = attemptTargetAttributes(context, attempt.target);
        // The attempt that answered carries what the answer says of itself, as an inference span does.
        const answered = index === attempts.length - 1 && attempt.status === 200;
        const attributes = { 'gen_ai.operation.name': operation, ...target, 'tollgate.target': attempt.target, 'tollgate.waited_ms': attempt.waitedMs, ...(attempt.status === undefined ? {} : { 'http.response.status_code': attempt.status }), ...(answered ? answer : {}) };
        // Named `{operation} {model sent upstream}`, as the GenAI conventions name an inference span.
        const child = tracer.startSpan(`${operation} ${target['gen_ai.request.model']}`, { kind: SpanKind.CLIENT, startTime: epoch(context, attempt.startedAt), attributes }, parent);
        if (attempt.errorCode !== undefined) {
          child.setAttribute('error.type', attempt.errorCode);
          child.setStatus({ code: SpanStatusCode.ERROR, message: attempt.errorCode });
        }
        child.end(attempt.durationMs === undefined ? end : epoch(context, attempt.startedAt + attempt.durationMs));
      }
      if (context.error !== undefined) {
        span.setAttribute('error.type', context.error.wireCode);
        span.setStatus({ code: SpanStatusCode.ERROR, message: context.error.wireCode });
      }
      span.end(end);
    },
  };
}
