// `npm run worker`: starts a scaled-mode probe worker (README "Scaling out"). Builds it first when
// this checkout has no build yet (`npm run build` builds it too).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/worker/worker.mjs', import.meta.url);
if (!existsSync(entry)) await import('./build-worker.mjs');
await import(entry.href);
