/** At every worker start: brings what an older version stored up to the current schema (core/schema/version.ts). */
import { browser } from './native';
import { planMigration, SCHEMA_VERSION, schemaItem } from '../core/schema/version';
import { ALL_ITEMS } from '../core/items';
import { locked, setInArea } from './store';

/** The local items that have migrations: read, and held, while the plan is made and applied. */
const MIGRATING = ALL_ITEMS.flatMap((item) => (item.area === 'local' && item.migrations && !('prefix' in item) ? [item.key] : []));

export async function migrateStore(): Promise<void> {
  const { [schemaItem.key]: version } = await browser.storage.local.get(schemaItem.key);
  if (version === SCHEMA_VERSION) return; // the common case: nothing to read beyond the version
  // It may rewrite a list (history) while the first incidents are appended to it: under those keys' locks.
  const apply = async (): Promise<void> => {
    const stored = await browser.storage.local.get([schemaItem.key, ...MIGRATING]);
    const { set, remove } = planMigration(stored, ALL_ITEMS);
    if (remove.length) await browser.storage.local.remove(remove);
    if (Object.keys(set).length) await setInArea('local', set);
  };
  await MIGRATING.reduce<() => Promise<void>>((task, key) => () => locked(key, task), apply)();
}
