import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import {
  DockerfileParser,
  JSONInstruction,
  ModifiableInstruction,
  PropertyInstruction,
  type Dockerfile,
  type Instruction,
} from 'dockerfile-ast';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../config/load.ts';
import { entrypoint } from '../../../deploy/names.ts';

// Docker does not run on these machines: the image's promises are checked on the parsed file.
const root = new URL('../../../', import.meta.url).pathname;
const read = (path: string): string => readFileSync(join(root, path), 'utf8');
const packageJson = JSON.parse(read('package.json')) as {
  license: string;
  version: string;
  devDependencies: Record<string, string>;
};

function parse(): Dockerfile {
  return DockerfileParser.parse(read('Containerfile'));
}

/** The instructions of the last stage: what the shipped image is made of. */
function finalStage(file: Dockerfile): Instruction[] {
  const froms = file.getFROMs();
  const start = froms.at(-1)?.getRange().start.line ?? 0;
  return file.getInstructions().filter((i) => i.getRange().start.line >= start);
}

const ofKind = (instructions: Instruction[], keyword: string): Instruction[] =>
  instructions.filter((i) => i.getKeyword() === keyword);

function jsonArgs(instruction: Instruction | undefined): string[] {
  if (!(instruction instanceof JSONInstruction)) return [];
  return instruction.getJSONStrings().map((s) => s.getJSONValue());
}

function only(instructions: Instruction[], keyword: string): Instruction {
  const found = ofKind(instructions, keyword);
  expect(found, `exactly one ${keyword} in the final stage`).toHaveLength(1);
  return found[0] as Instruction;
}

const properties = (i: Instruction) => (i instanceof PropertyInstruction ? i.getProperties() : []);
const flags = (i: Instruction) => (i instanceof ModifiableInstruction ? i.getFlags() : []);
const unquote = (value: string | null): string | undefined => value?.replace(/^"(.*)"$/s, '$1');

/** Every `.ts` file below a directory. */
function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return tsFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

