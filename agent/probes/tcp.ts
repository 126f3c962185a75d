import { connect } from 'node:net';
import type { ProbeOptionsConfig } from '../../config/sections/agent-targets.ts';
import { untilAborted, type Probe } from './probe.ts';

export type TcpOptions = ProbeOptionsConfig['tcp'];

/** Opens a TCP connection and closes it again. */
export const tcp: Probe<TcpOptions> = async (options, { signal }) => {
  const socket = connect({ host: options.host, port: options.port });
  const aborted = untilAborted(signal);
  try {
    await Promise.race([
      new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('error', reject);
      }),
      aborted.promise,
    ]);
  } finally {
    aborted.dispose();
    socket.destroy();
  }
};
