import type { ChatCompletionRequest } from '@tollgate/core';

/** An effort level: OpenAI's, with OpenRouter's `xhigh` (`none` turns reasoning off instead). */
export type ReasoningEffort = 'minimal' | 'low' | 'medium' | 'high' | 'xhigh';

/**
 * The reasoning a chat request asks for, whichever way its client said it: OpenAI's `reasoning_effort`,
 * OpenRouter's `reasoning` object (`effort`, `max_tokens`, `enabled`, `exclude`) or Anthropic's
 * `thinking` (`enabled` with `budget_tokens`, `adaptive`, `disabled`, which LiteLLM's chat clients send
 * and the Messages ingress carries as OpenRouter's object). A provider maps it to its model's own
 * setting.
 */
export interface AskedReasoning {
  /** Reasoning turned off (`effort: "none"`, `enabled: false`, thinking `disabled`). */
  readonly off: boolean;
  readonly effort?: ReasoningEffort;
  /** A budget of reasoning tokens (OpenRouter's `max_tokens`, Anthropic's `budget_tokens`). */
  readonly budgetTokens?: number;
  /** Reasoning on, its amount left to the model: Anthropic's `adaptive`, OpenRouter's `enabled: true` alone. */
  readonly adaptive: boolean;
  /**
   * The client wants the reasoning in the answer: it asked through OpenRouter's object (which answers
   * with it unless `exclude`) or Anthropic's thinking (unless `display: "omitted"`), not through
   * `reasoning_effort` alone (OpenAI's chat completions never return it).
   */
  readonly shown: boolean;
}

const efforts = new Set<unknown>(['minimal', 'low', 'medium', 'high', 'xhigh']);

/** OpenRouter's `reasoning` object, when the request holds one. */
interface ReasoningObject {
  readonly effort?: unknown;
  readonly max_tokens?: unknown;
  readonly enabled?: unknown;
  readonly exclude?: unknown;
}

/** Anthropic's `thinking` setting, when a chat client sent one. */
interface ThinkingSetting {
  readonly type?: unknown;
  readonly budget_tokens?: unknown;
  readonly display?: unknown;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * What `request` asks of its model's reasoning; undefined when it says nothing of it. Anthropic's
 * `thinking` wins over OpenRouter's object, which wins over `reasoning_effort`.
 */
export function askedReasoning(request: ChatCompletionRequest): AskedReasoning | undefined {
  const reasoning = request.reasoning as ReasoningObject | undefined;
  const thinking = request.thinking as ThinkingSetting | undefined;
  const clientEffort = request.reasoning_effort as unknown;
  // Anthropic's own setting first: a hook sets it over the client's (a budget's clamp turns thinking down).
  if (isObject(thinking)) {
    const budget = thinking.budget_tokens;
    const effort = clientEffort ?? (isObject(reasoning) ? reasoning.effort : undefined);
    return {
      off: thinking.type === 'disabled',
      ...(efforts.has(effort) ? { effort: effort as ReasoningEffort } : {}),
      ...(thinking.type === 'enabled' && typeof budget === 'number' && budget > 0 ? { budgetTokens: budget } : {}),
      adaptive: thinking.type === 'adaptive',
      shown: thinking.display !== 'omitted',
    };
  }
  if (isObject(reasoning)) {
    const budget = reasoning.max_tokens;
    const effort = reasoning.effort ?? clientEffort;
    return {
      off: reasoning.enabled === false || effort === 'none',
      ...(efforts.has(effort) ? { effort: effort as ReasoningEffort } : {}),
      ...(typeof budget === 'number' && budget > 0 ? { budgetTokens: budget } : {}),
      adaptive: reasoning.enabled === true && budget === undefined && effort === undefined,
      shown: reasoning.exclude !== true,
    };
  }
  if (clientEffort === 'none') return { off: true, adaptive: false, shown: false };
  if (efforts.has(clientEffort)) return { off: false, effort: clientEffort as ReasoningEffort, adaptive: false, shown: false };
  return undefined;
}
