/**
 * Channels without an account behind them: the feature-phone USSD callback (flow.ts: the menu;
 * service.ts: sessions, submission, SMS) and the admin simulator that drives it.
 */
export { ChannelService, registrationReference, RESUME_MS } from './service.js';
export { channelRoutes } from './routes.js';
