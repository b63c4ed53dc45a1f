import { describe, expect, it } from 'vitest';
import type { RouteTarget } from '../../provider/route-target.js';
import { RecordingProvider } from '../../test-support/recording-provider.js';
import { seededRandom } from '../../test-support/seeded-random.js';
import { systemClock } from '../../services/clock.js';
import { TargetQuotas } from '../target-quotas.js';
import { TargetStats } from '../target-stats.js';
import { createRoutingStrategy } from './create-routing-strategy.js';

const provider = new RecordingProvider('p');
const target = (id: string, extra: Partial<RouteTarget> = {}): RouteTarget => ({ provider, model: id, id: `p/${id}`, ...extra });
/** No target has used anything this minute: what the strategies that do not read it are given. */
const quotas = new TargetQuotas(systemClock);

function firstPicks(strategyName: Parameters<typeof createRoutingStrategy>[0], targets: RouteTarget[], runs: number, stats = new TargetStats(), seed = 7): Map<string, number> {
  const strategy = createRoutingStrategy(strategyName, seededRandom(seed));
  const counts = new Map<string, number>();
  for (let run = 0; run < runs; run += 1) {
    const first = strategy.order(targets, stats, quotas)[0]!.id;
    counts.set(first, (counts.get(first) ?? 0) + 1);
  }
  return counts;
}

describe('routing strategies', () => {
  it('fallback keeps the configured order', () => {
    const targets = [target('a'), target('b'), target('c')];
    expect(createRoutingStrategy('fallback').order(targets, new TargetStats(), quotas).map((t) => t.id)).toEqual(['p/a', 'p/b', 'p/c']);
  });

  it('weighted 3:1 over 4,000 routed requests lands within ±3 %, and keeps every target as a fallback', () => {
    const targets = [target('heavy', { weight: 3 }), target('light', { weight: 1 })];
    for (const seed of [1, 2, 3]) {
      const counts = firstPicks('weighted', targets, 4000, new TargetStats(), seed);
      const share = (counts.get('p/heavy') ?? 0) / 4000;
      expect(Math.abs(share - 0.75)).toBeLessThanOrEqual(0.03);
    }
    const order = createRoutingStrategy('weighted', seededRandom(9)).order(targets, new TargetStats(), quotas);
    expect(order.map((t) => t.id).sort()).toEqual(['p/heavy', 'p/light']);
  });

  it('least-latency prefers the lowest moving average, measures unmeasured targets first, and explores', () => {
    const stats = new TargetStats();
    const targets = [target('slow'), target('fast'), target('new')];
    stats.recordLatency('p/slow', 900);
    stats.recordLatency('p/fast', 100);
    const counts = firstPicks('least-latency', targets, 2000, stats);
    expect(counts.get('p/new')! / 2000).toBeGreaterThan(0.85); // unmeasured first, apart from exploration
    stats.recordLatency('p/new', 500);
    const measured = firstPicks('least-latency', targets, 2000, stats);
    const fastShare = measured.get('p/fast')! / 2000;
    expect(fastShare).toBeGreaterThan(0.88);
    expect(fastShare).toBeLessThan(0.98); // ~10 % exploration leads with a random target
    expect(measured.get('p/slow')).toBeGreaterThan(0);
  });

  it('least-latency gives a recovered target its traffic back once exploration re-measures it', () => {
    const stats = new TargetStats();
    const targets = [target('a'), target('b')];
    stats.recordLatency('p/a', 2000); // a had a slow spell
    stats.recordLatency('p/b', 300);
    const strategy = createRoutingStrategy('least-latency', seededRandom(11));
    const leaders: string[] = [];
    for (let request = 0; request < 400; request += 1) {
      const first = strategy.order(targets, stats, quotas)[0]!;
      leaders.push(first.id);
      stats.recordLatency(first.id, first.id === 'p/a' ? 50 : 300); // a has recovered
    }
    // Exploration alone re-measures a (~10 samples bring the average from 2 s under b's 300 ms)...
    expect(leaders.slice(0, 50).filter((id) => id === 'p/a').length).toBeLessThan(10);
    // ...after which a leads again.
    expect(leaders.slice(-100).filter((id) => id === 'p/a').length).toBeGreaterThan(85);
  });

  it('least-busy picks the target with the fewest requests in flight', () => {
    const stats = new TargetStats();
    const targets = [target('a'), target('b'), target('c')];
    stats.started('p/a');
    stats.started('p/a');
    stats.started('p/b');
    expect(createRoutingStrategy('least-busy').order(targets, stats, quotas).map((t) => t.id)).toEqual(['p/c', 'p/b', 'p/a']);
    stats.finished('p/a');
    stats.finished('p/a');
    expect(createRoutingStrategy('least-busy').order(targets, stats, quotas)[0]!.id).toBe('p/a');
  });

  it('usage-based fills deployments in proportion to their quotas, and spreads tokens evenly without quotas', () => {
    const now = 1_000_000;
    const minute = new TargetQuotas({ now: () => now });
    const stats = new TargetStats();
    const strategy = createRoutingStrategy('usage-based');
    // East may use 1,000 tokens a minute, west 300: each request of 60 tokens goes to the one with the smaller share used.
    const deployments = [target('east', { quota: { tpm: 1_000 } }), target('west', { quota: { tpm: 300 } })];
    const picks: string[] = [];
    for (let request = 0; request < 6; request += 1) {
      const first = strategy.order(deployments, stats, minute)[0]!;
      picks.push(first.id);
      minute.countRequest(first.id);
      minute.countTokens(first.id, 60);
    }
    expect(picks).toEqual(['p/east', 'p/west', 'p/east', 'p/east', 'p/east', 'p/west']);
    // An rpm alone is a share too; the larger share counts when a target has both.
    expect(strategy.order([target('east', { quota: { tpm: 1_000, rpm: 5 } }), target('west', { quota: { rpm: 100 } })], stats, minute).map((t) => t.id)).toEqual(['p/west', 'p/east']);

    // Without a quota on every target, the fewest tokens first; a tie goes to fewer requests in flight.
    const plain = [target('a'), target('b'), target('c')];
    minute.countTokens('p/a', 500);
    stats.started('p/b');
    expect(strategy.order(plain, stats, minute).map((t) => t.id)).toEqual(['p/c', 'p/b', 'p/a']);
  });

  it('lowest-cost orders by price, unknown prices last', () => {
    const targets = [target('unknown'), target('pricey', { price: { input: 5, output: 15 } }), target('cheap', { price: { input: 0.15, output: 0.6 } })];
    expect(createRoutingStrategy('lowest-cost').order(targets, new TargetStats(), quotas).map((t) => t.id)).toEqual(['p/cheap', 'p/pricey', 'p/unknown']);
  });
});

