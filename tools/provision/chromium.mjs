// Provision a browser for the console's tests: CHROMIUM_BIN if set, else chromium on PATH, else
// Debian's chromium package (playwright-core drives it; no browser download).
import { ensureDebianProgram } from './debian.mjs';

/** @param {(line: string) => void} log */
export function ensureChromium(log) {
  return ensureDebianProgram({ command: 'chromium', envVar: 'CHROMIUM_BIN', debianPackage: 'chromium', log });
}
