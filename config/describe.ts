import type { z } from 'zod';
import { settings, type SettingMeta } from './setting.ts';
import { configSchema } from './schema.ts';

/** How an environment string becomes a value of the setting's type. */
export type ValueKind = 'string' | 'number' | 'boolean' | 'list';

export interface SettingInfo extends SettingMeta {
  /** Dotted path in the config file, e.g. `service.port`. */
  readonly path: string;
  readonly kind: ValueKind;
  readonly defaultValue: unknown;
}

type Def = z.core.$ZodTypeDef & {
  innerType?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  defaultValue?: unknown;
};

function defOf(schema: z.ZodType): Def {
  return schema._zod.def;
}

function unwrap(schema: z.ZodType): { core: z.ZodType; defaultValue: unknown } {
  let node = schema;
  let defaultValue: unknown;
  for (let def = defOf(node); def.innerType !== undefined; def = defOf(node)) {
    if (def.type === 'default' && defaultValue === undefined) defaultValue = def.defaultValue;
    node = def.innerType;
  }
  return { core: node, defaultValue };
}

function kindOf(core: z.ZodType): ValueKind {
  switch (defOf(core).type) {
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'array':
      return 'list';
    default:
      return 'string';
  }
}

function walk(schema: z.ZodType, prefix: readonly string[], out: SettingInfo[]): void {
  const meta = settings.get(schema);
  const { core, defaultValue } = unwrap(schema);
  if (meta !== undefined) {
    out.push({ ...meta, path: prefix.join('.'), kind: kindOf(core), defaultValue });
    return;
  }
  const shape = defOf(core).shape;
  if (shape === undefined)
    throw new TypeError(`config: ${prefix.join('.')} has no setting metadata`);
  for (const [key, child] of Object.entries(shape)) walk(child, [...prefix, key], out);
}

/** Every leaf setting of a schema, in declaration order. */
export function describeSettings(schema: z.ZodType = configSchema): readonly SettingInfo[] {
  const out: SettingInfo[] = [];
  walk(schema, [], out);
  return out;
}
