export { FraudService, ensureDefaultFraudSettings, type FraudResult } from './service.js';
export { fraudRoutes } from './routes.js';
export { fraudSummary, reasonText, signalOf } from './reasons.js';
