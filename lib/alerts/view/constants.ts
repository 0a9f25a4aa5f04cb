/** The silence form's choices and limits. No validation here: the client form imports this module. */
export const SILENCE_REASON_MAX = 500;
export const SILENCE_DURATIONS = ['1h', '4h', '24h', 'custom'] as const;
export type SilenceDuration = (typeof SILENCE_DURATIONS)[number];
export const SILENCE_DURATION_MS: Record<Exclude<SilenceDuration, 'custom'>, number> = {
  '1h': 3_600_000,
  '4h': 4 * 3_600_000,
  '24h': 24 * 3_600_000,
};
/** The longest silence. */
export const MAX_SILENCE_MS = 30 * 86_400_000;
