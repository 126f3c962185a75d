import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../config/errors.ts';
import { loadConfig, type LoadConfigInput } from '../../../config/load.ts';

/** An in-memory file system for the loader: path -> content. */
function input(
  env: Record<string, string>,
  files: Record<string, string> = {},
  configPath?: string,
): LoadConfigInput {
  return {
    env,
    configPath,
    readFile: (path) => {
      const content = files[path];
      if (content === undefined) {
        throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
      }
      return content;
    },
  };
}

// A syntactically valid age identity (not a real key: nothing is encrypted to it).
const ageIdentity = `AGE-SECRET-KEY-1${'Q'.repeat(58)}`;

function problemsOf(source: LoadConfigInput): readonly string[] {
  try {
    loadConfig(source);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected the configuration to be rejected');
}

describe('loadConfig precedence', () => {
  it('uses the defaults when nothing is set', () => {
    const { config, origins } = loadConfig(input({}));
    expect(config.profile).toBe('embedded');
    expect(config.service.port).toBe(8091);
    expect(config.agent.port).toBe(9470);
    expect(config.backups.retention).toEqual({
      daily: 7,
      weekly: 4,
      monthly: 12,
      timeZone: 'UTC',
      minVerified: 3,
      gracePeriodDays: 7,
      maxDeletions: 10,
    });
    expect(origins.size).toBe(0);
  });

  it('lets the file override a default', () => {
    const source = input({}, { '/etc/aidb.yaml': 'service:\n  port: 9000\n' }, '/etc/aidb.yaml');
    const { config, origins } = loadConfig(source);
    expect(config.service.port).toBe(9000);
    expect(origins.get('service.port')).toEqual({ kind: 'file', path: '/etc/aidb.yaml' });
  });

  it('accepts the dotted paths of the settings table as top-level keys', () => {
    const yaml =
      'service.port: 9000\nbackups.retention.daily: 3\nbackups:\n  retention:\n    weekly: 2\n';
    const { config, origins } = loadConfig(input({}, { '/etc/aidb.yaml': yaml }, '/etc/aidb.yaml'));
    expect(config.service.port).toBe(9000);
    expect(config.backups.retention).toMatchObject({ daily: 3, weekly: 2 });
    expect(origins.get('service.port')).toEqual({ kind: 'file', path: '/etc/aidb.yaml' });
  });

  it('refuses a setting given both dotted and nested', () => {
    const yaml = 'service.port: 9000\nservice:\n  port: 9001\n';
    expect(problemsOf(input({}, { '/a.yaml': yaml }, '/a.yaml'))).toEqual([
      'config file /a.yaml: service.port is given twice',
    ]);
  });

  it('lets the environment override the file', () => {
    const files = { '/etc/aidb.yaml': 'service:\n  port: 9000\n' };
    const { config, origins } = loadConfig(input({ AIDB_PORT: '9100' }, files, '/etc/aidb.yaml'));
    expect(config.service.port).toBe(9100);
    expect(origins.get('service.port')).toEqual({ kind: 'env', name: 'AIDB_PORT' });
  });

  it('takes the file from AIDB_CONFIG when --config is absent', () => {
    const files = { '/a.yaml': 'logLevel: debug\n', '/b.yaml': 'logLevel: warn\n' };
    expect(loadConfig(input({ AIDB_CONFIG: '/a.yaml' }, files)).config.logLevel).toBe('debug');
    expect(loadConfig(input({ AIDB_CONFIG: '/a.yaml' }, files, '/b.yaml')).config.logLevel).toBe(
      'warn',
    );
  });

  it('treats an empty environment variable as unset', () => {
    expect(loadConfig(input({ AIDB_PORT: '' })).config.service.port).toBe(8091);
  });

  it('parses lists and booleans from the environment', () => {
    const { config } = loadConfig(
      input({ AIDB_TRUSTED_PROXIES: '10.0.0.1, 10.0.0.0/8,', AIDB_READS_REQUIRE_KEY: 'false' }),
    );
    expect(config.service.trustedProxies).toEqual(['10.0.0.1', '10.0.0.0/8']);
    expect(config.auth.readsRequireKey).toBe(false);
  });

  it('accepts an empty config file', () => {
    expect(loadConfig(input({}, { '/e.yaml': '' }, '/e.yaml')).config.service.port).toBe(8091);
  });
});

describe('secrets from X or X_FILE', () => {
  it('reads a secret from its _FILE and drops the final newline', () => {
    const files = { '/run/secrets/db': 'postgres://aidb:s3cret@db:5432/aidb\n' };
    const { config, origins } = loadConfig(
      input({ AIDB_PROFILE: 'external', DATABASE_URL_FILE: '/run/secrets/db' }, files),
    );
    expect(config.database.url).toBe('postgres://aidb:s3cret@db:5432/aidb');
    expect(origins.get('database.url')).toEqual({ kind: 'env', name: 'DATABASE_URL_FILE' });
  });

  it('reads a secret straight from the environment', () => {
    const { config } = loadConfig(input({ REDIS_PASSWORD: 'pw' }));
    expect(config.redis.password).toBe('pw');
  });

  it('offers _FILE for every secret setting and for no other', () => {
    const { config } = loadConfig(
      input(
        {
          DATABASE_PASSWORD_FILE: '/s',
          REDIS_PASSWORD_FILE: '/s',
          QDRANT_API_KEY_FILE: '/s',
          EMBEDDINGS_API_KEY_FILE: '/s',
          AIDB_API_KEYS_FILE: '/api-keys',
          AIDB_AGENT_ADMIN_KEY_FILE: '/s',
          AIDB_BACKUP_IDENTITY_FILE: '/k',
          AIDB_PORT_FILE: '/s',
        },
        {
          '/s': 'x\n',
          '/k': `${ageIdentity}\n`,
          '/api-keys': 'ops:admin:plain:a-key-of-16-chars+\n',
        },
      ),
    );
    expect(config.database.password).toBe('x');
    expect(config.redis.password).toBe('x');
    expect(config.qdrant.apiKey).toBe('x');
    expect(config.embeddings.apiKey).toBe('x');
    expect(config.auth.apiKeys).toBe('ops:admin:plain:a-key-of-16-chars+');
    expect(config.agent.adminKey).toBe('x');
    expect(config.backups.identity).toBe(ageIdentity);
    expect(config.service.port).toBe(8091);
  });
});

describe('each invalid configuration gives its own exact message', () => {
  const cases: readonly {
    readonly name: string;
    readonly source: LoadConfigInput;
    readonly problems: readonly string[];
  }[] = [
    {
      name: 'a non-number in a numeric variable names the variable and the value',
      source: input({ AIDB_PORT: 'eighty' }),
      problems: ['service.port: expected a number, got "eighty" (from env AIDB_PORT)'],
    },
    {
      name: 'an out-of-range number from the file names the file',
      source: input({}, { '/c.yaml': 'service:\n  port: 70000\n' }, '/c.yaml'),
      problems: ['service.port: Too big: expected number to be <=65535 (from file /c.yaml)'],
    },
    {
      name: 'an unknown key in the file is reported with its full path',
      source: input({}, { '/c.yaml': 'service:\n  prot: 80\n' }, '/c.yaml'),
      problems: ['service.prot: unknown setting (from file /c.yaml)'],
    },
    {
      name: 'an unknown enum value lists the allowed ones',
      source: input({ AIDB_PROFILE: 'cloud' }),
      problems: [
        'profile: Invalid option: expected one of "embedded"|"external" (from env AIDB_PROFILE)',
      ],
    },
    {
      name: 'a bad boolean names what is accepted',
      source: input({ AIDB_READS_REQUIRE_KEY: 'maybe' }),
      problems: [
        'auth.readsRequireKey: expected true or false, got "maybe" (from env AIDB_READS_REQUIRE_KEY)',
      ],
    },
    {
      name: 'the external profile needs a database URL',
      source: input({ AIDB_PROFILE: 'external' }),
      problems: ['database.url: required when profile is external (not set; env DATABASE_URL)'],
    },
    {
      name: 'a secret and its _FILE together are ambiguous',
      source: input({ REDIS_PASSWORD: 'a', REDIS_PASSWORD_FILE: '/p' }, { '/p': 'b' }),
      problems: ['redis.password: set REDIS_PASSWORD or REDIS_PASSWORD_FILE, not both'],
    },
    {
      name: 'an unreadable _FILE names the path and the error code',
      source: input({ QDRANT_API_KEY_FILE: '/missing' }),
      problems: ['qdrant.apiKey: cannot read QDRANT_API_KEY_FILE /missing (ENOENT)'],
    },
    {
      name: 'a secret written in the config file is refused',
      source: input({}, { '/c.yaml': 'agent:\n  adminKey: hunter2\n' }, '/c.yaml'),
      problems: [
        'agent.adminKey: is a secret; set AIDB_AGENT_ADMIN_KEY or AIDB_AGENT_ADMIN_KEY_FILE instead (from file /c.yaml)',
      ],
    },
    {
      name: 'a missing config file is reported',
      source: input({}, {}, '/nope.yaml'),
      problems: ['config file /nope.yaml: cannot read it (ENOENT)'],
    },
    {
      name: 'a config file that is not a mapping is reported',
      source: input({}, { '/c.yaml': '- a\n- b\n' }, '/c.yaml'),
      problems: ['config file /c.yaml: must be a YAML mapping'],
    },
    {
      name: 'broken YAML is reported with its position',
      source: input({}, { '/c.yaml': 'service: [\n' }, '/c.yaml'),
      problems: ['config file /c.yaml: deficient indentation (2:1)'],
    },
    {
      name: 'an invalid URL is reported without echoing it',
      source: input({ QDRANT_URL: 'ftp://qdrant:6333' }),
      problems: ['qdrant.url: Invalid URL (from env QDRANT_URL)'],
    },
    {
      name: 'a retention time zone Intl does not know is refused',
      source: input({ AIDB_BACKUP_TIME_ZONE: 'Mars/Olympus' }),
      problems: [
        'backups.retention.timeZone: not an IANA time zone (from env AIDB_BACKUP_TIME_ZONE)',
      ],
    },
    {
      name: 'a backup recipient that is not an X25519 age recipient is refused',
      source: input({ AIDB_BACKUP_RECIPIENTS: 'age1pq1xyz' }),
      problems: [
        'backups.recipients.0: not an age X25519 recipient (age1…) (from env AIDB_BACKUP_RECIPIENTS)',
      ],
    },
    {
      name: 'a malformed backup identity is refused without echoing it',
      source: input({ AIDB_BACKUP_IDENTITY: 'hunter2' }),
      problems: [
        'backups.identity: line 1 is not an age X25519 identity (AGE-SECRET-KEY-1…) (from env AIDB_BACKUP_IDENTITY)',
      ],
    },
    {
      name: 'an identity file of comments only is refused',
      source: input({
        AIDB_BACKUP_IDENTITY: '# created: 2026-01-01T00:00:00Z\n\n# public key: age1x',
      }),
      problems: [
        'backups.identity: holds no age identity (AGE-SECRET-KEY-1…), only comments or blank lines (from env AIDB_BACKUP_IDENTITY)',
      ],
    },
    {
      name: 'a certificate without its key is refused',
      source: input({ AIDB_TLS_CERT_FILE: '/tls/cert.pem' }),
      problems: [
        'tls.keyFile: HTTPS needs both tls.certFile and tls.keyFile (not set; env AIDB_TLS_KEY_FILE)',
      ],
    },
    {
      name: 'renewing certificates without agreeing to the terms is refused',
      source: input(
        {},
        {
          '/c.yaml':
            'agent:\n  jobs:\n    certificates:\n      certificates:\n        - domains: [aidb.example.org]\n          certFile: /c.pem\n          keyFile: /k.pem\n',
        },
        '/c.yaml',
      ),
      problems: [
        'agent.jobs.certificates.termsOfServiceAgreed: must be true to renew certificates (the CA requires agreement) (not set; env AIDB_AGENT_ACME_TERMS_OF_SERVICE_AGREED)',
      ],
    },
    {
      name: 'a wildcard domain is refused (HTTP-01 cannot prove it)',
      source: input(
        {},
        {
          '/c.yaml':
            'agent:\n  jobs:\n    certificates:\n      termsOfServiceAgreed: true\n      certificates:\n        - domains: ["*.example.org"]\n          certFile: /c.pem\n          keyFile: /k.pem\n',
        },
        '/c.yaml',
      ),
      problems: [
        'agent.jobs.certificates.certificates.0.domains.0: is not a lower-case DNS name (from file /c.yaml)',
      ],
    },
    {
      name: 'a copy whose retention keeps less than the primary is refused, naming both settings',
      source: input(
        { AIDB_BACKUP_KEEP_DAILY: '14' },
        {
          '/c.yaml':
            'backups:\n  copies:\n    - kind: path\n      name: volume\n      path: /mnt/copy\n      retention:\n        daily: 7\n        monthly: 24\n',
        },
        '/c.yaml',
      ),
      problems: [
        'backups.copies.0.retention.daily: 7 keeps less than backups.retention.daily (14); a copy never keeps less than the primary (from file /c.yaml)',
      ],
    },
  ];

  it('covers every case in the table', () => {
    expect(cases).toHaveLength(21);
  });

  it.each(cases)('$name', ({ source, problems }) => {
    expect(problemsOf(source)).toEqual(problems);
  });

  it('reports every problem at once, not only the first', () => {
    const problems = problemsOf(
      input({ AIDB_PORT: 'x', AIDB_AGENT_PORT: '-1', AIDB_PROFILE: 'external' }),
    );
    expect(problems).toHaveLength(3);
  });
});

describe('secrets never appear in messages', () => {
  it('does not echo a malformed secret value', () => {
    const secret = 'postgres://aidb:TopSecret42@db/aidb';
    const source = input(
      { DATABASE_URL: secret, DATABASE_PASSWORD: 'TopSecret42', AIDB_PROFILE: 'nope' },
      { '/c.yaml': 'redis:\n  password: TopSecret42\n' },
      '/c.yaml',
    );
    let message = '';
    try {
      loadConfig(source);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('redis.password: is a secret');
    expect(message).not.toContain('TopSecret42');
  });
});
