import type { z } from 'zod';
import { describeSettings, type SettingInfo } from './describe.ts';
import { readEnvSetting, type Env } from './env.ts';
import { ConfigError } from './errors.ts';
import { getPath, readConfigFile, setPath } from './file.ts';
import { formatOrigin, type Origin } from './origin.ts';
import { configSchema, type Config } from './schema.ts';

export interface LoadConfigInput {
  readonly env: Env;
  /** `--config` from the command line; wins over `AIDB_CONFIG`. */
  readonly configPath?: string | undefined;
  readonly readFile: (path: string) => string;
  /** Whether a path is a directory; when given, directory settings are checked at load. */
  readonly isDirectory?: (path: string) => boolean;
}

/** Where each setting came from, keyed by dotted path; defaults are absent. */
export type Origins = ReadonlyMap<string, Origin>;

export interface LoadedConfig {
  readonly config: Config;
  readonly origins: Origins;
}

interface IssueContext {
  readonly origins: Origins;
  readonly byPath: ReadonlyMap<string, SettingInfo>;
  readonly filePath: string | undefined;
}

/** Origin of the setting at `path` or of the list or mapping setting that contains it. */
function originOf(path: readonly string[], origins: Origins): Origin | undefined {
  for (let length = path.length; length > 0; length--) {
    const origin = origins.get(path.slice(0, length).join('.'));
    if (origin !== undefined) return origin;
  }
  return undefined;
}

function describeIssue(issue: z.core.$ZodIssue, context: IssueContext): string[] {
  const path = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    // Only the file can name keys the schema lacks; the environment maps to known settings.
    return issue.keys.map(
      (key) =>
        `${path === '' ? key : `${path}.${key}`}: unknown setting (from file ${String(context.filePath)})`,
    );
  }
  const origin = originOf(issue.path.map(String), context.origins);
  const info = context.byPath.get(path);
  let where = '';
  if (origin !== undefined) where = ` (${formatOrigin(origin)})`;
  else if (info !== undefined && info.env !== false) where = ` (not set; env ${info.env})`;
  return [`${path}: ${issue.message}${where}`];
}

/** A PostgreSQL bin directory that is not there fails every backup later: refuse it now. */
function directoryProblems(
  config: Config,
  origins: Origins,
  isDirectory: (path: string) => boolean,
): string[] {
  const dir = config.backups.postgresBinDir;
  if (dir === undefined || isDirectory(dir)) return [];
  const origin = origins.get('backups.postgresBinDir');
  const where = origin === undefined ? '' : ` (${formatOrigin(origin)})`;
  return [
    `backups.postgresBinDir: ${dir} is not a directory${where}; point it at the directory holding pg_dump and pg_restore (/usr/lib/postgresql/15/bin on Debian) or unset it to use PATH`,
  ];
}

/**
 * Merges defaults < YAML file < environment and validates the result against the one schema.
 * Throws ConfigError listing every problem; no message contains a secret value.
 */
export function loadConfig(input: LoadConfigInput): LoadedConfig {
  const problems: string[] = [];
  const origins = new Map<string, Origin>();
  const infos = describeSettings(configSchema);
  const byPath = new Map(infos.map((info) => [info.path, info]));

  let raw: Record<string, unknown> = {};
  const filePath = input.configPath ?? (input.env.AIDB_CONFIG || undefined);
  if (filePath !== undefined) {
    const file = readConfigFile(filePath, input.readFile);
    if (file.ok) raw = file.data;
    else problems.push(file.problem);
  }
  for (const info of infos) {
    const segments = info.path.split('.');
    if (filePath === undefined || getPath(raw, segments) === undefined) continue;
    if (info.secret === true) {
      const name = info.env === false ? 'its _FILE variable' : `${info.env} or ${info.env}_FILE`;
      problems.push(`${info.path}: is a secret; set ${name} instead (from file ${filePath})`);
    }
    origins.set(info.path, { kind: 'file', path: filePath });
  }
  for (const info of infos) {
    const read = readEnvSetting(info, input.env, input.readFile);
    if (read === undefined) continue;
    if (!read.ok) {
      problems.push(read.problem);
      continue;
    }
    setPath(raw, info.path.split('.'), read.value);
    origins.set(info.path, read.origin);
  }

  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const context = { origins, byPath, filePath };
    problems.push(...parsed.error.issues.flatMap((issue) => describeIssue(issue, context)));
  }
  if (parsed.success && input.isDirectory !== undefined)
    problems.push(...directoryProblems(parsed.data, origins, input.isDirectory));
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  return { config: parsed.data, origins };
}
