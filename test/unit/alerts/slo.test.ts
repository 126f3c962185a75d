import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { div, floor, mul, rational, sub, toDecimal } from '../../../alerts/slo/decimal.ts';
import { sloModel } from '../../../alerts/slo/model.ts';
import { burnWindows } from '../../../alerts/slo/windows.ts';
import { apiAvailability, searchLatency, type SloDef } from '../../../catalog/slos.ts';

/** A fresh SLO with the objective under test; variants change one field. */
function slo(objective: string): SloDef {
  return { ...apiAvailability, objective };
}

describe('SLO model', () => {
  const cases: readonly {
    name: string;
    slo: () => SloDef;
    budget: string;
    alerts: [string, string, number, string][];
  }[] = [
    {
      name: '99.9% gives the workbook table exactly',
      slo: () => slo('99.9'),
      budget: '0.001',
      alerts: [
        ['fast', '0.0144', 70, '2'],
        ['medium', '0.006', 167, '5'],
        ['slow', '0.001', 1001, '10'],
      ],
    },
    {
      name: '99% scales every threshold by ten',
      slo: () => searchLatency,
      budget: '0.01',
      alerts: [
        ['fast', '0.144', 7, '2'],
        ['medium', '0.06', 17, '5'],
        ['slow', '0.01', 101, '10'],
      ],
    },
    {
      name: '99.95% keeps every digit',
      slo: () => slo('99.95'),
      budget: '0.0005',
      alerts: [
        ['fast', '0.0072', 139, '2'],
        ['medium', '0.003', 334, '5'],
        ['slow', '0.0005', 2001, '10'],
      ],
    },
  ];

  it.each(cases)('$name', ({ slo: make, budget, alerts }) => {
    const model = sloModel(make());
    expect(model.budget).toBe(budget);
    expect(
      model.alerts.map((a) => [a.window.id, a.threshold, a.minEvents, a.budgetConsumedPercent]),
    ).toEqual(alerts);
    expect(model.windows).toEqual(['5m', '30m', '1h', '6h', '3d', '30d']);
  });

  it('a 28-day SLO should fail: the windows are defined for 30 days.', () => {
    expect(() => sloModel({ ...slo('99.9'), windowDays: 28 })).toThrow(
      'alerts: SLO api_availability has a 28-day window; the burn-rate windows are defined for 30 days',
    );
  });

  it('never changes the SLO it models', () => {
    const input = slo('99.9');
    const before = structuredClone(input);
    sloModel(Object.freeze(input));
    expect(input).toEqual(before);
  });

  it('thresholds grow with the burn-rate factor and a single bad request never meets the guard', () => {
    const objectives = fc
      .tuple(fc.integer({ min: 1, max: 99 }), fc.integer({ min: 0, max: 9999 }))
      .map(([whole, frac]) => `${String(whole)}.${String(frac).padStart(4, '0')}`);
    fc.assert(
      fc.property(objectives, (objective) => {
        const model = sloModel(slo(objective));
        const byFactor = [...model.alerts].sort(
          (a, b) => Number(a.window.factor) - Number(b.window.factor),
        );
        for (let i = 1; i < byFactor.length; i += 1) {
          expect(Number(byFactor[i]?.threshold)).toBeGreaterThan(
            Number(byFactor[i - 1]?.threshold),
          );
        }
        for (const alert of model.alerts) {
          // One bad request among minEvents stays at or below the threshold.
          expect(1 / alert.minEvents).toBeLessThanOrEqual(Number(alert.threshold));
          expect(toDecimal(mul(rational(alert.window.factor), rational(model.budget)))).toBe(
            alert.threshold,
          );
        }
      }),
    );
  });

  it('keeps the workbook windows as data', () => {
    expect(burnWindows.map((w) => [w.factor, w.long, w.short, w.severity])).toEqual([
      ['14.4', '1h', '5m', 'critical'],
      ['6', '6h', '30m', 'critical'],
      ['1', '3d', '6h', 'warning'],
    ]);
  });
});

describe('exact decimals', () => {
  it.each([
    ['14.4 × 0.001', toDecimal(mul(rational('14.4'), rational('0.001'))), '0.0144'],
    ['100 − 99.9', toDecimal(sub(rational(100), rational('99.9'))), '0.1'],
    ['6 × 6 / 720', toDecimal(div(mul(rational(6), rational(6)), rational(720))), '0.05'],
    ['floor(1 / 0.0144)', String(floor(div(rational(1), rational('0.0144')))), '69'],
    ['-0.5', toDecimal(rational('-0.5')), '-0.5'],
  ])('%s is %s', (_name, actual, expected) => {
    expect(actual).toBe(expected);
  });

  it('1/3 has no finite decimal form and should fail.', () => {
    expect(() => toDecimal(div(rational(1), rational(3)))).toThrow(
      'slo: 1/3 has no finite decimal form',
    );
  });
});
