import { describe, expect, it } from 'vitest';
import { alertmanagerConfig } from '../../../alerts/alertmanager.ts';
import { ruleFamilies } from '../../../alerts/families/index.ts';
import { divideDuration, divideTimings } from '../../../alerts/time-divisor.ts';

const context = {
  serviceJob: 'aidb',
  agentJob: 'aidb-agent',
  backups: { staleAfterSeconds: 90_000, restoreVerifyStaleAfterSeconds: 608_400 },
};

const alertTimings = (families: ReturnType<typeof ruleFamilies>) =>
  families.flatMap((f) =>
    f.groups.flatMap((g) =>
      g.rules.flatMap((r) => (r.kind === 'alert' ? [[r.name, r.for, r.keepFiringFor]] : [])),
    ),
  );

describe('the live-test time divisor', () => {
  it.each([
    ['1m', 60, '1s'],
    ['10m', 60, '10s'],
    ['1h', 60, '1m'],
    ['30s', 60, '1s'],
    ['5m', 7, '43s'],
    ['4h', 1, '4h'],
  ] as const)('divides %s by %d into %s', (duration, divisor, expected) => {
    expect(divideDuration(duration, divisor)).toBe(expected);
  });

  it('rejects a divisor below one or a fraction', () => {
    expect(() => divideDuration('1m', 0)).toThrow(
      'alerts: time divisor 0 is not a whole number ≥ 1',
    );
    expect(() => divideDuration('1m', 1.5)).toThrow(RangeError);
  });

  it('divides every for and keep_firing_for and leaves expressions and the input alone', () => {
    const families = ruleFamilies(context);
    const before = JSON.stringify(families);
    const divided = divideTimings(families, 60);
    expect(JSON.stringify(families)).toBe(before);
    const breaker = alertTimings(divided).find(([name]) => name === 'AidbDependencyBreakerOpen');
    expect(breaker).toEqual(['AidbDependencyBreakerOpen', '1s', '10s']);
    const exprs = (fs: typeof families) =>
      fs.flatMap((f) => f.groups.flatMap((g) => g.rules.map((r) => r.expr.text)));
    expect(exprs(divided)).toEqual(exprs(families));
    expect(alertTimings(divideTimings(families, 1))).toEqual(alertTimings(families));
  });

  it('divides Alertmanager’s group wait, group interval and repeat interval', () => {
    const config = alertmanagerConfig(ruleFamilies(context), {}, 60);
    expect([
      config.route.group_wait,
      config.route.group_interval,
      config.route.repeat_interval,
    ]).toEqual(['1s', '5s', '4m']);
    expect(alertmanagerConfig(ruleFamilies(context)).route.group_interval).toBe('5m');
  });
});