describe('the Containerfile', () => {
  it('builds in stages on the official Node slim image, at the version the project pins', () => {
    const file = parse();
    const froms = file.getFROMs();
    expect(froms.length).toBeGreaterThanOrEqual(2);
    const initial = file.getInitialARGs().flatMap((arg) => arg.getProperties());
    const nodeVersion = initial.find((p) => p.getName() === 'NODE_VERSION')?.getValue();
    expect(nodeVersion).toBe(packageJson.devDependencies.node);
    expect(nodeVersion).toMatch(/^24\./);
    for (const from of froms) {
      expect(from.getRegistry()).toBe('docker.io');
      expect(from.getImageName()).toBe('library/node');
      expect(from.getImageTag()).toMatch(/^\$\{NODE_VERSION\}-[a-z]+-slim$/);
    }
  });

  it('installs runtime dependencies only, in a build stage, from the lockfile', () => {
    const file = parse();
    const runs = file.getInstructions().filter((i) => i.getKeyword() === 'RUN');
    const install = runs.map((r) => r.getArgumentsContent() ?? '').find((r) => r.includes('npm'));
    expect(install).toMatch(/^npm ci --omit=dev\b/);
    const last = finalStage(file);
    for (const run of ofKind(last, 'RUN'))
      expect(run.getArgumentsContent()).not.toMatch(/npm (ci|i|install)\b/);
  });

  it('ships no build tools, test material or package manager in the final stage', () => {
    const last = finalStage(parse());
    const runText = ofKind(last, 'RUN')
      .map((r) => r.getArgumentsContent() ?? '')
      .join('\n');
    for (const tool of ['build-essential', 'gcc', 'g++', 'make', 'python3', 'git']) {
      expect(runText).not.toMatch(
        new RegExp(`install[^\\n]*\\s${tool.replace('+', '\\+')}(\\s|$)`),
      );
    }
    expect(runText).toContain('/usr/local/bin/npm');
    const sources = ofKind(last, 'COPY').map((c) => c.getArguments()[0]?.getValue());
    for (const excluded of ['test', 'bench', 'scripts', 'docs', '.', 'tsconfig.json']) {
      expect(sources).not.toContain(excluded);
    }
    const fromDeps = ofKind(last, 'COPY').filter(
      (c) =>
        flags(c).some((f) => f.getName() === 'from' && f.getValue() === 'deps') &&
        c.getArguments()[0]?.getValue() === '/app/node_modules',
    );
    expect(fromDeps).toHaveLength(1);
  });

  it('carries pg_dump and zstd for the agent, and tini to forward signals', () => {
    const install = ofKind(finalStage(parse()), 'RUN')
      .map((r) => r.getArgumentsContent() ?? '')
      .find((r) => r.includes('apt-get install'));
    expect(install).toMatch(/\spostgresql-client\s/);
    expect(install).toMatch(/\szstd\s/);
    expect(install).toMatch(/\stini\s/);
    expect(install).toContain('--no-install-recommends');
    expect(install).toContain('rm -rf /var/lib/apt/lists/*');
  });

  it('puts `aidb` on PATH, so runbook commands run in the container as written', () => {
    const runText = ofKind(finalStage(parse()), 'RUN')
      .map((r) => r.getArgumentsContent() ?? '')
      .join('\n');
    expect(runText).toContain('ln -s /app/bin/aidb.ts /usr/local/bin/aidb');
  });

  it('runs as a numeric non-root user', () => {
    const last = finalStage(parse());
    const users = ofKind(last, 'USER');
    const user = users.at(-1)?.getArgumentsContent() ?? '';
    expect(user).toMatch(/^[1-9]\d*:[1-9]\d*$/);
    // Nothing after USER may switch back to root.
    const userLine = users.at(-1)?.getRange().start.line ?? Infinity;
    expect(
      last.filter((i) => i.getRange().start.line > userLine).map((i) => i.getKeyword()),
    ).not.toContain('RUN');
  });

  it('declares the data and temporary paths as volumes, so the root filesystem can be read-only', () => {
    const last = finalStage(parse());
    const env = Object.fromEntries(
      ofKind(last, 'ENV').flatMap((e) => properties(e).map((p) => [p.getName(), p.getValue()])),
    );
    const volumes = jsonArgs(only(last, 'VOLUME'));
    expect(volumes).toContain(env.AIDB_DATA_DIR);
    expect(volumes).toContain(env.TMPDIR);
    expect(env.AIDB_HOST).toBe('0.0.0.0');
    expect(env.AIDB_AGENT_HOST).toBe('0.0.0.0');
    expect(env.NODE_ENV).toBe('production');
  });

  it('starts in exec form under an init that forwards SIGTERM, serving by default', () => {
    const last = finalStage(parse());
    // The manifests rebuild this command for the agent (deploy/containers.ts).
    expect(jsonArgs(only(last, 'ENTRYPOINT'))).toEqual(entrypoint);
    expect(jsonArgs(only(last, 'CMD'))).toEqual(['serve']);
    expect(only(last, 'STOPSIGNAL').getArgumentsContent()).toBe('SIGTERM');
  });

  it('checks its health with `aidb health` (the configured scheme and port), in exec form', () => {
    const healthcheck = only(finalStage(parse()), 'HEALTHCHECK');
    const content = healthcheck.getArgumentsContent() ?? '';
    const command = content.slice(content.indexOf('CMD') + 3).trim();
    expect(JSON.parse(command)).toEqual(['node', 'bin/aidb.ts', 'health']);
    const defaults = loadConfig({ env: {}, readFile: () => '' }).config;
    const exposed = ofKind(finalStage(parse()), 'EXPOSE').flatMap((e) =>
      e.getArguments().map((a) => Number(a.getValue())),
    );
    expect(exposed).toEqual([defaults.service.port, defaults.agent.port]);
    const names = flags(healthcheck).map((f) => f.getName());
    expect(names).toEqual(expect.arrayContaining(['interval', 'timeout', 'retries']));
  });

  it('carries the OCI labels, with the package licence', () => {
    const labels = Object.fromEntries(
      ofKind(finalStage(parse()), 'LABEL').flatMap((l) =>
        properties(l).map((p) => [p.getName(), unquote(p.getValue())]),
      ),
    );
    for (const key of ['title', 'description', 'version', 'source', 'licenses']) {
      expect(labels[`org.opencontainers.image.${key}`]).toBeTruthy();
    }
    expect(labels['org.opencontainers.image.licenses']).toBe(packageJson.license);
    const versionArg = ofKind(finalStage(parse()), 'ARG')
      .flatMap((a) => properties(a))
      .find((p) => p.getName() === 'VERSION');
    expect(versionArg?.getValue()).toBe(packageJson.version);
  });

  it('copies every folder the runtime code imports from', () => {
    const last = finalStage(parse());
    const copied = new Set(
      ofKind(last, 'COPY')
        .filter((c) => flags(c).length === 0)
        .map((c) => c.getArguments()[0]?.getValue() ?? ''),
    );
    const entry = resolve(root, 'bin/aidb.ts');
    const seen = new Set<string>();
    const queue = [entry];
    const missing = new Set<string>();
    while (queue.length > 0) {
      const file = queue.pop() as string;
      if (seen.has(file)) continue;
      seen.add(file);
      const top = relative(root, file).split('/')[0] as string;
      if (!copied.has(top)) missing.add(relative(root, file));
      const source = readFileSync(file, 'utf8');
      for (const match of source.matchAll(/(?:from|import\()\s*'(\.{1,2}\/[^']+\.ts)'/g)) {
        queue.push(resolve(dirname(file), match[1] as string));
      }
    }
    expect([...missing]).toEqual([]);
    for (const source of copied) expect(existsSync(join(root, source)), source).toBe(true);
    // Sanity: the walk really reached the service, the agent and the backups.
    for (const dir of ['service', 'agent', 'backups']) {
      expect(tsFiles(join(root, dir)).some((f) => seen.has(f))).toBe(true);
    }
  });
});

describe('the .containerignore', () => {
  it('keeps dependencies, history, local data, secrets and tests out of the build context', () => {
    const ignored = read('.containerignore')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
    for (const entry of [
      'node_modules',
      '.git',
      'data',
      'out',
      'test',
      'bench',
      '.env',
      '.env.*',
    ]) {
      expect(ignored).toContain(entry);
    }
  });

  it('lets in every path a stage copies from the build context, and no local build/', () => {
    const rules = read('.containerignore')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
    // The last rule that matches decides, as in the .dockerignore syntax (no wildcards used here).
    const excluded = (path: string): boolean => {
      let out = false;
      for (const rule of rules) {
        const negated = rule.startsWith('!');
        const pattern = negated ? rule.slice(1) : rule;
        if (path === pattern || path.startsWith(`${pattern}/`)) out = !negated;
      }
      return out;
    };
    const sources = ofKind(parse().getInstructions(), 'COPY')
      .filter((c) => flags(c).length === 0)
      .flatMap((c) =>
        c
          .getArguments()
          .slice(0, -1)
          .map((a) => a.getValue()),
      );
    expect(sources).toContain('scripts/build.ts');
    for (const source of sources) expect(excluded(source), source).toBe(false);
    expect(excluded('build')).toBe(true);
  });
});
