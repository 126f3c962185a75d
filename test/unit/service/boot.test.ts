import { describe, expect, it } from 'vitest';
import { createBoot, type BootOptions, type BootState } from '../../../service/boot/boot.ts';

/** A boot whose attempts fail `failures` times, with a clock and sleep the test controls. */
function harness(failures: number, overrides: Partial<BootOptions<string>> = {}) {
  let clock = 1_000;
  const sleeps: number[] = [];
  const states: BootState[] = [];
  const discarded: string[] = [];
  let attempts = 0;
  const boot = createBoot<string>({
    attempt: () => {
      attempts += 1;
      return attempts <= failures
        ? Promise.reject(new Error(`connect ECONNREFUSED (attempt ${attempts})`))
        : Promise.resolve(`store ${attempts}`);
    },
    backoff: { initialMs: 100, maxMs: 1_000 },
    sleep: (ms) => {
      sleeps.push(ms);
      clock += ms;
      return Promise.resolve();
    },
    random: () => 0.5,
    now: () => clock,
    describe: (error) => (error as Error).message,
    onFailure: (state) => states.push(state),
    discard: (value) => {
      discarded.push(value);
      return Promise.resolve();
    },
    ...overrides,
  });
  boot.start();
  return { boot, sleeps, states, discarded };
}

describe('createBoot', () => {
  it('retries with capped, jittered backoff until an attempt succeeds, then is ready', async () => {
    const { boot, sleeps, states } = harness(6);
    expect(await boot.ready()).toBe('store 7');
    // Steps 100, 200, 400, 800, 1000, 1000; random 0.5 → three quarters of each.
    expect(sleeps).toEqual([75, 150, 300, 600, 750, 750]);
    expect(states.map((s) => [s.phase, s.attempts, s.lastError])).toEqual([
      ['retrying', 1, 'connect ECONNREFUSED (attempt 1)'],
      ['retrying', 2, 'connect ECONNREFUSED (attempt 2)'],
      ['retrying', 3, 'connect ECONNREFUSED (attempt 3)'],
      ['retrying', 4, 'connect ECONNREFUSED (attempt 4)'],
      ['retrying', 5, 'connect ECONNREFUSED (attempt 5)'],
      ['retrying', 6, 'connect ECONNREFUSED (attempt 6)'],
    ]);
    expect(states[0]?.nextAttemptAt).toBe(1_075);
    expect(boot.state()).toEqual({
      phase: 'ready',
      attempts: 7,
      lastError: undefined,
      nextAttemptAt: undefined,
    });
    expect(boot.value()).toBe('store 7');
  });

  it('is ready after one attempt when nothing fails, without sleeping', async () => {
    const { boot, sleeps } = harness(0);
    expect(await boot.ready()).toBe('store 1');
    expect(sleeps).toEqual([]);
  });

  it('stopped while waiting, stops retrying and rejects readiness', async () => {
    let wake: (() => void) | undefined;
    const { boot } = harness(Number.POSITIVE_INFINITY, {
      sleep: (_ms, signal) =>
        new Promise((resolve) => {
          wake = resolve;
          signal.addEventListener('abort', () => {
            resolve();
          });
        }),
    });
    for (let turn = 0; turn < 20 && wake === undefined; turn += 1) await Promise.resolve();
    expect(boot.state().phase).toBe('retrying');
    await boot.stop();
    expect(boot.state().phase).toBe('stopped');
    await expect(boot.ready()).rejects.toThrow('stopped before start-up completed');
    expect(wake).toBeDefined();
  });

  it('discards what an attempt still in flight returns after stop', async () => {
    let finish: ((value: string) => void) | undefined;
    const { boot, discarded } = harness(0, {
      attempt: () =>
        new Promise<string>((resolve) => {
          finish = resolve;
        }),
    });
    const stopped = boot.stop();
    finish?.('late store');
    await stopped;
    expect(discarded).toEqual(['late store']);
    expect(boot.value()).toBeUndefined();
    expect(boot.state().phase).toBe('stopped');
  });

  it('makes no attempt before start, and none at all when stopped first', async () => {
    let attempts = 0;
    const boot = createBoot<string>({
      attempt: () => {
        attempts += 1;
        return Promise.resolve('store');
      },
      backoff: { initialMs: 1, maxMs: 1 },
      sleep: () => Promise.resolve(),
      random: () => 0,
      now: () => 0,
      describe: String,
      discard: () => Promise.resolve(),
    });
    expect(boot.state()).toMatchObject({ phase: 'starting', attempts: 0 });
    await boot.stop();
    expect(attempts).toBe(0);
    expect(boot.state().phase).toBe('stopped');
    await expect(boot.ready()).rejects.toThrow('stopped');
  });

  it('calling stop twice is harmless, and stop after ready keeps the value for its owner', async () => {
    const { boot, discarded } = harness(0);
    await boot.ready();
    await boot.stop();
    await boot.stop();
    expect(boot.value()).toBe('store 1');
    expect(discarded).toEqual([]);
  });
});
