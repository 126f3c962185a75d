import type { Logger } from '../lib/logger.ts';
import type { Agent } from './agent.ts';

const signals = ['SIGTERM', 'SIGINT'] as const;

// A job that ignores cancellation must not keep the process up forever; 25 s leaves the exit
// (and its log line) inside Kubernetes' default terminationGracePeriodSeconds of 30 s.
const shutdownDeadlineMs = 25_000;

/**
 * Runs the agent until SIGTERM or SIGINT, then stops it gracefully. The process then ends
 * with status 0 once nothing is left on the event loop; past the deadline it exits with 1.
 */
export async function runUntilSignal(agent: Agent, logger: Logger): Promise<void> {
  let onSignal: (signal: NodeJS.Signals) => void = () => undefined;
  const received = new Promise<NodeJS.Signals>((resolve) => {
    onSignal = resolve;
  });
  for (const signal of signals) process.once(signal, onSignal);
  try {
    await agent.start();
    const signal = await received;
    logger.info({ signal }, 'agent: shutting down');
    const deadline = setTimeout(() => {
      logger.error({ deadlineMs: shutdownDeadlineMs }, 'agent: shutdown deadline passed');
      process.exit(1);
    }, shutdownDeadlineMs);
    deadline.unref();
    await agent.stop();
    clearTimeout(deadline);
  } finally {
    for (const signal of signals) process.off(signal, onSignal);
  }
}
