export { OpsService, OPS_THRESHOLDS, type MemoryProbe } from './service.js';
export { instrumentRoutes, startProcessMetrics, serveMetrics, mayScrape } from './http.js';
export { metricsRoutes, opsRoutes } from './routes.js';
