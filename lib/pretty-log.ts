import type { DestinationStream } from 'pino';

/** Keys every line carries that the readable form shows in its own place, or not at all. */
const shownApart = new Set(['level', 'time', 'pid', 'hostname', 'name', 'msg']);

/** A JSON log line as one readable line: `12:00:01 WARN  backup: message key=value`. */
export function prettyLine(json: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.trimEnd();
  }
  const time = typeof entry.time === 'string' ? entry.time.slice(11, 19) : '';
  const text = (value: unknown): string => (typeof value === 'string' ? value : '');
  const level = text(entry.level).toUpperCase().padEnd(5);
  const fields = Object.entries(entry)
    .filter(([key]) => !shownApart.has(key))
    .map(([key, value]) => {
      // An error shows its message: its stack is for the JSON logs, not for a person.
      const message = (value as { message?: unknown } | null)?.message;
      const shown =
        typeof value === 'string'
          ? value
          : key === 'err' && typeof message === 'string'
            ? message
            : JSON.stringify(value);
      return `${key}=${/\s/.test(shown) ? JSON.stringify(shown) : shown}`;
    });
  return [time, level, `${text(entry.name)}:`, text(entry.msg), ...fields]
    .filter((part) => part !== '')
    .join(' ');
}

/**
 * A destination writing readable lines. On a terminal it first clears the line, so a log entry
 * never runs into a progress line drawn in place (the progress redraws on its next tick).
 */
export function prettyDestination(out: {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}): DestinationStream {
  const prefix = out.isTTY === true ? '\r\x1b[2K' : '';
  return {
    write(json: string) {
      for (const line of json.split('\n').filter((l) => l !== ''))
        out.write(`${prefix}${prettyLine(line)}\n`);
    },
  };
}
