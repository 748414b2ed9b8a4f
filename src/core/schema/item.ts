/**
 * A stored record described once, beside its domain: key, area, validator (bounds inside), version and
 * what a failed or full write may do. Pure: platform/store.ts reads and writes any item and knows none by name.
 * Models: WXT's `storage.defineItem(key, { version, migrations })`, Bitwarden's `KeyDefinition`.
 */
export type Area = 'local' | 'session';

/** The limits a parser applies, shared with the bounds tests (soak, fuzz). */
export interface Bound {
  entries?: number;
  bytes?: number;
  strings?: number;
}

interface ItemBase<T> {
  /** The family name: PRIVACY.md names it in backquotes, and a store-items test row carries it. */
  name: string;
  area: Area;
  /** The validator: what storage held as a valid record, or `undefined` (absent). Never throws. */
  parse(raw: unknown): T | undefined;
  bound?: Bound;
  /** The SCHEMA_VERSION at which its stored shape last changed. */
  version: number;
  /** `storage.local` only (the session area does not outlive an update): version → what to store instead (`undefined`: remove). */
  migrations?: Readonly<Record<number, (old: unknown) => unknown>>;
  /** A write that fails (after the quota trim), or of an invalid value: thrown (what detection runs on) or logged. */
  onWriteFailure: 'throw' | 'log';
  /** An invalid value is not written and nothing is said (the old writers of optional notes did that). */
  skipInvalid?: true;
  /** What the quota trim may do to it: drop it, or shrink it. Absent: never touched. */
  onQuota?: 'drop' | ((value: T) => T);
  /** Given for an absent or invalid record, so a read never gives `undefined`. */
  fallback?: T;
  /** Settings only: a best-effort copy in `storage.sync`; `pick` chooses the newer copy, `stamp` marks what is written. */
  sync?: { pick(local: unknown, synced: unknown): T; stamp(value: T): unknown };
  /**
   * Written by the worker alone (never a page, never the popup): in the worker, platform/store.ts serves its
   * reads from memory once known (storeOwnReads), so a healthy load reads nothing from storage.
   */
  workerOwned?: true;
}

/** One key: `history`, `limits`. */
export interface Item<T> extends ItemBase<T> {
  key: string;
}

/** A family of keys `<prefix><k>`: per tab, per origin, or a few named ones. */
export interface KeyedItem<T, K> extends ItemBase<T> {
  prefix: string;
  key(k: K): string;
  /** The `k` of a stored key of this family, or `undefined` for a key it does not own. */
  keyOf(key: string): K | undefined;
  /** A record found under `k` is read only when it belongs there (per origin: its own origin). */
  owns?(value: T, k: K): boolean;
  /** The `k` a value is written under when none is given (per origin: its origin). */
  keyFor?(value: T): K;
}

/** What a declaration gives (any record type): the item helpers keep its literal type, so `fallback` is seen. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Spec = Omit<ItemBase<any>, 'name' | 'area'>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyKeyedItem = KeyedItem<any, any>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyItem = Item<any> | AnyKeyedItem;
/** The record type an item's validator gives. */
export type Parsed<D> = D extends { parse(raw: unknown): infer T | undefined } ? T : never;

export const isKeyed = (item: AnyItem): item is KeyedItem<unknown, unknown> => 'prefix' in item;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const defineItem = <D extends Item<any>>(d: D): Readonly<D> => Object.freeze(d);

const TAB_ID = /^\d{1,15}$/;

/** A family of named keys `<prefix><k>` (a diagnosis per tab or for "check any site"; the two evidence caches). */
export const defineKeyedItem = <D extends Spec & { name: string; area: Area; prefix: string }, K>(
  d: D,
  key: (k: K) => string,
  keyOf: (key: string) => K | undefined,
): Readonly<D & KeyedItem<Parsed<D>, K>> => Object.freeze({ ...d, key, keyOf });

/** A per-tab record `<name>:<tabId>` in `storage.session`: forgetting a tab forgets it (core/items.ts TAB_ITEMS). */
export function defineTabItem<D extends Spec>(name: string, d: D): Readonly<D & KeyedItem<Parsed<D>, number>> {
  const prefix = `${name}:`;
  const keyOf = (key: string): number | undefined => {
    const id = key.startsWith(prefix) ? key.slice(prefix.length) : '';
    return TAB_ID.test(id) ? Number(id) : undefined;
  };
  return defineKeyedItem({ ...d, name, area: 'session' as const, prefix }, (tabId: number) => prefix + tabId, keyOf);
}

/** A record per origin `<name>:<origin>` in `storage.session`: one stored under another origin's key is not read. */
export function defineOriginItem<D extends Spec>(
  name: string,
  d: D,
  originOf: (value: Parsed<D>) => string,
): Readonly<D & KeyedItem<Parsed<D>, string>> {
  const prefix = `${name}:`;
  return Object.freeze({
    ...d,
    name,
    area: 'session' as const,
    prefix,
    key: (origin: string) => prefix + origin,
    keyOf: (key: string) => (key.startsWith(prefix) ? key.slice(prefix.length) : undefined),
    owns: (value: Parsed<D>, origin: string) => originOf(value) === origin,
    keyFor: originOf,
  });
}
