// Ratios round by round, from a harness results JSON: each target's req/s (streams/s) divided by the
// bare proxy's of the same round, and by Portkey's. The harness's summary divides medians taken target
// by target, which can pair different rounds; targets of one round ran seconds apart, so the median of
// the per-round ratios is the steadier figure on a shared machine (one target's ratio moved 0.52–1.16×
// between rounds of one run here). Usable alone: `node scripts/bench-round-ratios.mjs bench/results/<file>.json`.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The median of numbers (the mean of the middle two for an even count). */
export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/**
 * Round by round, `target`'s req/s (streams/s) over `against`'s, from one scenario's samples by target;
 * NaN for a round either lacks.
 */
export function roundRatios(rounds, target, against) {
  return (rounds[target] ?? []).map((sample, round) => sample.rps / rounds[against]?.[round]?.rps);
}

/** The markdown table of per-round ratios for the closed-loop scenarios of a results JSON. */
export function roundRatiosTable(results) {
  const lines = ['| scenario | target | × baseline, each round | median | × portkey, median |', '|---|---|---|--:|--:|'];
  for (const scenario of ['throughput', 'stream', 'slow-upstream']) {
    const rounds = results.rounds?.[scenario];
    if (rounds?.baseline === undefined) continue;
    for (const name of Object.keys(rounds)) {
      if (name === 'direct' || name === 'baseline' || name === 'portkey') continue;
      const ratios = roundRatios(rounds, name, 'baseline');
      const versusPortkey = rounds.portkey === undefined ? '–' : `${median(roundRatios(rounds, name, 'portkey')).toFixed(1)}×`;
      lines.push(`| ${scenario} | ${name} | ${ratios.map((ratio) => ratio.toFixed(2)).join(' ')} | ${median(ratios).toFixed(2)}× | ${versusPortkey} |`);
    }
  }
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(roundRatiosTable(JSON.parse(readFileSync(process.argv[2], 'utf8'))));
}
