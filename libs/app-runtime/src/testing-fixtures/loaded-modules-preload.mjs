// Test preload (`node --import`): when the process exits, writes the path of every CommonJS module it
// loaded (the shared require cache) to the file named by LOADED_MODULES_FILE, one per line.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const { cache } = createRequire(import.meta.url);

process.on('exit', () => {
  const file = process.env.LOADED_MODULES_FILE;
  if (file) writeFileSync(file, Object.keys(cache).join('\n'));
});
