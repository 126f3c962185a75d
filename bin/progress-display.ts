import type { OnProgress, Progress } from '../backups/progress.ts';

/** Where the display draws: standard error, and whether a person watches it. */
export interface ProgressSink {
  readonly isTTY: boolean;
  write(text: string): void;
}

export interface ProgressDisplay {
  /** Undefined when nobody watches: the engine then reports nothing. */
  readonly onProgress: OnProgress | undefined;
  /** Draws the final state of the last part (100 % of what was read), then clears the line. */
  readonly finish: () => void;
}

const clear = '\r\x1b[2K';
const redrawMs = 200;

/**
 * One progress line redrawn in place on a terminal, at most five times a second; nothing at all
 * otherwise. Each part's last state is drawn before the next part or the end, so the line never
 * stops at the last throttled value (37 %) and a finished read ends at 100 %.
 */
export function createProgressDisplay(
  sink: ProgressSink,
  format: (progress: Progress, elapsedMs: number) => string,
  now: () => number = Date.now,
): ProgressDisplay {
  if (!sink.isTTY) return { onProgress: undefined, finish: () => undefined };
  const started = new Map<string, number>();
  let lastDraw: number | undefined;
  let pending: Progress | undefined;
  let shown = false;
  const key = (p: Progress) => `${p.phase} ${p.part}`;
  const draw = (progress: Progress) => {
    const at = now();
    lastDraw = at;
    pending = undefined;
    shown = true;
    sink.write(`${clear}${format(progress, at - (started.get(key(progress)) ?? at))}`);
  };
  return {
    onProgress: (progress) => {
      if (!started.has(key(progress))) started.set(key(progress), now());
      if (pending !== undefined && key(pending) !== key(progress)) draw(pending);
      if (lastDraw === undefined || now() - lastDraw >= redrawMs) draw(progress);
      else pending = progress;
    },
    finish: () => {
      if (pending !== undefined) draw(pending);
      if (shown) sink.write(clear);
      shown = false;
    },
  };
}
