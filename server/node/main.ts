// `npm run crowd`: the crowd service on this machine, with its SQLite file.
//   CROWD_HOST (127.0.0.1)  CROWD_PORT (8787)  CROWD_DB (.crowd-data/crowd.sqlite)
//   CROWD_TRUSTED_PROXIES   comma-separated proxy addresses whose X-Forwarded-For names the client
//   CROWD_SECRET            key material for network hashes (random per start when unset)
//   CROWD_RATE_LIMIT        reports per minute and address block (60; 0 = off, for benchmarks)
//   CROWD_SYNC              normal (survives a killed process) or full (also power loss)
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCrowd } from './server.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const env = process.env;
const crowd = await startCrowd({
  host: env.CROWD_HOST || '127.0.0.1',
  port: Number(env.CROWD_PORT || 8787),
  db: resolve(ROOT, env.CROWD_DB || '.crowd-data/crowd.sqlite'),
  trustedProxies: (env.CROWD_TRUSTED_PROXIES ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
  ...(env.CROWD_SECRET ? { secret: env.CROWD_SECRET } : {}),
  rateLimit: env.CROWD_RATE_LIMIT === undefined ? 60 : Number(env.CROWD_RATE_LIMIT),
  synchronous: env.CROWD_SYNC?.toLowerCase() === 'full' ? 'FULL' : 'NORMAL',
}).catch((error: Error) => {
  console.error(`Crowd service: ${error.message}`);
  process.exit(1);
});
console.log(`Crowd service listening on ${crowd.url} (database ${crowd.store.db.name})`);
const stop = () => void crowd.stop().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
