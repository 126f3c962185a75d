import { createServer, type IncomingMessage, type Server } from 'node:http';
import { once } from 'node:events';
import { embedText } from '../../service/embeddings/builtin.ts';

/**
 * A contract stub of an OpenAI-compatible embeddings server (`POST /v1/embeddings`, as served by
 * OpenAI, llama.cpp and vLLM), written from the published API. It is not a model: it answers with
 * the built-in lexical vectors, and can be told to misbehave.
 */
export interface EmbeddingsStub {
  readonly url: string;
  /** Inputs of every request received, in order. */
  readonly requests: {
    input: string[];
    model: string;
    authorization: string | undefined;
    traceparent: string | undefined;
  }[];
  /** How the next requests are answered. */
  mode: 'ok' | 'hang' | 'error500' | 'wrong_dimension' | 'not_json';
  /** Milliseconds every answer waits (a slow model). */
  delayMs: number;
  close(): Promise<void>;
}

async function readJson(request: IncomingMessage): Promise<{ input: string[]; model: string }> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as { input: string[]; model: string };
}

export async function startEmbeddingsStub(dimension: number): Promise<EmbeddingsStub> {
  const stub: EmbeddingsStub = {
    url: '',
    requests: [],
    mode: 'ok',
    delayMs: 0,
    close: () => Promise.resolve(),
  };
  const server: Server = createServer((request, response) => {
    void readJson(request).then(async (body) => {
      if (stub.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, stub.delayMs));
      stub.requests.push({
        ...body,
        authorization: request.headers.authorization,
        traceparent: request.headers.traceparent as string | undefined,
      });
      if (request.url !== '/v1/embeddings' || request.method !== 'POST') {
        response.writeHead(404).end();
        return;
      }
      switch (stub.mode) {
        case 'hang':
          return;
        case 'error500':
          response.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"boom"}');
          return;
        case 'not_json':
          response.writeHead(200, { 'content-type': 'application/json' }).end('<html>');
          return;
        case 'wrong_dimension':
        case 'ok': {
          const size = stub.mode === 'ok' ? dimension : dimension + 1;
          const data = body.input.map((text, index) => ({
            object: 'embedding',
            index,
            embedding: Array.from(embedText(text, size)),
          }));
          response
            .writeHead(200, { 'content-type': 'application/json' })
            .end(JSON.stringify({ object: 'list', model: body.model, data }));
        }
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return Object.assign(stub, {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  });
}
