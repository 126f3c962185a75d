import { createServer, type Server } from 'node:https';
import type { FastifyServerFactory } from 'fastify';
import type { TlsMaterial } from './certificate-files.ts';

export interface HttpsServer {
  /** Hands Fastify an HTTPS server instead of its default HTTP one. */
  readonly factory: FastifyServerFactory;
  /** New connections get this material; open ones keep theirs until they close. */
  swap(material: TlsMaterial): void;
}

const contextOf = (material: TlsMaterial) => ({
  cert: material.cert,
  key: material.key,
  ...(material.ca === undefined ? {} : { ca: material.ca }),
});

export function createHttpsServer(initial: TlsMaterial, requestTimeoutMs: number): HttpsServer {
  let server: Server | undefined;
  return {
    factory: (handler) => {
      server = createServer({ ...contextOf(initial), requestTimeout: requestTimeoutMs }, handler);
      return server;
    },
    swap(material) {
      if (server === undefined) throw new Error('tls: the HTTPS server was not created yet');
      server.setSecureContext(contextOf(material));
    },
  };
}
