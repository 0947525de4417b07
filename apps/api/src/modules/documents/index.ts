export { DocumentService, MAX_CARDS_PER_PDF } from './service.js';
export { documentRoutes } from './routes.js';
