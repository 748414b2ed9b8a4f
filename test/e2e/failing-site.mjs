// A real nginx answering its own 502 (its upstream port is closed), for the diagnosis, crowd and private-window scenarios.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findNginx, freePort } from '../fixtures/demo-site.mjs';
import { poll } from './browsers.mjs';

/**
 * Starts nginx on a loopback port that fails on every path; `stop()` ends it and removes its folder.
 * - `port`: the port to listen on (default: a free one);
 * - `startPage`: `/start` answers a healthy page (a tab to begin from, on the same server);
 * Also gives `refusedPort`, a port where nothing listens, and `origin`.
 */
export async function startFailingSite({ port: chosen, startPage = false } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'downcheck-failing-site-'));
  const port = chosen ?? (await freePort());
  const [deadPort, refusedPort] = [await freePort(), await freePort()];
  mkdirSync(join(dir, 'tmp'));
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `${t}_temp_path ${dir}/tmp/${t};`).join('\n  ');
  const start = startPage ? `location = /start { return 200 '<!doctype html><title>Start</title><h1>Start</h1>'; }` : '';
  writeFileSync(
    join(dir, 'nginx.conf'),
    `daemon off;
master_process off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
${process.getuid?.() === 0 ? 'user root;' : ''}
events { worker_connections 64; }
http {
  access_log off;
  ${temp}
  default_type text/html;
  server {
    listen 127.0.0.1:${port};
    ${start}
    location = /favicon.ico { return 204; }
    location / { proxy_pass http://127.0.0.1:${deadPort}; }
  }
}
`,
  );
  const nginx = spawn(findNginx(), ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')], { stdio: 'ignore' });
  const killOnExit = () => nginx.exitCode === null && nginx.kill('SIGKILL');
  process.on('exit', killOnExit);
  const stop = async () => {
    process.removeListener('exit', killOnExit);
    if (nginx.exitCode === null && nginx.signalCode === null) {
      const exited = new Promise((r) => nginx.once('exit', r));
      nginx.kill('SIGTERM');
      const timer = setTimeout(() => nginx.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await poll(
      () =>
        new Promise((resolve, reject) => {
          if (nginx.exitCode !== null)
            reject(new Error(`nginx exited: ${existsSync(join(dir, 'error.log')) ? readFileSync(join(dir, 'error.log'), 'utf8') : ''}`));
          const socket = createConnection({ host: '127.0.0.1', port }, () => resolve(socket.destroy() ?? true));
          socket.on('error', () => resolve(undefined));
        }),
      { timeoutMs: 5000, intervalMs: 50, what: 'nginx to listen' },
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { port, refusedPort, origin: `http://127.0.0.1:${port}`, stop };
}
