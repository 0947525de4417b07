export { bootstrap, type BootstrapResult } from './bootstrap.js';
export { rotatePii, sealLegacyPii, type PiiCounts } from './pii.js';
