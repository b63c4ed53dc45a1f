import { describe, expect, it } from 'vitest';
import { TargetHealth } from './target-health.js';

function createClock() {
  let now = 1_000_000;
  return { now: () => now, advance: (milliseconds: number) => (now += milliseconds) };
}

describe('TargetHealth (circuit breaker)', () => {
  const policy = { failures: 3, cooldownMs: 10_000 };

  it('opens after N consecutive failures, skips the target while cooling, then lets exactly one probe through', () => {
    const clock = createClock();
    const health = new TargetHealth(clock);
    health.recordFailure('t', policy);
    health.recordFailure('t', policy);
    expect(health.admit('t')).toBe('closed');
    health.recordFailure('t', policy);
    expect(health.admit('t')).toBe('open');
    clock.advance(9_999);
    expect(health.admit('t')).toBe('open');
    clock.advance(1);
    expect(health.admit('t')).toBe('probe');
    expect(health.admit('t')).toBe('open'); // one probe at a time
    health.recordSuccess('t');
    expect(health.admit('t')).toBe('closed');
  });

  it('lists the targets cooling down: open, then half-open once the cooldown is over, then none once a probe succeeds', () => {
    const clock = createClock();
    const health = new TargetHealth(clock);
    for (let failure = 0; failure < 3; failure += 1) health.recordFailure('openai/gpt-4o', policy);
    health.recordFailure('backup/gpt-4o', policy); // one failure: still closed
    expect(health.coolingTargets()).toEqual([{ target: 'openai/gpt-4o', provider: 'openai', state: 'open', reopensAt: clock.now() + 10_000 }]);
    clock.advance(10_000);
    expect(health.coolingTargets()).toMatchObject([{ target: 'openai/gpt-4o', state: 'half-open' }]);
    expect(health.admit('openai/gpt-4o')).toBe('probe');
    health.recordSuccess('openai/gpt-4o');
    expect(health.coolingTargets()).toEqual([]);
  });

  it('re-opens for a full cooldown when the probe fails, and a success resets the count', () => {
    const clock = createClock();
    const health = new TargetHealth(clock);
    for (let failure = 0; failure < 3; failure += 1) health.recordFailure('t', policy);
    clock.advance(10_000);
    expect(health.admit('t')).toBe('probe');
    health.recordFailure('t', policy);
    expect(health.admit('t')).toBe('open');
    expect(health.reopensAt('t')).toBe(clock.now() + 10_000);
    clock.advance(10_000);
    expect(health.admit('t')).toBe('probe');
    health.releaseProbe('t'); // the client left mid-probe: another request may probe
    expect(health.admit('t')).toBe('probe');
    health.recordSuccess('t');
    health.recordFailure('t', policy);
    health.recordFailure('t', policy);
    expect(health.admit('t')).toBe('closed');
  });

  it('keeps no state for healthy targets', () => {
    const health = new TargetHealth(createClock());
    health.recordFailure('t', policy);
    health.recordSuccess('t');
    expect(health.size).toBe(0);
    expect(health.admit('t')).toBe('closed');
  });

  it('never opens when cooldown is off', () => {
    const health = new TargetHealth(createClock());
    for (let failure = 0; failure < 10; failure += 1) health.recordFailure('t', false);
    expect(health.admit('t')).toBe('closed');
  });
});
