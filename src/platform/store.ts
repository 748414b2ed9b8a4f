/**
 * The one owner of browser storage. It reads, writes and trims any stored item (core/schema/item.ts) and
 * knows none by name: keys, validators, bounds and failure rules come with the item, beside its domain.
 * Everything read back is validated: a record that does not parse is absent (or the item's fallback), never
 * a crash. A full area is trimmed by each item's `onQuota` and the write tried once more.
 */
import { browser } from './native';
import { isKeyed, type AnyItem, type AnyKeyedItem, type Area, type Item, type KeyedItem } from '../core/schema/item';
import { keyedLock } from '../core/async/concurrency';
import { ALL_ITEMS, TAB_ITEMS } from '../core/items';

const area = (name: Area): typeof browser.storage.local => browser.storage[name];

/** Chrome: "QUOTA_BYTES quota exceeded"; Firefox: QuotaExceededError. */
export function isQuotaError(error: unknown): boolean {
  const text = error instanceof Error ? `${error.name} ${error.message}` : String(error);
  return /quota/i.test(text);
}

/** Writes `items` to an area; when it is full, trims it (each item's `onQuota`) and tries once more. */
export async function setInArea(name: Area, items: Record<string, unknown>): Promise<void> {
  const kept = keepOwn(name, Object.entries(items)); // before the write leaves: a read issued now sees it
  try {
    try {
      await area(name).set(items);
    } catch (error) {
      if (!isQuotaError(error)) throw error;
      await trim(name);
      await area(name).set(items);
    }
  } catch (error) {
    forgetOwn(kept); // stored or not: storage knows, memory does not
    throw error;
  }
}

