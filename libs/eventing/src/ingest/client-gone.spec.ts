import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { clientGoneSignal } from './client-gone';

/** A response's close as node:http reports it: `writableFinished` tells a written answer from a client gone. */
class FakeResponse extends EventEmitter {
  writableFinished = false;
  destroyed = false;
}

describe('clientGoneSignal', () => {
  it('aborts when the connection closes before the response was written', () => {
    const res = new FakeResponse();
    const signal = clientGoneSignal(res);
    expect(signal.aborted).toBe(false);
    res.destroyed = true;
    res.emit('close');
    expect(signal.aborted).toBe(true);
  });

  it('does not abort on the close that follows a written response', () => {
    const res = new FakeResponse();
    const signal = clientGoneSignal(res);
    res.writableFinished = true;
    res.emit('close');
    expect(signal.aborted).toBe(false);
  });

  it('is aborted already when the client went away before it was asked for', () => {
    const res = new FakeResponse();
    res.destroyed = true;
    expect(clientGoneSignal(res).aborted).toBe(true);
  });
});
