/** USD per million tokens. Cache writes at the 5-minute TTL rate (1.25x input). */
export type ModelPrice = { input: number; output: number; cacheRead: number; cacheWrite: number };
export type PriceTable = Record<string, ModelPrice>;

const price = (input: number, output: number): ModelPrice => ({
  input,
  output,
  cacheRead: round(input * 0.1),
  cacheWrite: round(input * 1.25),
});

/** Current Anthropic list prices, keyed by model-name prefix; the longest matching prefix wins. */
export const CLAUDE_PRICES: PriceTable = {
  'claude-opus-4-6': price(5, 25),
  'claude-opus-4-5': price(5, 25),
  'claude-opus-4-1': price(15, 75),
  'claude-opus-4': price(15, 75),
  'claude-sonnet-4': price(3, 15),
  'claude-haiku-4': price(1, 5),
  'claude-3-7-sonnet': price(3, 15),
  'claude-3-5-sonnet': price(3, 15),
  'claude-3-5-haiku': price(0.8, 4),
  'claude-3-opus': price(15, 75),
  'claude-3-sonnet': price(3, 15),
  'claude-3-haiku': price(0.25, 1.25),
};

/** Strips provider decorations: `anthropic/`, Bedrock's `us.anthropic.` and `-v1:0`, Vertex's `@date`. */
export function normalizeModel(model: string): string {
  return model
    .toLowerCase()
    .replace(/^.*anthropic[./]/, '')
    .replace(/@.*$/, '')
    .replace(/-v\d+(:\d+)?$/, '');
}

export function findPrice(model: string, overrides: PriceTable = {}): ModelPrice | undefined {
  const name = normalizeModel(model);
  for (const table of [overrides, CLAUDE_PRICES]) {
    let best: string | undefined;
    for (const prefix of Object.keys(table)) {
      if (name.startsWith(prefix.toLowerCase()) && (!best || prefix.length > best.length)) best = prefix;
    }
    if (best) return table[best];
  }
  return undefined;
}

export type TokenUsage = {
  inputTokens?: number;
  outputTokens?: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
};

/** Cost in USD, or undefined when the model is unknown or no tokens were reported. */
export function computeCost(model: string, usage: TokenUsage, overrides?: PriceTable): number | undefined {
  const { inputTokens = 0, outputTokens = 0, cacheReadTokens = 0, cacheWriteTokens = 0 } = usage;
  if (inputTokens + outputTokens + cacheReadTokens + cacheWriteTokens === 0) return undefined;
  const p = findPrice(model, overrides);
  if (!p) return undefined;
  const micro =
    inputTokens * p.input + outputTokens * p.output + cacheReadTokens * p.cacheRead + cacheWriteTokens * p.cacheWrite;
  return round(micro / 1_000_000);
}

function round(value: number): number {
  return Math.round(value * 1e10) / 1e10;
}
