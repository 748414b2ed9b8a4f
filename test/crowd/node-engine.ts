// The Node engine as `npm run crowd` runs it: its own process, a real SQLite file, real HTTP from 127.x.y.z addresses.
import { spawn, type ChildProcess } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import type { ClientId, Engine, Reply, RequestInit } from './contract';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The source address of a client: 127.<scenario>.<net>.<host>; never 127.0.0.x, which the server itself uses. */
export const addressOf = (c: ClientId): string => `127.${c.scenario}.${c.net}.${c.host ?? 1}`;

export function httpFetch(base: string, path: string, init: RequestInit = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, base);
    let answered = false;
    const req = httpRequest(
      url,
      {
        method: init.method ?? 'GET',
        headers: init.headers ?? {},
        localAddress: addressOf(init.client ?? { scenario: 100, net: 1 }),
        agent: false,
      },
      (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            header: (name) => {
              const v = res.headers[name.toLowerCase()];
              return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
            },
            text,
            json: () => JSON.parse(text),
          });
        });
      },
    );
    // A server may answer 413 before the client has written all of a big body: that is no failure.
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    if (init.body !== undefined) req.write(init.body);
    req.end();
  });
}

export interface NodeCrowd {
  url: string;
  child: ChildProcess;
  /** Everything the process wrote to stdout and stderr: its logs. */
  logs(): string;
  stop(): Promise<void>;
}

export async function spawnCrowd(db: string, env: Record<string, string> = {}): Promise<NodeCrowd> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/node/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, CROWD_HOST: '127.0.0.1', CROWD_PORT: '0', CROWD_DB: db, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let logs = '';
  child.stdout!.on('data', (c) => (logs += c));
  child.stderr!.on('data', (c) => (logs += c));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the crowd service did not start:\n${logs}`)), 30_000);
    const check = () => {
      const m = /listening on (http:\/\/\S+)/.exec(logs);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => reject(new Error(`the crowd service exited (${code}):\n${logs}`)));
  });
  return {
    url,
    child,
    logs: () => logs,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

export function nodeEngine(crowd: { url: string }, db: string): Engine {
  return {
    name: 'Node + SQLite',
    request: (path, init) => httpFetch(crowd.url, path, init),
    storedCount: async (hostKey) => {
      const reader = new Database(db, { readonly: true, fileMustExist: true });
      try {
        return (reader.prepare('SELECT count(*) AS n FROM reports WHERE host_key = ?').get(hostKey) as { n: number }).n;
      } finally {
        reader.close();
      }
    },
  };
}
