import { once } from 'node:events';
import { connect } from 'node:net';
import type { ProbeOptionsConfig } from '../../config/sections/agent-targets.ts';
import type { Probe } from './probe.ts';

export type TcpOptions = ProbeOptionsConfig['tcp'];

/** Opens a TCP connection and closes it again. */
export const tcp: Probe<TcpOptions> = async (options, { signal }) => {
  const socket = connect({ host: options.host, port: options.port });
  try {
    // Rejects on 'error' and when the signal fires.
    await once(socket, 'connect', { signal });
  } finally {
    socket.destroy();
  }
};
