// `npm start`: the gateway of tollgate.config.yaml run end to end, offline. Two mock upstreams stand in
// for the vLLM box and OpenAI (the testkit's; the OpenAI one refuses fields OpenAI does not define, as
// OpenAI does), and a few lines of node:http stand in for an OpenTelemetry collector. Three requests of
// a coding agent go through; then the demo prints what an operator gets of them: the log lines, the
// metrics a Prometheus scrape reads, and the traces the collector received.
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { createLogger, startServer } from '@tollgate/server';
import { createMockOpenAI } from '@tollgate/testkit';

const here = dirname(fileURLToPath(import.meta.url));
const keys = { master: 'sk-demo-master-key-00000001', agent: 'sk-demo-coding-agent-000001', openai: 'sk-proj-demo-00000000000001' };

/** A stand-in OpenTelemetry collector: takes OTLP/HTTP JSON exports and keeps their spans. */
async function startCollector() {
  const spans = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      for (const resource of JSON.parse(body).resourceSpans ?? []) {
        for (const scope of resource.scopeSpans ?? []) spans.push(...scope.spans);
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}/v1/traces`, spans, close: () => new Promise((resolve) => server.close(resolve)) };
}

/** An OTLP attribute's value as plain JavaScript. */
function valueOf(value) {
  if (value.arrayValue !== undefined) return (value.arrayValue.values ?? []).map(valueOf);
  if (value.intValue !== undefined) return Number(value.intValue);
  return value.stringValue ?? value.doubleValue ?? value.boolValue;
}

/** A span's attributes as an object. */
const attributesOf = (span) => Object.fromEntries(span.attributes.map(({ key, value }) => [key, valueOf(value)]));

/** Log lines written by the gateway, kept as objects. */
class LogLines extends Writable {
  lines = [];
  _write(chunk, _encoding, callback) {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) this.lines.push(JSON.parse(line));
    callback();
  }
}

/** Runs the three requests, then shows the logs, metrics and traces; returns what they showed. `say` narrates. */
export async function runDemo(say = (line) => console.log(line)) {
  const vllm = await createMockOpenAI();
  const openai = await createMockOpenAI({ apiKey: keys.openai, refuseUnknownFields: true });
  const collector = await startCollector();
  const logs = new LogLines();
  const server = await startServer({
    configFile: join(here, 'tollgate.config.yaml'),
    cwd: here,
    port: 0,
    logger: createLogger({ level: 'info', destination: logs }),
    env: { ...process.env, VLLM_URL: vllm.baseURL, OPENAI_URL: openai.baseURL, OPENAI_API_KEY: keys.openai, TOLLGATE_MASTER_KEY: keys.master, AGENT_KEY: keys.agent, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: collector.url },
  });
  const agent = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: keys.agent, maxRetries: 0 });
  // The agent's own trace: the gateway's spans join it.
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
  const traced = (requestId) => ({ headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01`, 'x-request-id': requestId } });
  const request = { model: 'coder', max_tokens: 200, top_k: 20, messages: [{ role: 'user', content: 'Why does the parser test fail?' }] };
  const results = {};
  try {
    say(`Gateway on ${server.url}; vLLM mock ${vllm.baseURL}; OpenAI mock ${openai.baseURL}; collector ${collector.url}\n`);

    say('1. The agent streams an answer from the self-hosted model.');
    const stream = await agent.chat.completions.create({ ...request, stream: true }, traced('req-1-streamed'));
    for await (const chunk of stream) void chunk;

    say('2. The vLLM box is overloaded: the request fails over to OpenAI, without vLLM\'s top_k.');
    vllm.enqueue({ status: 503, error: { message: 'The server is overloaded', type: 'server_error' } });
    await agent.chat.completions.create(request, traced('req-2-failover'));
    results.sentToOpenAI = Object.keys(openai.requests.at(-1).body).sort();

    say('3. An answer cut at its output limit.');
    vllm.enqueue({ finishReason: 'length', usage: { prompt_tokens: 6, completion_tokens: 8 } });
    await agent.chat.completions.create({ ...request, max_tokens: 8 }, traced('req-3-truncated'));

    say('\nThe log lines (one per request; `grep \'"finishReason":"length"\'` finds truncated answers):');
    const lines = logs.lines.filter((line) => line.msg === 'request');
    results.logLines = lines.map(({ requestId, status, model, provider, upstreamModel, attempts, finishReason, costMicros, stream: streamed }) => ({ requestId, status, model, provider, upstreamModel, attempts, finishReason, costMicros, stream: streamed }));
    for (const line of lines) say(`   ${JSON.stringify({ requestId: line.requestId, keyName: line.keyName, teamId: line.teamId, provider: line.provider, attempts: line.attempts, ...(line.attemptLog ? { attemptLog: line.attemptLog.map((attempt) => `${attempt.target} ${attempt.status}`) } : {}), promptTokens: line.promptTokens, completionTokens: line.completionTokens, finishReason: line.finishReason, costMicros: line.costMicros, durationMs: line.durationMs })}`);

    say('\nWhat a Prometheus scrape of /metrics reads (a few of the series):');
    const metrics = await fetch(`${server.url}/metrics`).then((response) => response.text());
    results.metrics = metrics.split('\n').filter((line) => /^tollgate_(requests_total|upstream_attempt_duration_seconds_count|tokens_total|cost_usd_total)\{/.test(line));
    for (const line of results.metrics) say(`   ${line}`);
  } finally {
    await server.close(); // flushes the traces' last batch to the collector
    await vllm.close();
    await openai.close();
    await collector.close();
  }

  say('\nThe traces the collector received, under the agent\'s trace id (request spans, then their upstream attempts):');
  const spans = collector.spans.filter((span) => span.traceId === traceId);
  const requestSpans = spans.filter((span) => attributesOf(span)['tollgate.request_id'] !== undefined);
  results.traces = requestSpans.map((span) => {
    const attributes = attributesOf(span);
    const attempts = spans.filter((child) => child.parentSpanId === span.spanId && child.name !== 'tollgate.admission').map((child) => ({ name: child.name, ...pick(attributesOf(child), ['server.port', 'http.response.status_code', 'error.type']) }));
    return { name: span.name, requestId: attributes['tollgate.request_id'], finishReasons: attributes['gen_ai.response.finish_reasons'], responseModel: attributes['gen_ai.response.model'], attempts };
  });
  for (const trace of results.traces) {
    say(`   ${trace.name} (${trace.requestId}): answered by ${trace.responseModel}, finish ${JSON.stringify(trace.finishReasons)}`);
    for (const attempt of trace.attempts) say(`     └ ${attempt.name} → 127.0.0.1:${attempt['server.port']} ${attempt['http.response.status_code']}${attempt['error.type'] ? ` ${attempt['error.type']}` : ''}`);
  }
  results.ports = { vllm: Number(new URL(vllm.baseURL).port), openai: Number(new URL(openai.baseURL).port) };
  return results;
}

/** The named fields of an object. */
function pick(object, names) {
  return Object.fromEntries(names.filter((name) => object[name] !== undefined).map((name) => [name, object[name]]));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await runDemo();
