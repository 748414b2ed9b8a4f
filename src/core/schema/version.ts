/**
 * The schema version of `storage.local` and the plan that brings an older store up to it. Pure: the
 * platform (platform/store-migrate.ts) reads the items, applies the plan and writes it.
 */
import { defineItem, type AnyItem } from './item';
import { intIn } from './validate';

/**
 * 1 = 0.1.0 (no version stored). 2 = validated, bounded records; history keeps origin + path only;
 * settings carry `savedAt` and `storage.local` holds the authoritative copy.
 */
export const SCHEMA_VERSION = 2;

/** The version `storage.local` was written by: 1 (0.1.0) when none is stored; `undefined` for garbage. */
export function storedVersion(value: unknown): number | undefined {
  if (value === undefined) return 1;
  return intIn(value, 1, 1_000_000);
}

export const schemaItem = defineItem({
  name: 'schema',
  key: 'schema',
  area: 'local',
  parse: storedVersion,
  version: 2,
  onWriteFailure: 'throw',
});

export interface Migration {
  set: Record<string, unknown>;
  remove: string[];
}

/**
 * What to write to bring `storage.local` (`stored`: its keys as read) up to SCHEMA_VERSION: each local
 * item's migrations after the stored version, in order. Unknown or newer versions are left alone (every read validates anyway).
 */
export function planMigration(stored: Readonly<Record<string, unknown>>, items: readonly AnyItem[]): Migration {
  const version = storedVersion(stored[schemaItem.key]);
  if (version !== undefined && version >= SCHEMA_VERSION) return { set: {}, remove: [] };
  const from = version ?? 1; // an unreadable version: taken as 0.1.0's
  const set: Record<string, unknown> = { [schemaItem.key]: SCHEMA_VERSION };
  const remove: string[] = [];
  for (const item of items) {
    if (item.area !== 'local' || !item.migrations || 'prefix' in item || !(item.key in stored)) continue;
    let value = stored[item.key];
    for (let v = from + 1; v <= SCHEMA_VERSION && value !== undefined; v++) {
      const migrate = item.migrations[v];
      if (migrate) value = migrate(value);
    }
    if (value === undefined) remove.push(item.key);
    else set[item.key] = value;
  }
  return { set, remove };
}
