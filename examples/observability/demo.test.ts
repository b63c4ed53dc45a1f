import { expect, it } from 'vitest';
// @ts-expect-error -- the demo is plain JavaScript, run as is by `npm start`.
import { runDemo } from './demo.mjs';

it('shows an operator each request in a log line, in Prometheus metrics and in a trace with a span per upstream attempt', async () => {
  const lines: string[] = [];
  const results = await runDemo((line: string) => lines.push(line));
  // The failover left vLLM's top_k out of what OpenAI was sent (OpenAI refuses fields it does not define).
  expect(results.sentToOpenAI).toEqual(['max_tokens', 'messages', 'model']);
  expect(results.logLines).toEqual([
    expect.objectContaining({ requestId: 'req-1-streamed', status: 200, stream: true, provider: 'gpu-box', upstreamModel: 'qwen3-coder-30b', attempts: 1, finishReason: 'stop' }),
    expect.objectContaining({ requestId: 'req-2-failover', status: 200, provider: 'openai', upstreamModel: 'gpt-4.1', attempts: 2, finishReason: 'stop', costMicros: expect.any(Number) }),
    expect.objectContaining({ requestId: 'req-3-truncated', status: 200, provider: 'gpu-box', attempts: 1, finishReason: 'length' }),
  ]);
  expect(results.metrics).toEqual(expect.arrayContaining([
    'tollgate_requests_total{operation="chat",model="coder",provider="gpu-box",status="200"} 2',
    'tollgate_requests_total{operation="chat",model="coder",provider="openai",status="200"} 1',
    'tollgate_upstream_attempt_duration_seconds_count{provider="gpu-box",outcome="TOLLGATE_PROVIDER_ERROR"} 1',
  ]));
  const { vllm, openai } = results.ports;
  expect(results.traces).toEqual([
    { name: 'chat coder', requestId: 'req-1-streamed', finishReasons: ['stop'], responseModel: 'qwen3-coder-30b', attempts: [{ name: 'chat qwen3-coder-30b', 'server.port': vllm, 'http.response.status_code': 200 }] },
    {
      name: 'chat coder',
      requestId: 'req-2-failover',
      finishReasons: ['stop'],
      responseModel: 'gpt-4.1',
      attempts: [
        { name: 'chat qwen3-coder-30b', 'server.port': vllm, 'http.response.status_code': 503, 'error.type': 'TOLLGATE_PROVIDER_ERROR' },
        { name: 'chat gpt-4.1', 'server.port': openai, 'http.response.status_code': 200 },
      ],
    },
    { name: 'chat coder', requestId: 'req-3-truncated', finishReasons: ['length'], responseModel: 'qwen3-coder-30b', attempts: [{ name: 'chat qwen3-coder-30b', 'server.port': vllm, 'http.response.status_code': 200 }] },
  ]);
  expect(lines.join('\n')).toContain('"finishReason":"length"');
});
