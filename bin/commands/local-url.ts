import type { Config } from '../../config/schema.ts';

/** The URL of a listener from this machine: a wildcard address is reached through loopback. */
export function localUrl(host: string, port: number, scheme: 'http' | 'https' = 'http'): string {
  const reachable =
    host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return `${scheme}://${reachable}:${port}`;
}

/** The service's URL from this machine, over HTTPS when `tls.certFile` turns it on. */
export function serviceUrl(config: Config): string {
  const scheme = config.tls.certFile === undefined ? 'http' : 'https';
  return localUrl(config.service.host, config.service.port, scheme);
}
