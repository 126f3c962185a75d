import { z } from 'zod';
import { setting } from '../setting.ts';
import { millis } from './primitives.ts';

/** HTTPS for the service: off (plain HTTP) unless both files are set. */
export const tls = z
  .object({
    certFile: setting(z.string().min(1).optional(), {
      env: 'AIDB_TLS_CERT_FILE',
      doc: 'PEM certificate chain the service serves over HTTPS; with `tls.keyFile`, turns HTTPS on. Reloaded without a restart when it changes.',
    }),
    keyFile: setting(z.string().min(1).optional(), {
      env: 'AIDB_TLS_KEY_FILE',
      doc: 'PEM private key of `tls.certFile`.',
    }),
    caFile: setting(z.string().min(1).optional(), {
      env: 'AIDB_TLS_CA_FILE',
      doc: 'PEM bundle of intermediate or client CAs sent with the certificate (optional).',
    }),
    watchIntervalMs: setting(millis.default(2_000), {
      env: 'AIDB_TLS_WATCH_INTERVAL_MS',
      doc: 'How often the certificate files are checked for changes; a new pair is swapped in without dropping connections.',
    }),
  })
  .strict()
  .superRefine((value, ctx) => {
    if ((value.certFile === undefined) !== (value.keyFile === undefined)) {
      const missing = value.certFile === undefined ? 'certFile' : 'keyFile';
      ctx.addIssue({
        code: 'custom',
        path: [missing],
        message: 'HTTPS needs both tls.certFile and tls.keyFile',
      });
    }
    if (value.caFile !== undefined && value.certFile === undefined) {
      ctx.addIssue({ code: 'custom', path: ['caFile'], message: 'needs tls.certFile' });
    }
  });

export type TlsConfig = z.output<typeof tls>;
