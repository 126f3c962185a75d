import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  coarseMissesNothing,
  peakOf,
  quantizeInto,
  quantizeQuery,
} from '../../../service/vectors/int8-codes.ts';

const dimension = 16;
const vectorArb = fc
  .array(fc.float({ min: -1, max: 1, noNaN: true }), {
    minLength: dimension,
    maxLength: dimension,
  })
  .map((values) => Float32Array.from(values));

const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] as number) * (b[i] as number);
  return sum;
};

describe('byte codes of vectors', () => {
  it('measure their own error, clamping included', () => {
    const vector = Float32Array.from([0.5, -1, 0.25, 0]);
    const codes = new Int8Array(4);
    // Scale 254 codes 0.5 as 127 and clamps -1 (-254) to -127: -1 comes back as -0.5.
    const { error, norm } = quantizeInto(vector, 254, codes, 0);
    expect([...codes]).toEqual([127, -127, 64, 0]);
    expect(error).toBeCloseTo(Math.hypot(0, 0.5, 0.25 - 64 / 254, 0), 9);
    expect(norm).toBeCloseTo(Math.hypot(0.5, 1, 0.25), 6);
  });

  it('never let a row outside the candidates pass the bound when it scores above it exactly', () => {
    fc.assert(
      fc.property(
        vectorArb,
        vectorArb,
        fc.double({ min: 1, max: 400, noNaN: true }),
        (query, row, scale) => {
          const codes = new Int8Array(dimension);
          const rowCodes = quantizeInto(row, scale, codes, 0);
          const coded = quantizeQuery(query);
          const coarse = dot(coded.codes, codes) / (scale * coded.scale);
          const exact = dot(query, row);
          // The row scored `coarse`; any threshold it reaches exactly must not be proved safe.
          expect(
            coarseMissesNothing(coarse, exact, coded, {
              maxError: rowCodes.error,
              maxNorm: rowCodes.norm,
            }),
          ).toBe(false);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('code a query on its own peak', () => {
    const coded = quantizeQuery(Float32Array.from([0.1, -0.2, 0.05]));
    expect(peakOf(Float32Array.from([0.1, -0.2, 0.05]))).toBeCloseTo(0.2, 6);
    expect(coded.codes[1]).toBe(-127);
    expect(coded.error).toBeLessThan(0.001);
  });
});
