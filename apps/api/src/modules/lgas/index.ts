export { lgaRoutes } from './routes.js';
export { seedLgas } from './repository.js';
