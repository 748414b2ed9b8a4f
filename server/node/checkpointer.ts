// The WAL copied back into the database file by a thread of its own: a checkpoint writes megabytes and syncs the
// disk, which on the request thread stalled every request behind it (the bucket reads' p99). Commits stay durable
// in the WAL meanwhile; SQLite lets a checkpoint run beside the writer, and restarts the WAL once it is copied.
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';

/** How often the thread copies what the WAL holds (PASSIVE: it never waits for, nor blocks, the writer). */
export const CHECKPOINT_EVERY_MS = 1000;

const THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 1000');
const checkpoint = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // busy or closing: the next round copies it
  }
};
const timer = setInterval(checkpoint, workerData.everyMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export interface Checkpointer {
  /** Stops the thread (its connection closed); the caller's own close then checkpoints what is left. */
  stop(): Promise<void>;
}

export function startCheckpointer(file: string, everyMs = CHECKPOINT_EVERY_MS): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(THREAD, { eval: true, workerData: { file, everyMs, driver } });
  worker.unref(); // never what keeps the process alive
  // A thread that failed leaves the request thread's own automatic checkpoint (a larger threshold) to do the work.
  worker.on('error', (error) => console.error(`crowd: the checkpoint thread stopped (${error.message})`));
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    stop: async () => {
      worker.ref(); // a process stopping waits for it (unref'd, the process could end before its own close ran)
      worker.postMessage('stop');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, 2000)))]);
      clearTimeout(timer);
      await worker.terminate();
    },
  };
}
