import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MalformedResponse, parseResponse } from '../../../agent/probes/http-response.ts';
import { parseJsonPath, selectJsonPath } from '../../../lib/json-path.ts';

const parse = (text: string, ended = false, head = false) => {
  const result = parseResponse(Buffer.from(text, 'latin1'), { head, ended });
  return result.complete
    ? {
        status: result.status,
        body: result.body.toString('latin1'),
        type: result.headers.get('content-type'),
      }
    : 'incomplete';
};

describe('reading an HTTP/1.1 response', () => {
  const cases: readonly {
    name: string;
    text: string;
    ended?: boolean;
    head?: boolean;
    expected: unknown;
  }[] = [
    {
      name: 'a Content-Length body is complete once that many bytes arrived',
      text: 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}',
      expected: { status: 200, body: '{}', type: 'application/json' },
    },
    {
      name: 'a Content-Length body is incomplete before that',
      text: 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n{}',
      expected: 'incomplete',
    },
    {
      name: 'a chunked body is joined once the last chunk and trailers arrived',
      text: 'HTTP/1.1 503 Service Unavailable\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\nabcd\r\n2\r\nef\r\n0\r\nX-Trailer: 1\r\n\r\n',
      expected: { status: 503, body: 'abcdef', type: undefined },
    },
    {
      name: 'a chunked body without its last chunk is incomplete',
      text: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n',
      expected: 'incomplete',
    },
    {
      name: 'a body without framing ends when the server closes',
      text: 'HTTP/1.0 200 OK\r\n\r\nhello',
      ended: true,
      expected: { status: 200, body: 'hello', type: undefined },
    },
    {
      name: 'interim 1xx responses are skipped',
      text: 'HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n',
      expected: { status: 204, body: '', type: undefined },
    },
    {
      name: 'a HEAD response has no body whatever its Content-Length',
      text: 'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n',
      head: true,
      expected: { status: 200, body: '', type: undefined },
    },
  ];
  it.each(cases)('$name', ({ text, ended, head, expected }) => {
    expect(parse(text, ended, head)).toEqual(expected);
  });

  const malformed: readonly { name: string; text: string; message: string }[] = [
    {
      name: 'a non-HTTP answer',
      text: 'SSH-2.0-OpenSSH\r\n\r\n',
      message: 'http: bad status line "SSH-2.0-OpenSSH"',
    },
    {
      name: 'a header without a colon',
      text: 'HTTP/1.1 200 OK\r\nbroken\r\n\r\n',
      message: 'http: bad header line "broken"',
    },
    {
      name: 'a bad Content-Length',
      text: 'HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n',
      message: 'http: bad Content-Length',
    },
    {
      name: 'a close before the head',
      text: 'HTTP/1.1 200 OK\r\n',
      message: 'http: connection closed before the response head',
    },
  ];
  it.each(malformed)('$name is refused with its own message', ({ text, message }) => {
    expect(() => parseResponse(Buffer.from(text), { head: false, ended: true })).toThrow(
      new MalformedResponse(message.replace(/^http: /, '')),
    );
  });

  it('gives the same response however the bytes were split before completion', () => {
    const text = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n';
    fc.assert(
      fc.property(fc.integer({ min: 0, max: text.length - 1 }), (cut) => {
        expect(parse(text.slice(0, cut))).toBe('incomplete');
        expect(parse(text)).toEqual({ status: 200, body: 'abc', type: undefined });
      }),
    );
  });
});

describe('JSON paths of body conditions', () => {
  it.each([
    ['$.status', { status: 'ok' }, 'ok'],
    ['checks.postgres.status', { checks: { postgres: { status: 'up' } } }, 'up'],
    ['$.items[1].name', { items: [{ name: 'a' }, { name: 'b' }] }, 'b'],
    ['$.missing', { status: 'ok' }, undefined],
    ['$.status[0]', { status: 'ok' }, undefined],
  ])('%s selects the expected value', (path, value, expected) => {
    expect(selectJsonPath(value, parseJsonPath(path))).toEqual(expected);
  });

  it('refuses unsupported syntax naming the rest of the path', () => {
    expect(() => parseJsonPath('$..name')).toThrow('json-path: unexpected "..name" in "$..name"');
  });
});
