import { createServer } from 'node:net';

/**
 * Listens on `host:port` and closes again: the error a server starting there now would meet
 * (EADDRINUSE, EACCES…), or undefined when the address is free.
 */
export function tryListen(host: string, port: number): Promise<unknown> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', resolve);
    server.listen({ host, port, exclusive: true }, () => {
      server.close(() => {
        resolve(undefined);
      });
    });
  });
}
