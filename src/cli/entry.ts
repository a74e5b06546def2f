// The module the bundle (dist/cachectl.js, scripts/bundle.mjs) is built from: what both
// programs in bin/ call.
import type { mainHtcacheclean as MainHtcacheclean } from './compat/main.js';

export { main } from './main.js';

/** bin/htcacheclean.js: the front end's modules load when it runs, not at every cachectl start. */
export async function mainHtcacheclean(...args: Parameters<typeof MainHtcacheclean>): ReturnType<typeof MainHtcacheclean> {
  return (await import('./compat/main.js')).mainHtcacheclean(...args);
}
