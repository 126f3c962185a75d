/**
 * Reads an HTTP/1.1 response (RFC 9112) from the bytes received so far, for the HTTP probe's
 * one-request connections (`Connection: close`). Pure: the probe passes everything it has
 * received, and whether the server has closed the connection.
 */
export type ResponseParse =
  | { readonly complete: false }
  | {
      readonly complete: true;
      readonly status: number;
      readonly headers: ReadonlyMap<string, string>;
      readonly body: Buffer;
    };

export class MalformedResponse extends Error {
  constructor(message: string) {
    super(`http: ${message}`);
    this.name = 'MalformedResponse';
  }
}

// Servers limit request heads to 8–16 KiB; a response head past 64 KiB is not a health answer.
const headLimitBytes = 64 * 1024;
const incomplete = { complete: false } as const;

interface Head {
  readonly status: number;
  readonly headers: ReadonlyMap<string, string>;
  readonly bodyStart: number;
}

function parseHead(raw: Buffer, from: number): Head | undefined {
  const end = raw.indexOf('\r\n\r\n', from, 'latin1');
  if (end === -1) {
    if (raw.length - from > headLimitBytes) throw new MalformedResponse('response head too large');
    return undefined;
  }
  const lines = raw.toString('latin1', from, end).split('\r\n');
  const statusLine = /^HTTP\/1\.[01] (\d{3})(?: |$)/.exec(lines[0] ?? '');
  if (statusLine === null) {
    throw new MalformedResponse(`bad status line ${JSON.stringify(lines[0]?.slice(0, 64))}`);
  }
  const headers = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0)
      throw new MalformedResponse(`bad header line ${JSON.stringify(line.slice(0, 64))}`);
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    const previous = headers.get(name);
    headers.set(name, previous === undefined ? value : `${previous}, ${value}`);
  }
  return { status: Number(statusLine[1]), headers, bodyStart: end + 4 };
}

/** The body of a chunked message once its last chunk and trailers have arrived (RFC 9112 §7.1). */
function dechunk(raw: Buffer, from: number): Buffer | undefined {
  const parts: Buffer[] = [];
  let at = from;
  for (;;) {
    const lineEnd = raw.indexOf('\r\n', at, 'latin1');
    if (lineEnd === -1) return undefined;
    const sizeText = raw.toString('latin1', at, lineEnd).split(';')[0]?.trim() ?? '';
    if (!/^[0-9a-fA-F]{1,8}$/.test(sizeText)) throw new MalformedResponse('bad chunk size');
    const size = parseInt(sizeText, 16);
    at = lineEnd + 2;
    if (size === 0) {
      // Trailer fields, then an empty line.
      for (;;) {
        const trailerEnd = raw.indexOf('\r\n', at, 'latin1');
        if (trailerEnd === -1) return undefined;
        if (trailerEnd === at) return Buffer.concat(parts);
        at = trailerEnd + 2;
      }
    }
    if (raw.length < at + size + 2) return undefined;
    parts.push(raw.subarray(at, at + size));
    at += size + 2;
  }
}

/**
 * The response once complete: interim 1xx responses are skipped; the body ends by chunked
 * framing, Content-Length, or the server closing the connection (`ended`).
 */
export function parseResponse(
  raw: Buffer,
  options: { head: boolean; ended: boolean },
): ResponseParse {
  let from = 0;
  let head = parseHead(raw, from);
  while (head !== undefined && head.status >= 100 && head.status < 200) {
    from = head.bodyStart;
    head = parseHead(raw, from);
  }
  if (head === undefined) {
    if (options.ended) throw new MalformedResponse('connection closed before the response head');
    return incomplete;
  }
  const { status, headers, bodyStart } = head;
  const done = (body: Buffer): ResponseParse => ({ complete: true, status, headers, body });
  if (options.head || status === 204 || status === 304) return done(Buffer.alloc(0));
  if (/\bchunked\s*$/i.test(headers.get('transfer-encoding') ?? '')) {
    const body = dechunk(raw, bodyStart);
    if (body !== undefined) return done(body);
    if (options.ended) throw new MalformedResponse('connection closed inside a chunked body');
    return incomplete;
  }
  const lengthText = headers.get('content-length');
  if (lengthText !== undefined) {
    if (!/^\d+$/.test(lengthText)) throw new MalformedResponse('bad Content-Length');
    const length = Number(lengthText);
    if (raw.length - bodyStart >= length) return done(raw.subarray(bodyStart, bodyStart + length));
    if (options.ended) throw new MalformedResponse('connection closed before Content-Length bytes');
    return incomplete;
  }
  return options.ended ? done(raw.subarray(bodyStart)) : incomplete;
}
