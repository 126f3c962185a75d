import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/**
 * The status a URL on this host answers a GET with. Over HTTPS the certificate is not checked:
 * it names the service's public host, not the loopback address asked here, and what is being
 * established is whether the process is up, not who it is (`aidb up` checks that by the
 * listening socket's owner; the container's own health check is inside the container).
 */
export function localStatus(url: string, signal: AbortSignal): Promise<number> {
  const target = new URL(url);
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(target, { method: 'GET', signal, rejectUnauthorized: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}
