export {
  type BrowserDevice,
  type CreateRequest,
  type LaunchOptions,
  launchDevice,
  type VirtualCredential,
} from './browser-device.js';
export { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.js';
export { touch } from './touch.js';
