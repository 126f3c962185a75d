import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { agentEntry } from '../../../agent/entry.ts';
import { buildIsCurrent, digestSources, sourceStamp } from '../../../lib/build-stamp.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const file = (path: string, text: string) => ({ path, content: Buffer.from(text) });

describe('the build stamp', () => {
  it('is one digest whatever order the files come in, and changes with a path or a byte', () => {
    const a = file('agent/a.ts', 'export const a = 1;');
    const b = file('agent/b.ts', 'export const b = 2;');
    expect(digestSources([a, b])).toBe(digestSources([b, a]));
    expect(digestSources([a, b])).not.toBe(
      digestSources([a, file('agent/b.ts', 'export const b = 3;')]),
    );
    expect(digestSources([a, b])).not.toBe(
      digestSources([a, file('agent/c.ts', 'export const b = 2;')]),
    );
    // A byte moved from one file to the next is a different source tree.
    expect(digestSources([file('x', 'ab'), file('y', 'c')])).not.toBe(
      digestSources([file('x', 'a'), file('y', 'bc')]),
    );
  });

  it('covers the checkout: the same sources give the same stamp', () => {
    expect(sourceStamp(root)).toMatch(/^[0-9a-f]{64}$/);
    expect(sourceStamp(root)).toBe(sourceStamp(root));
  });

  it('calls a checkout without a build not current', () => {
    const empty = mkdtempSync(join(tmpdir(), 'aidb-build-stamp-'));
    try {
      expect(buildIsCurrent(empty)).toBe(false);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe('the agent entry', () => {
  it('is the compiled CLI when the build is current, the TypeScript one when it is not', () => {
    expect(agentEntry(() => true)).toEqual({
      script: join(root, 'build/bin/aidb.js'),
      compiled: true,
    });
    expect(agentEntry(() => false)).toEqual({ script: join(root, 'bin/aidb.ts'), compiled: false });
  });
});
