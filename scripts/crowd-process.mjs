// Starts the crowd service (server/node/main.ts) as a child process and resolves with the address it prints.
// Used by `npm start`, the crowd benchmark and the crowd contract suite (test/crowd); stop() ends it by its own pid.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * @param {Record<string, string>} env CROWD_* settings on top of this process's environment
 * @param {{ timeoutMs?: number, nodeArgs?: string[] }} options nodeArgs: e.g. --cpu-prof for the benchmark
 */
export function startCrowdProcess(env = {}, { timeoutMs = 60_000, nodeArgs = [] } = {}) {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'server/node/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const url = new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the crowd service did not start within ${timeoutMs / 1000} s:\n${output}`)),
      timeoutMs,
    );
    const collect = (chunk) => {
      output += chunk;
      const m = /listening on (http:\/\/\S+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the crowd service exited (${code}):\n${output.trim()}`));
    });
  });
  return {
    child,
    url,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
