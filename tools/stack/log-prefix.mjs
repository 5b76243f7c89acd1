// Child-process output for `npm start` and `npm run worker`: every line prefixed with the child's
// name in a colour, so the logs of many processes in one terminal stay readable.

/** `name` padded to a column, in ANSI colour `colour`, then a bar. */
export function logPrefix(name, colour) {
  return `\x1b[${colour}m${name.padEnd(16)}\x1b[0m| `;
}

/**
 * Copies `stream` to `out` line by line, each line after `prefix` (a partial line waits for its end);
 * `onLine`, when given, sees every line too.
 */
export function relayLines(stream, out, prefix, onLine) {
  let buffered = '';
  stream.on('data', (chunk) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      out.write(prefix + line + '\n');
      onLine?.(line);
    }
  });
}
