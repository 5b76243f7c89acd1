import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where the page, script and stylesheet live: next to this module, in `src/` and (copied by `npm run build`) in `dist/`. */
export const CONSOLE_ASSETS_DIR = join(__dirname, 'assets');

/** The files `/console/<name>` serves, with their content types. The page itself is `/console`. */
export const CONSOLE_FILES: Readonly<Record<string, string>> = {
  'index.html': 'text/html; charset=utf-8',
  'console.js': 'text/javascript; charset=utf-8',
  'console.css': 'text/css; charset=utf-8',
};

/**
 * Everything the page loads comes from the gateway itself (no CDN, no inline script or style);
 * it talks only to the gateway's API and cannot be framed.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const CONSOLE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONSOLE_CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-cache',
};

export interface ConsoleAsset {
  contentType: string;
  /** text (Nest's Express adapter would send a Buffer as JSON) */
  body: string;
}

/** Reads every console file once; `missing` names the files that are not there (a build without the copy step). */
export function loadConsoleAssets(dir: string = CONSOLE_ASSETS_DIR): {
  assets: Map<string, ConsoleAsset>;
  missing: string[];
} {
  const assets = new Map<string, ConsoleAsset>();
  const missing: string[] = [];
  for (const [name, contentType] of Object.entries(CONSOLE_FILES)) {
    try {
      assets.set(name, { contentType, body: readFileSync(join(dir, name), 'utf8') });
    } catch {
      missing.push(name);
    }
  }
  return { assets, missing };
}
