import { z } from 'zod';
import { setting } from '../setting.ts';
import { httpUrl, port } from './primitives.ts';

export const agent = z
  .object({
    host: setting(z.string().min(1).default('127.0.0.1'), {
      env: 'AIDB_AGENT_HOST',
      doc: 'Address of the agent’s metrics and status endpoint.',
    }),
    port: setting(port.default(9470), {
      env: 'AIDB_AGENT_PORT',
      doc: 'Port of the agent’s metrics and status endpoint.',
    }),
    serviceUrl: setting(httpUrl.default('http://127.0.0.1:8091'), {
      env: 'AIDB_AGENT_SERVICE_URL',
      doc: 'Base URL of the co-located service the agent probes.',
    }),
    adminKey: setting(z.string().min(1).optional(), {
      env: 'AIDB_AGENT_ADMIN_KEY',
      secret: true,
      doc: 'Admin API key the agent uses for the service’s maintenance routes.',
    }),
  })
  .strict();
