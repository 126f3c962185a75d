import { z } from 'zod';

/** What the loader and the README need to know about one leaf setting besides its type. */
export interface SettingMeta {
  /** Environment variable that sets it; `false` when it can only come from the file. */
  readonly env: string | false;
  /** Secrets come from `X` or `X_FILE` only, never from the config file, and are never printed. */
  readonly secret?: boolean;
  readonly doc: string;
}

export const settings = z.registry<SettingMeta>();

/** Attaches loader metadata to a leaf schema; `schema` keeps its own type. */
export function setting<T extends z.ZodType>(schema: T, meta: SettingMeta): T {
  settings.add(schema, meta);
  return schema;
}
