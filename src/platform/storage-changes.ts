/** The popup's old listener, over store-changes.ts until scripts/refactor/storage-calls.mjs moves it. */
import { onKeysChanged } from './store-changes';

/** Changes to what pages show (not the worker's own bookkeeping: budgets, evidence cache, alarm key, reachability). */
export const onSessionChanged = (listener: (keys: string[]) => void): (() => void) => onKeysChanged(() => undefined, listener);
