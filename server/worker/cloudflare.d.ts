// The few Workers runtime types this engine uses (the full @cloudflare/workers-types clash with the DOM lib
// the rest of the project compiles against).
declare module 'cloudflare:workers' {
  export abstract class DurableObject<Env = unknown> {
    protected ctx: DurableObjectState;
    protected env: Env;
    constructor(ctx: DurableObjectState, env: Env);
  }
}

declare module 'cloudflare:test' {
  export const SELF: { fetch(input: string | Request, init?: RequestInit & { cf?: Record<string, unknown> }): Promise<Response> };
  export const env: Record<string, unknown>;
  export function runDurableObjectAlarm(stub: unknown): Promise<boolean>;
  export function runInDurableObject<R>(stub: unknown, fn: (instance: unknown, state: DurableObjectState) => Promise<R>): Promise<R>;
}

interface SqlCursor<T = Record<string, unknown>> {
  toArray(): T[];
}
interface DurableObjectState {
  storage: {
    sql: { exec<T = Record<string, unknown>>(query: string, ...params: unknown[]): SqlCursor<T> };
    transactionSync<T>(fn: () => T): T;
    getAlarm(): Promise<number | null>;
    setAlarm(at: number): Promise<void>;
  };
}
interface DurableObjectId {
  toString(): string;
}
type DurableObjectStub<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never;
};
interface DurableObjectNamespace<T> {
  idFromName(name: string): DurableObjectId;
  get(id: DurableObjectId): DurableObjectStub<T>;
}
interface ExecutionContext {
  waitUntil(promise: Promise<unknown>): void;
  passThroughOnException(): void;
  props: unknown;
}
interface CacheStorage {
  readonly default: Cache;
}
