export {
  type BrowserDevice,
  CHROMIUM_ARGS,
  CHROMIUM_PATH,
  launchDevice,
  type VirtualCredential,
} from './browser-device.js';
export { touch } from './touch.js';
