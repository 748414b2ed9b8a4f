// A real nginx answering its own 502 on every path (its upstream port is closed), for the crowd and private-window scenarios.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findNginx, freePort } from '../fixtures/demo-site.mjs';
import { poll } from './browsers.mjs';

/** Starts nginx on a free loopback port; `stop()` ends it and removes its folder. */
export async function startFailingSite() {
  const dir = mkdtempSync(join(tmpdir(), 'downcheck-failing-site-'));
  const [port, deadPort] = [await freePort(), await freePort()];
  mkdirSync(join(dir, 'tmp'));
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `${t}_temp_path ${dir}/tmp/${t};`).join('\n  ');
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
    location = /favicon.ico { return 204; }
    location / { proxy_pass http://127.0.0.1:${deadPort}; }
  }
}
`,
  );
  const nginx = spawn(findNginx(), ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')], { stdio: 'ignore' });
  const killOnExit = () => nginx.exitCode === null && nginx.kill('SIGKILL');
  process.on('exit', killOnExit);
  await poll(
    () =>
      new Promise((resolve) => {
        const socket = createConnection({ host: '127.0.0.1', port }, () => resolve(socket.destroy() ?? true));
        socket.on('error', () => resolve(undefined));
      }),
    { timeoutMs: 5000, intervalMs: 50, what: 'nginx to listen' },
  );
  return {
    port,
    stop: async () => {
      process.removeListener('exit', killOnExit);
      if (nginx.exitCode === null) {
        const exited = new Promise((r) => nginx.once('exit', r));
        nginx.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
