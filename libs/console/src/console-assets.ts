import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Where the page, script and stylesheet live: next to this module, in `src/` and (copied by `npm run build`) in `dist/`. */
export const CONSOLE_ASSETS_DIR = join(__dirname, 'assets');

const JS = 'text/javascript; charset=utf-8';

/**
 * The files `/console/<name>` serves, with their content types. The page itself is `/console`; the
 * scripts are ES modules (Preact components written with htm tagged templates: no build step).
 */
export const CONSOLE_FILES: Readonly<Record<string, string>> = {
  'index.html': 'text/html; charset=utf-8',
  'console.css': 'text/css; charset=utf-8',
  'forms.css': 'text/css; charset=utf-8',
  'app.js': JS,
  'api.js': JS,
  'ui.js': JS,
  'cluster.js': JS,
  'projects.js': JS,
  'secrets.js': JS,
  'triggers.js': JS,
  'trigger-form.js': JS,
  'events.js': JS,
  'event-row.js': JS,
  'dlq.js': JS,
  'htm-preact.js': JS,
};

/**
 * Files served from the `htm` package (a runtime dependency) rather than the assets folder: Preact +
 * htm in one ES module (htm's `preact/standalone` build, ≈ 13 KB), path inside the package.
 */
export const VENDOR_FILES: Readonly<Record<string, string>> = {
  'htm-preact.js': 'preact/standalone.module.js',
};

/** htm's package root: its exports map hides the browser builds from require.resolve, its main does not. */
const htmRoot = (): string => join(dirname(require.resolve('htm')), '..');

function pathOf(dir: string, name: string): string {
  const vendor = VENDOR_FILES[name];
  return vendor === undefined ? join(dir, name) : join(htmRoot(), vendor);
}

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
      assets.set(name, { contentType, body: readFileSync(pathOf(dir, name), 'utf8') });
    } catch {
      missing.push(name);
    }
  }
  return { assets, missing };
}
