/**
 * What a recovering PostgreSQL says in its log (`lc_messages = C`): where recovery stopped,
 * where replay ended, the new timeline, and the fatal line when it gave up. Pure.
 */
export interface RecoveryEnd {
  /** "recovery stopping before commit of transaction 743, time 2026-…" (time targets). */
  readonly stop: string | undefined;
  /** Start of the last record replayed ("redo done at 0/5000060"). */
  readonly redoDone: string | undefined;
  readonly lastTransaction: string | undefined;
  readonly timeline: number | undefined;
  /** The first FATAL or PANIC message. */
  readonly fatal: string | undefined;
}

const message = (line: string): string => line.replace(/^.*?\b(LOG|FATAL|PANIC):\s+/, '').trim();

function first(lines: readonly string[], pattern: RegExp): RegExpExecArray | undefined {
  for (const line of lines) {
    const match = pattern.exec(line);
    if (match !== null) return match;
  }
  return undefined;
}

export function parseRecoveryLog(lines: readonly string[]): RecoveryEnd {
  const stop = lines.find((l) => /LOG:\s+recovery stopping /.test(l));
  const timeline = first(lines, /selected new timeline ID: (\d+)/)?.[1];
  const fatal = lines.find((l) => /\b(FATAL|PANIC):\s/.test(l));
  return {
    stop: stop === undefined ? undefined : message(stop),
    redoDone: first(lines, /redo done at ([0-9A-F]+\/[0-9A-F]+)/)?.[1],
    lastTransaction: first(lines, /last completed transaction was at log time (.+)$/)?.[1]?.trim(),
    timeline: timeline === undefined ? undefined : Number(timeline),
    fatal: fatal === undefined ? undefined : message(fatal),
  };
}
