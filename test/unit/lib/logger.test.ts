import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../lib/logger.ts';
import { prettyLine } from '../../../lib/pretty-log.ts';

function capture(format: 'json' | 'pretty', isTTY = false) {
  const lines: string[] = [];
  const logger = createLogger({
    level: 'info',
    name: 'backup',
    format,
    destination: { isTTY, write: (text: string) => lines.push(text) },
  });
  return { logger, lines };
}

describe('the logger', () => {
  it('writes one `level` key per JSON line, even when a field is called level', () => {
    const { logger, lines } = capture('json');
    logger.info({ id: 'postgres-1', level: '2' }, 'backup verified');
    const line = lines.join('');
    expect(line.match(/"level":/g)).toHaveLength(1);
    expect(JSON.parse(line)).toMatchObject({ level: 'info', level_field: '2', id: 'postgres-1' });
  });

  it('writes readable lines for a person, clearing a progress line on a terminal', () => {
    const { logger, lines } = capture('pretty', true);
    logger.warn({ target: 'postgres', reason: 'no space' }, 'backup failed');
    expect(lines).toHaveLength(1);
    const clear = '\r\u001b[2K';
    expect(lines[0]?.startsWith(clear)).toBe(true);
    expect(lines[0]?.slice(clear.length)).toMatch(
      /^\d\d:\d\d:\d\d WARN {2}backup: backup failed target=postgres reason="no space"\n$/,
    );
    expect(lines[0]).not.toContain('{');
  });

  it('shows an error by its message, without the stack', () => {
    const { logger, lines } = capture('pretty');
    logger.error({ err: new Error('disk full') }, 'backup failed');
    expect(lines[0]).toMatch(/ERROR backup: backup failed err="disk full"\n$/);
  });

  it('leaves a line that is not JSON as it is', () => {
    expect(prettyLine('plain text\n')).toBe('plain text');
  });
});
