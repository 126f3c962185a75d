/**
 * The restore_command of a private server (wal-server.ts): `node wal-client.ts <socket> %f %p`.
 * Exit 0 when the file was written, 1 when the archive has none (how recovery learns the
 * archive ends), 1 with the reason on stderr (the server's log) when it could not be delivered.
 * Runs as the server user with no access to the repository or the key; imports nothing.
 */
import { connect } from 'node:net';
import { resolve } from 'node:path';

const [socketPath = '', name = '', path = ''] = process.argv.slice(2);
let reply = '';
const socket = connect(socketPath, () => {
  socket.write(`${name}\n${resolve(path)}\n\n`);
});
socket.setEncoding('utf8');
socket.on('data', (chunk: string) => (reply += chunk));
socket.on('error', (error) => {
  process.stderr.write(`aidb wal-client: ${error.message}\n`);
  process.exitCode = 1;
});
socket.on('close', () => {
  const line = reply.trim();
  if (line === 'ok') return;
  if (line.startsWith('error ')) process.stderr.write(`aidb wal-client: ${line.slice(6)}\n`);
  process.exitCode = 1;
});
