// The Node engine as `npm run crowd` runs it: its own process, a real SQLite file, real HTTP from 127.x.y.z addresses.
import type { ChildProcess } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import Database from 'better-sqlite3';
import { startCrowdProcess } from '../../scripts/crowd-process.mjs';
import type { ClientId, Engine, Reply, RequestInit } from './contract';

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
  const crowd = startCrowdProcess({ CROWD_HOST: '127.0.0.1', CROWD_PORT: '0', CROWD_DB: db, ...env }, { timeoutMs: 30_000 });
  return { url: await crowd.url, child: crowd.child, logs: crowd.output, stop: crowd.stop };
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
