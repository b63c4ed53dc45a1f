import type { Logger } from '../services/logger.js';
import type { TargetQuotaExchange } from '../services/target-quota-exchange.js';
import type { TargetQuotas } from './target-quotas.js';

/** How often a failed exchange is logged at most. */
const errorLogIntervalMs = 10_000;

/**
 * Exchanges the target quotas' counts with the other gateway instances every `intervalMs`, through
 * a {@link TargetQuotaExchange}: this instance's new counts go out, every instance's use of each
 * target comes back. One exchange at a time; a failed one keeps its counts for the next, and after
 * ten seconds without one each instance counts alone again.
 */
export class QuotaSharing {
  readonly #quotas: TargetQuotas;
  readonly #exchange: TargetQuotaExchange;
  readonly #targets: readonly string[];
  readonly #logger: Logger;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #lastErrorLogAt = 0;

  /** `targets`: the routes' targets with a quota, exchanged even before this instance counts them. */
  constructor(quotas: TargetQuotas, exchange: TargetQuotaExchange, targets: readonly string[], logger: Logger) {
    this.#quotas = quotas;
    this.#exchange = exchange;
    this.#targets = targets;
    this.#logger = logger;
  }

  /** Starts the exchanges (the timer does not keep the process alive). */
  start(): void {
    this.#quotas.takeUnshared(); // counting what is not shared starts now
    this.#timer = setInterval(() => {
      this.#running ??= this.exchangeNow().finally(() => (this.#running = undefined));
    }, this.#exchange.intervalMs);
    this.#timer.unref();
  }

  /** Stops the exchanges, sharing what is left. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#running;
    await this.exchangeNow();
  }

  /** One exchange: this instance's new counts out, the fleet's use of each target in. */
  async exchangeNow(): Promise<void> {
    const counts = this.#quotas.takeUnshared();
    const targets = [...new Set([...this.#targets, ...this.#quotas.countedTargets()])];
    try {
      const totals = await this.#exchange.exchange(counts, targets);
      this.#quotas.addOthersUse(targets, totals);
    } catch (error) {
      this.#quotas.returnUnshared(counts);
      const now = Date.now();
      if (now - this.#lastErrorLogAt < errorLogIntervalMs) return;
      this.#lastErrorLogAt = now;
      this.#logger.error({ err: error }, 'target quotas could not be shared with the other instances; each counts its own until they can');
    }
  }
}