describe('TargetStats bounds', () => {
  it('forgets least recently used idle targets past its bound, so client-named wildcard models cannot grow it forever', async () => {
    const { maxTrackedTargets } = await import('../target-stats.js');
    const stats = new TargetStats();
    stats.started('p/busy'); // in flight: never evicted
    for (let index = 0; index < maxTrackedTargets + 500; index += 1) stats.recordLatency(`p/model-${index}`, 10);
    expect(stats.size).toBeLessThanOrEqual(maxTrackedTargets);
    expect(stats.inFlight('p/busy')).toBe(1);
    expect(stats.latency(`p/model-${maxTrackedTargets + 499}`)).toBe(10);
    expect(stats.latency('p/model-0')).toBeUndefined();
  });

  it('keeps a target used again, forgetting the one unused for longest instead', async () => {
    const { maxTrackedTargets } = await import('../target-stats.js');
    const stats = new TargetStats();
    for (let index = 0; index < maxTrackedTargets; index += 1) stats.recordLatency(`p/model-${index}`, 10);
    stats.recordLatency('p/model-0', 20);
    stats.recordLatency('p/new', 10);
    expect(stats.latency('p/model-0')).toBe(12);
    expect(stats.latency('p/model-1')).toBeUndefined();
    expect(stats.latency(`p/model-${maxTrackedTargets - 1}`)).toBe(10);
    expect(stats.size).toBeLessThanOrEqual(maxTrackedTargets);
  });
});
