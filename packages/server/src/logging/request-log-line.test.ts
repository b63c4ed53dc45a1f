import { GatewayError, RequestContext, type Provider } from '@tollgate/core';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createLogger, lineWriterOf } from './create-logger.js';
import { requestLogLine } from './request-log-line.js';

const provider = { name: 'openai' } as Provider;

/** A request that went through two attempts and was refused by a team budget, with every field set. */
function fullContext(): RequestContext {
  const context = new RequestContext({
    requestId: 'req-1',
    operation: 'chat',
    ingress: 'openai',
    request: { model: 'smart "4o"\n\u2028é', messages: [{ role: 'user', content: 'hi' }] },
    headers: { 'user-agent': `claude-cli/2.1.3 (external, cli) ${'x'.repeat(300)}` },
    receivedAt: 1_000,
  });
  context.principal = { keyId: 'k1', keyName: 'agent "one"', isMaster: false, teamId: 'search' };
  context.target = { provider, model: 'gpt-4o', id: 'openai/gpt-4o' };
  context.upstreamModel = 'gpt-4o-2024-08-06';
  context.responseId = 'chatcmpl-abc';
  context.finishReasons = ['length', 'stop'];
  context.attempts.push(
    { target: 'openai/gpt-4o', startedAt: 1_001, waitedMs: 0, status: 429, errorCode: 'rate_limited', durationMs: 12.3456 },
    { target: 'anthropic/claude', startedAt: 1_020, waitedMs: 5.5, status: 200, errorCode: undefined, durationMs: 40 },
  );
  context.timings.firstByteAt = 1_030.123;
  context.timings.endedAt = 1_061.239;
  context.usage = { prompt_tokens: 12, completion_tokens: 7, total_tokens: 19 };
  context.costMicros = 345;
  context.status = 402;
  context.error = new GatewayError('TOLLGATE_BUDGET_EXCEEDED', 'Team "search" is over budget.', { refusedBy: { scope: 'team', id: 'search' } });
  context.setResponseHeader('x-tollgate-cache', 'miss');
  return context;
}

const parse = (fields: string) => JSON.parse(`{${fields}}`) as Record<string, unknown>;

describe('the request log line', () => {
  it('carries every field an operator greps for, in a fixed order, strings escaped', () => {
    const fields = parse(requestLogLine(fullContext().asGatewayContext()));
    expect(fields).toEqual({
      requestId: 'req-1',
      operation: 'chat',
      status: 402,
      model: 'smart "4o"\n\u2028é',
      stream: false,
      keyName: 'agent "one"',
      teamId: 'search',
      provider: 'openai',
      upstreamModel: 'gpt-4o-2024-08-06',
      responseId: 'chatcmpl-abc',
      attempts: 2,
      attemptLog: [
        { target: 'openai/gpt-4o', status: 429, errorCode: 'rate_limited', ms: 12.35, waitedMs: 0 },
        { target: 'anthropic/claude', status: 200, ms: 40, waitedMs: 5.5 },
      ],
      durationMs: 61.24,
      firstByteMs: 30.12,
      promptTokens: 12,
      completionTokens: 7,
      finishReason: 'length,stop',
      costMicros: 345,
      errorCode: 'TOLLGATE_BUDGET_EXCEEDED',
      refusedBy: { scope: 'team', id: 'search' },
      cache: 'miss',
      // Its first 200 characters.
      userAgent: `claude-cli/2.1.3 (external, cli) ${'x'.repeat(300)}`.slice(0, 200),
    });
    expect(Object.keys(fields).slice(0, 4)).toEqual(['requestId', 'operation', 'status', 'model']);
  });

  it('leaves out what a request never got (no key, no target, no usage) instead of writing null or 0', () => {
    const context = new RequestContext({ requestId: 'req-2', operation: 'embeddings', ingress: 'openai', request: { model: 'embed', input: 'x' }, receivedAt: 0 });
    context.status = 401;
    context.timings.endedAt = 2;
    expect(parse(requestLogLine(context.asGatewayContext()))).toEqual({ requestId: 'req-2', operation: 'embeddings', status: 401, model: 'embed', stream: false, attempts: 0, durationMs: 2 });
  });

  it("is written as the line pino writes for the same fields, at the logger's level", () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', destination: { write: (line: string) => lines.push(line) } });
    const fields = requestLogLine(fullContext().asGatewayContext());
    lineWriterOf(logger, 'request')!(30, fields);
    logger.info(parse(fields), 'request');
    const [direct, throughPino] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines[0]!.endsWith('}\n')).toBe(true);
    expect({ ...direct, time: 0 }).toEqual({ ...throughPino, time: 0 });
    expect(Object.keys(direct!)).toEqual(Object.keys(throughPino!));
    expect(Math.abs((direct!.time as number) - Date.now())).toBeLessThan(60_000);

    logger.level = 'warn';
    lineWriterOf(logger, 'request')!(30, fields);
    lineWriterOf(logger, 'request')!(40, fields);
    expect(lines).toHaveLength(3);
    expect(JSON.parse(lines[2]!)).toMatchObject({ level: 40, msg: 'request', requestId: 'req-1' });
  });

  it("is left to pino's own methods for a host's logger (its formatters, its destination)", () => {
    expect(lineWriterOf(pino({ enabled: false }), 'request')).toBeUndefined();
  });
});
