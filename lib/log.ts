type Level = 'debug' | 'info' | 'warn' | 'error';
type Fields = Record<string, unknown>;

function write(level: Level, event: string, fields: Fields = {}): void {
  const line = JSON.stringify({ level, event, ...fields });
  if (level === 'error' || level === 'warn') console.error(line);
  else console.log(line);
}

/** One structured JSON line per event on stderr (warn, error) or stdout (info, debug). */
export const log = {
  debug: (event: string, fields?: Fields) => write('debug', event, fields),
  info: (event: string, fields?: Fields) => write('info', event, fields),
  warn: (event: string, fields?: Fields) => write('warn', event, fields),
  error: (event: string, fields?: Fields) => write('error', event, fields),
  /**
   * Logs `event` at most once per `everyMs` per `key` (default: the event name), with how many were
   * suppressed since the last line: an outage that fails every request still writes one line a minute.
   */
  throttled(
    level: Level,
    event: string,
    fields: Fields = {},
    { key = event, everyMs = 60_000, now = Date.now() } = {},
  ) {
    const state = throttle.get(key);
    if (state && now - state.at < everyMs) {
      state.suppressed += 1;
      return false;
    }
    throttle.set(key, { at: now, suppressed: 0 });
    if (throttle.size > 1_000) throttle.clear();
    write(level, event, state?.suppressed ? { ...fields, suppressed: state.suppressed } : fields);
    return true;
  },
};

const throttle = new Map<string, { at: number; suppressed: number }>();
