import { describeSettings } from './describe.ts';
import { getPath } from './file.ts';
import type { LoadedConfig } from './load.ts';
import { formatOrigin } from './origin.ts';

/** One setting as `aidb config check` shows it; a secret's value is never shown. */
export interface EffectiveSetting {
  readonly path: string;
  /** The value in effect; `"(redacted)"` for a secret that is set; null when unset. */
  readonly value: unknown;
  /** `default`, `file <path>` or `env <NAME>`. */
  readonly source: string;
}

export const redacted = '(redacted)';

/** Every leaf setting with the value in effect and where it came from. */
export function effectiveSettings(loaded: LoadedConfig): EffectiveSetting[] {
  return describeSettings().map((info) => {
    const value = getPath(loaded.config, info.path.split('.'));
    const origin = loaded.origins.get(info.path);
    return {
      path: info.path,
      value: value === undefined ? null : info.secret === true ? redacted : value,
      source: origin === undefined ? 'default' : formatOrigin(origin).replace(/^from /, ''),
    };
  });
}

/** `path = value  (source)`, one line per setting, values as JSON so types stay visible. */
export function formatEffective(settings: readonly EffectiveSetting[]): string {
  const width = Math.max(...settings.map((s) => s.path.length));
  return settings
    .map((s) => {
      const value = s.value === redacted ? redacted : JSON.stringify(s.value);
      return `${s.path.padEnd(width)} = ${value}  (${s.source})`;
    })
    .join('\n');
}