/** Removes `keys` from an area (the worker's own records: from its memory too). */
async function removeInArea(name: Area, keys: string[]): Promise<void> {
  const kept = keepOwn(
    name,
    keys.map((key) => [key, ABSENT]),
  );
  try {
    await area(name).remove(keys);
  } catch (error) {
    forgetOwn(kept);
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// The worker's own records (items marked `workerOwned`) in its memory: a healthy page load reads its
// tab's incident several times (each response and tab update), and nothing else ever writes it.

const ABSENT = Symbol('absent');
/** Last written or read value per key, in the worker only (`undefined`: off, as in pages and the popup). */
let own: Map<string, unknown> | undefined;
/** Counts writes of owned keys: a storage read overtaken by one is not kept (it may hold the older value). */
let ownWrites = 0;
/** Beyond this many keys the memory starts again (closed tabs leave their keys behind). */
const OWN_KEPT = 4096;

/** The worker (background entry) calls this once: its own records are read from memory once known. `false`: off again (tests). */
export function storeOwnReads(on = true): void {
  own = on ? new Map() : undefined;
  browser.storage.onChanged.removeListener(readAgain);
  if (on) browser.storage.onChanged.addListener(readAgain);
}

/**
 * An owned key changed to something other than what the worker holds (someone else wrote it: a test seeding a state,
 * a tool) is read from storage again. Forgetting is always safe; the worker's own writes match and are kept.
 */
function readAgain(changes: Record<string, { newValue?: unknown }>, name: string): void {
  const memory = own;
  if (!memory || (name !== 'session' && name !== 'local')) return;
  const stale = Object.entries(changes).filter(([key, change]) => isOwnKey(name, key) && !holds(memory, key, change.newValue));
  if (stale.length) forgetOwn(stale.map(([key]) => key));
}

const holds = (memory: Map<string, unknown>, key: string, value: unknown): boolean => {
  if (!memory.has(key)) return true; // nothing to forget
  const known = memory.get(key);
  const gone = value === undefined || value === null; // a removal: no newValue (some implementations say null)
  return known === ABSENT ? gone : !gone && JSON.stringify(known) === JSON.stringify(value);
};

const isOwnKey = (name: Area, key: string): boolean => itemOfKey(name, key)?.workerOwned === true;

/** Notes values written (or removed: ABSENT) under owned keys; gives the keys noted. */
function keepOwn(name: Area, entries: ReadonlyArray<[string, unknown]>): string[] {
  if (!own) return [];
  const kept: string[] = [];
  for (const [key, value] of entries) {
    if (!isOwnKey(name, key)) continue;
    ownWrites += 1;
    if (remember(own, key, value)) kept.push(key);
  }
  return kept;
}

function remember(memory: Map<string, unknown>, key: string, value: unknown): boolean {
  if (memory.size >= OWN_KEPT) memory.clear();
  try {
    memory.set(key, value === ABSENT ? ABSENT : structuredClone(value));
    return true;
  } catch {
    memory.delete(key); // not cloneable: storage will say (its write fails the same way)
    return false;
  }
}

function forgetOwn(keys: readonly string[]): void {
  ownWrites += 1;
  for (const key of keys) own?.delete(key);
}

/** The item a stored key belongs to, if any. */
const itemOfKey = (name: Area, key: string): AnyItem | undefined =>
  ALL_ITEMS.find((item) => item.area === name && (isKeyed(item) ? item.keyOf(key) !== undefined : item.key === key));

async function trim(name: Area): Promise<void> {
  ownWrites += 1;
  own?.clear(); // the trim drops and shrinks records below the memory's knowledge
  const drop: string[] = [];
  const shrunk: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(await area(name).get(null))) {
    const item = itemOfKey(name, key);
    if (item?.onQuota === 'drop') drop.push(key);
    else if (item?.onQuota) shrunk[key] = item.onQuota(item.parse(raw) ?? item.fallback);
  }
  if (drop.length) await area(name).remove(drop);
  if (Object.keys(shrunk).length) await area(name).set(shrunk);
}

/** Reads and writes of one key run one after another (a read-change-write must not lose a change made at the same moment). */
export const locked = keyedLock<string>();

const keyOf = (item: AnyItem, k: unknown): string => (isKeyed(item) ? item.key(k) : item.key);

async function rawOf(name: Area, key: string): Promise<unknown> {
  const known = own && isOwnKey(name, key) ? own : undefined;
  if (known?.has(key)) {
    const value = known.get(key);
    return value === ABSENT ? undefined : structuredClone(value); // a caller may change what it reads
  }
  const writes = ownWrites;
  const raw = (await area(name).get(key))[key];
  if (known && own === known && writes === ownWrites) remember(known, key, raw === undefined ? ABSENT : raw);
  return raw;
}

async function syncedRaw(key: string): Promise<unknown> {
  try {
    // sync can be disabled by policy or missing (a temporary Firefox profile)
    return (await browser.storage.sync?.get(key))?.[key];
  } catch {
    return undefined;
  }
}

/** The valid record of `item` (under `k`), or its fallback, or `undefined`. */
export function read<T>(item: Item<T> & { fallback: T }): Promise<T>;
export function read<T>(item: Item<T>): Promise<T | undefined>;
export function read<T, K>(item: KeyedItem<T, K> & { fallback: T }, k: K): Promise<T>;
export function read<T, K>(item: KeyedItem<T, K>, k: K): Promise<T | undefined>;
export async function read(item: AnyItem, k?: unknown): Promise<unknown> {
  const key = keyOf(item, k);
  if (item.sync) return item.sync.pick(...(await Promise.all([rawOf(item.area, key), syncedRaw(key)])));
  const value: unknown = item.parse(await rawOf(item.area, key));
  const owned = value !== undefined && isKeyed(item) && item.owns && !item.owns(value, k) ? undefined : value;
  return owned ?? item.fallback;
}

/** The write itself: validated, then stored (no await before the area's `set`: it leaves at once). */
async function put(item: AnyItem, value: unknown, k?: unknown): Promise<void> {
  const valid: unknown = item.parse(value);
  if (valid === undefined) {
    if (item.skipInvalid) return;
    throw new Error(`Downcheck: refusing to store an invalid ${item.name}`);
  }
  const key = keyOf(item, k === undefined && isKeyed(item) && item.keyFor ? item.keyFor(valid) : k);
  const stored = item.sync ? item.sync.stamp(valid) : valid;
  await setInArea(item.area, { [key]: stored });
  if (item.sync) {
    try {
      await browser.storage.sync?.set({ [key]: stored });
    } catch {
      // Too big for one sync item, or sync is off: the local copy is the newer one and wins on read.
    }
  }
}

/** A failure as the item says: thrown, or logged (a diagnosis or a cache is never worth stopping detection for). */
const settle = (item: Pick<AnyItem, 'name' | 'onWriteFailure'>, work: Promise<void>): Promise<void> =>
  item.onWriteFailure === 'throw' ? work : work.catch((error: unknown) => console.warn(`Downcheck storage (${item.name}):`, error));

/** Stores `value` (validated and bounded by the item's parser) under `k`, or under the key the value names (per origin). */
export function write<T>(item: Item<T>, value: T): Promise<void>;
export function write<T, K>(item: KeyedItem<T, K>, value: T, k?: K): Promise<void>;
export function write(item: AnyItem, value: unknown, k?: unknown): Promise<void> {
  return settle(item, put(item, value, k));
}

export function remove<T>(item: Item<T>): Promise<void>;
export function remove<T, K>(item: KeyedItem<T, K>, k: K): Promise<void>;
export function remove(item: AnyItem, k?: unknown): Promise<void> {
  const key = keyOf(item, k);
  return locked(key, () => removeInArea(item.area, [key]));
}

/** How a failed update ends, when the caller must know (a visitor's own action): overrides the item's `onWriteFailure`. */
export interface UpdateOptions {
  onWriteFailure?: 'throw' | 'log';
}

/** Reads, changes and writes one record under its key's lock; `change` giving `undefined` writes nothing. */
export function update<T>(item: Item<T> & { fallback: T }, change: (current: T) => T | undefined, options?: UpdateOptions): Promise<void>;
export function update<T>(item: Item<T>, change: (current: T | undefined) => T | undefined, options?: UpdateOptions): Promise<void>;
export function update<T, K>(
  item: KeyedItem<T, K> & { fallback: T },
  change: (current: T) => T | undefined,
  k: K,
  options?: UpdateOptions,
): Promise<void>;
export function update<T, K>(
  item: KeyedItem<T, K>,
  change: (current: T | undefined) => T | undefined,
  k: K,
  options?: UpdateOptions,
): Promise<void>;
export function update(item: AnyItem, change: (current: unknown) => unknown, ...rest: unknown[]): Promise<void> {
  const k = isKeyed(item) ? rest[0] : undefined;
  const options = (isKeyed(item) ? rest[1] : rest[0]) as UpdateOptions | undefined;
  const work = locked(keyOf(item, k), async () => {
    const next = change(await (read as (i: AnyItem, k?: unknown) => Promise<unknown>)(item, k));
    if (next !== undefined) await put(item, next, k);
  });
  return settle({ ...item, ...options }, work);
}

/** One entry of `writeTogether`. */
export interface Entry {
  item: AnyItem;
  value: unknown;
  k?: unknown;
}
export function at<T>(item: Item<T>, value: T): Entry;
export function at<T, K>(item: KeyedItem<T, K>, value: T, k: K): Entry;
export function at(item: AnyItem, value: unknown, k?: unknown): Entry {
  return { item, value, k };
}

/** Several records of one area in one write: either all are stored or none. Thrown if any is invalid. */
export async function writeTogether(entries: readonly Entry[]): Promise<void> {
  const items: Record<string, unknown> = {};
  for (const { item, value, k } of entries) {
    const valid: unknown = item.parse(value);
    if (valid === undefined) throw new Error(`Downcheck: refusing to store an invalid ${item.name}`);
    items[keyOf(item, k)] = valid;
  }
  const [first] = entries;
  if (first) await setInArea(first.item.area, items);
}

/** Every stored key of a family with its `k` and its record (`undefined`: there, but not valid). */
export async function readEach<T, K>(item: KeyedItem<T, K>): Promise<Array<[K, T | undefined]>> {
  const out: Array<[K, T | undefined]> = [];
  for (const [key, raw] of Object.entries(await area(item.area).get(null))) {
    const k = item.keyOf(key);
    if (k === undefined) continue;
    const value = item.parse(raw);
    out.push([k, value !== undefined && item.owns && !item.owns(value, k) ? undefined : value]);
  }
  return out;
}

/** Every valid record of a family, each stored under its own key (a record under another origin's key is left out). */
export async function readAll<T, K>(item: KeyedItem<T, K>): Promise<T[]> {
  return (await readEach(item)).flatMap(([, value]) => (value === undefined ? [] : [value]));
}

/** The tab ids that have records, per family name (`incident`, `recording`, `diagnosis`, …). */
export async function keysByFamily(items: readonly AnyKeyedItem[] = TAB_ITEMS): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>();
  const keys = Object.keys(await browser.storage.session.get(null));
  for (const item of items) {
    const ids = keys.map((key) => item.keyOf(key)).filter((k): k is number => typeof k === 'number');
    if (ids.length) out.set(item.name, ids);
  }
  return out;
}

/** Everything kept about a closed tab. */
export async function forgetTab(tabId: number): Promise<void> {
  await removeInArea(
    'session',
    TAB_ITEMS.map((item) => item.key(tabId as never)),
  );
}
