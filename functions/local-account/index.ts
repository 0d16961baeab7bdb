export type {
  Call,
  CallMatch,
  Fault,
  LocalAccount,
  LocalAccountOptions,
  ReceivedMessage,
  SlackResponse,
} from './server.js';
export { startLocalAccount } from './server.js';
export { DEFAULT_ENABLED_REGIONS, DEFAULT_NOT_OPTED_IN } from './state.js';
