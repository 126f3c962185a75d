import { describe, expect, it } from 'vitest';
import { defaultTargets, resolveTargets } from '../../../agent/targets.ts';
import { ConfigError } from '../../../config/errors.ts';
import { loadConfig } from '../../../config/load.ts';

const file = '/etc/aidb.yaml';

function load(yaml: string, env: Record<string, string> = {}, files: Record<string, string> = {}) {
  return loadConfig({
    env,
    configPath: file,
    readFile: (path) => {
      const content = path === file ? yaml : files[path];
      if (content === undefined) throw Object.assign(new Error(path), { code: 'ENOENT' });
      return content;
    },
  });
}

function problemsOf(yaml: string, env: Record<string, string> = {}): readonly string[] {
  try {
    load(yaml, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected the configuration to be rejected');
}

/** A valid http target as YAML lines under `agent.targets`, with one line changed. */
const http = (extra = '', url = 'http://127.0.0.1:8080/health') =>
  `agent:\n  targets:\n    - name: api\n      probe: http\n${extra}      options:\n        url: ${url}\n`;

describe('agent settings: each bad file gives its exact message', () => {
  const cases: readonly {
    name: string;
    yaml: string;
    env?: Record<string, string>;
    problems: string[];
  }[] = [
    {
      name: 'an unknown probe kind lists the kinds',
      yaml: 'agent:\n  targets:\n    - name: api\n      probe: icmp\n',
      problems: [
        `agent.targets.0.probe: Invalid discriminator value. Expected 'http' | 'tcp' | 'tls' | 'postgres' | 'redis' | 'qdrant' (from file ${file})`,
      ],
    },
    {
      name: 'a target name with capitals is refused',
      yaml: http().replace('name: api', 'name: API'),
      problems: [
        `agent.targets.0.name: must be 1 to 63 lowercase letters, digits, ".", "_" or "-", starting with a letter or digit (from file ${file})`,
      ],
    },
    {
      name: 'a default target name is reserved',
      yaml: http().replace('name: api', 'name: postgres'),
      problems: [`agent.targets.0.name: "postgres" is a default target name (from file ${file})`],
    },
    {
      name: 'a name used twice is refused at its second use',
      yaml: `${http()}    - name: api\n      probe: tcp\n      options:\n        host: db\n        port: 5432\n`,
      problems: [`agent.targets.1.name: "api" is used twice (from file ${file})`],
    },
    {
      name: 'a timeout longer than the interval is contradictory',
      yaml: http('      intervalMs: 1000\n      timeoutMs: 2000\n'),
      problems: [
        `agent.targets.0.timeoutMs: 2000 ms is longer than the interval of 1000 ms (from file ${file})`,
      ],
    },
    {
      name: 'a password in a PostgreSQL URL belongs in passwordFile',
      yaml: 'agent:\n  targets:\n    - name: replica\n      probe: postgres\n      options:\n        url: postgres://u:secret@db/aidb\n',
      problems: [
        `agent.targets.0.options.url: must not contain a password; put it in the file passwordFile names (from file ${file})`,
      ],
    },
    {
      name: 'an unknown option of a kind is named with its path',
      yaml: 'agent:\n  targets:\n    - name: db\n      probe: tcp\n      options:\n        host: db\n        port: 5432\n        tls: true\n',
      problems: [`agent.targets.0.options.tls: unknown setting (from file ${file})`],
    },
    {
      name: 'a regular expression that does not compile',
      yaml: http('', 'http://127.0.0.1/h\n        bodyRegex: "(unclosed"'),
      problems: [
        `agent.targets.0.options.bodyRegex: is not a valid regular expression (from file ${file})`,
      ],
    },
    {
      name: 'an unsupported JSON path',
      yaml: http('', 'http://127.0.0.1/h\n        bodyJsonPath: { path: "$..status", equals: ok }'),
      problems: [
        `agent.targets.0.options.bodyJsonPath.path: is not a supported JSON path ($.a.b[0]) (from file ${file})`,
      ],
    },
    {
      name: 'a header value that would end the header line is refused',
      yaml: http('', 'http://127.0.0.1/h\n        headers: { x-probe: "a\\r\\nHost: evil" }'),
      problems: [
        `agent.targets.0.options.headers.x-probe: must not contain control characters (from file ${file})`,
      ],
    },
    {
      name: 'a bad cron expression of a job',
      yaml: '',
      env: { AIDB_AGENT_GC_SCHEDULE: '61 * * * *' },
      problems: [
        'agent.jobs.gc.schedule: is not a valid cron expression (CronPattern: Invalid value for minute: 61) (from env AIDB_AGENT_GC_SCHEDULE)',
      ],
    },
    {
      name: 'default timing where the timeout exceeds the interval',
      yaml: '',
      env: { AIDB_AGENT_PROBE_INTERVAL_MS: '1000', AIDB_AGENT_PROBE_TIMEOUT_MS: '5000' },
      problems: [
        'agent.probeDefaults.timeoutMs: 5000 ms is longer than the interval of 1000 ms (from env AIDB_AGENT_PROBE_TIMEOUT_MS)',
      ],
    },
  ];
  it('has twelve cases', () => {
    expect(cases).toHaveLength(12);
  });
  it.each(cases)('$name', ({ yaml, env, problems }) => {
    expect(problemsOf(yaml, env)).toEqual(problems);
  });
});

describe('targets the agent probes', () => {
  it('derives the service’s health endpoints and each configured dependency', () => {
    const { config } = load('', {
      AIDB_PROFILE: 'external',
      DATABASE_URL: 'postgres://aidb@db:5432/aidb',
      DATABASE_PASSWORD: 'pw',
      REDIS_URL: 'redis://cache:6379',
      QDRANT_URL: 'http://qdrant:6333',
      QDRANT_API_KEY: 'qk',
      AIDB_AGENT_SERVICE_URL: 'http://10.0.0.5:8091/',
    });
    const timing = {
      intervalMs: 15_000,
      timeoutMs: 5_000,
      failureThreshold: 3,
      successThreshold: 1,
      initialDelayMs: 0,
    };
    const health = (name: string, path: string) => ({
      name,
      probe: 'http',
      dependency: 'service',
      timing,
      options: {
        url: `http://10.0.0.5:8091${path}`,
        method: 'GET',
        validStatusCodes: [],
        headers: {},
        tlsVerify: true,
      },
    });
    expect(defaultTargets(config)).toEqual([
      health('service-live', '/health/live'),
      health('service-ready', '/health/ready'),
      health('service-startup', '/health/startup'),
      {
        name: 'postgres',
        probe: 'postgres',
        dependency: 'postgres',
        timing,
        options: { url: 'postgres://aidb@db:5432/aidb', password: 'pw' },
      },
      {
        name: 'redis',
        probe: 'redis',
        dependency: 'redis',
        timing,
        options: { url: 'redis://cache:6379', password: undefined },
      },
      {
        name: 'qdrant',
        probe: 'qdrant',
        dependency: 'qdrant',
        timing,
        options: { url: 'http://qdrant:6333', apiKey: 'qk' },
      },
    ]);
  });

  it('probes only the service on the embedded profile', () => {
    const { config } = load('');
    expect(defaultTargets(config).map((t) => t.name)).toEqual([
      'service-live',
      'service-ready',
      'service-startup',
    ]);
  });

  it('reads secret files of configured targets and fills in the default timing', () => {
    const yaml =
      'agent:\n  defaultTargets: false\n  targets:\n    - name: replica\n      probe: postgres\n      failureThreshold: 5\n      options:\n        url: postgres://aidb@replica/aidb\n        passwordFile: /run/secrets/replica\n';
    const { config } = load(yaml);
    const read = (path: string) => {
      if (path === '/run/secrets/replica') return 'pw\n';
      throw Object.assign(new Error(path), { code: 'ENOENT' });
    };
    expect(resolveTargets(config, read)).toEqual([
      {
        name: 'replica',
        probe: 'postgres',
        dependency: 'none',
        timing: {
          intervalMs: 15_000,
          timeoutMs: 5_000,
          failureThreshold: 5,
          successThreshold: 1,
          initialDelayMs: 0,
        },
        options: { url: 'postgres://aidb@replica/aidb', password: 'pw' },
      },
    ]);
    expect(() =>
      resolveTargets(config, () => {
        throw Object.assign(new Error('x'), { code: 'EACCES' });
      }),
    ).toThrow('agent: target replica: cannot read /run/secrets/replica (EACCES)');
  });
});
