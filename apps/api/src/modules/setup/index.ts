export { bootstrap, type BootstrapResult } from './bootstrap.js';
