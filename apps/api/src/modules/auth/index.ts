export { AuthService } from './service.js';
export { LocalSessionCache } from './session-cache.js';
export { authRoutes } from './routes.js';
export {
  STAFF_LIST,
  UserRepository,
  type NewUser,
  type UserRow,
  type StaffFilter,
  type TeamPerson,
} from './users.repository.js';
export { hashPassword, verifyPassword } from './passwords.js';
export { hashToken, newToken, csrfTokenFor, SESSION_COOKIE } from './tokens.js';
export { rotateUsers, sealLegacyUsers } from './pii-maintenance.js';
