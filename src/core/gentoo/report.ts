/** What `report --repo` loads (one module, loaded only when the option is given). */
export { loadManifests } from './loadManifests.js';
export { gentooReportTally } from './reportTally.js';
