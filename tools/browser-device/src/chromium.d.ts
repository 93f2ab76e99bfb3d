/** Debian's Chromium unless `CHROMIUM_PATH` names another build. */
export declare const CHROMIUM_PATH: string;
/** The flags every test launch uses: headless, no sandbox, nothing fetched in the background. */
export declare const CHROMIUM_ARGS: readonly string[];
