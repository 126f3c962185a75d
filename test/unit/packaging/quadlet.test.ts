import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (path: string): string =>
  readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');

/** A systemd unit file as section → key → values (keys may repeat). */
function parseUnit(text: string): Map<string, Map<string, string[]>> {
  const sections = new Map<string, Map<string, string[]>>();
  let current = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const section = /^\[(\w+)\]$/.exec(line);
    if (section !== null) {
      current = new Map();
      sections.set(section[1] ?? '', current);
      continue;
    }
    const [key = '', ...rest] = line.split('=');
    current.set(key, [...(current.get(key) ?? []), rest.join('=')]);
  }
  return sections;
}

const units = {
  service: parseUnit(read('deploy/quadlet/aidb.container')),
  agent: parseUnit(read('deploy/quadlet/aidb-agent.container')),
};

describe('the Quadlet units', () => {
  it.each(Object.entries(units))(
    'run the %s read-only, without new privileges, restarted by systemd',
    (_, unit) => {
      const container = unit.get('Container');
      expect(container?.get('ReadOnly')).toEqual(['true']);
      expect(container?.get('NoNewPrivileges')).toEqual(['true']);
      expect(container?.get('DropCapability')).toEqual(['ALL']);
      expect(container?.get('EnvironmentFile')).toEqual(['/etc/aidb/aidb.env']);
      expect(unit.get('Service')?.get('Restart')).toEqual(['always']);
    },
  );

  it('start the agent after the service, in its network namespace, on the same data volume', () => {
    expect(units.service.get('Container')?.get('Exec')).toEqual(['serve']);
    expect(units.agent.get('Container')?.get('Exec')).toEqual(['agent']);
    expect(units.agent.get('Unit')?.get('Requires')).toEqual(['aidb.service']);
    expect(units.agent.get('Unit')?.get('After')).toEqual(['aidb.service']);
    expect(units.agent.get('Container')?.get('PodmanArgs')?.[0]).toContain(
      '--network=container:aidb',
    );
    expect(units.agent.get('Container')?.get('Volume')).toContain('aidb-data:/data');
    expect(units.service.get('Container')?.get('Volume')).toEqual(['aidb-data:/data']);
  });
});

describe('the operations guide’s podman commands', () => {
  it('restart the containers and forbid new privileges, as the seed report’s deployment did', () => {
    const guide = read('docs/operations.md');
    const runs = [...guide.matchAll(/^podman run [\s\S]*?[^\\]\n/gm)].map((m) => m[0]);
    expect(runs).toHaveLength(2);
    for (const run of runs) {
      expect(run).toContain('--restart=unless-stopped');
      expect(run).toContain('--security-opt no-new-privileges');
      expect(run).toContain('--read-only');
    }
    expect(guide).toContain('deploy/quadlet/aidb.container');
  });
});
