import { hash } from 'node:crypto';

/**
 * Partition hash (docs/architecture.md, Event flow): `hash(project, partitionKey ?? eventId) mod P`.
 *
 * hash = the first 4 bytes, read as an unsigned big-endian integer, of
 *        SHA-256( UTF-8(project) || 0x00 || UTF-8(key) ).
 *
 * SHA-256 is fixed by FIPS 180-4, so the mapping is the same in every process, Node version and
 * language (`printf 'demo\0order-1' | openssl dgst -sha256` reproduces it). The NUL byte separates
 * project and key so ("ab","c") and ("a","bc") differ; projects may therefore not contain NUL.
 * The modulo bias of a 32-bit hash is below P / 2^32 (< 1e-6 for P <= 4096): negligible.
 */

/** Largest partition count accepted: far beyond any sane cluster, small enough to keep bias nil. */
export const MAX_PARTITION_COUNT = 4096;

/** Throws unless `partitionCount` is an integer in [1, MAX_PARTITION_COUNT]. */
export function assertPartitionCount(partitionCount: number): void {
  if (!Number.isInteger(partitionCount) || partitionCount < 1 || partitionCount > MAX_PARTITION_COUNT) {
    throw new RangeError(`partition count must be an integer in [1, ${MAX_PARTITION_COUNT}], got ${partitionCount}`);
  }
}

/** The unsigned 32-bit partition hash of (project, key) described above. */
export function partitionHash(project: string, key: string): number {
  if (project.includes('\0')) {
    throw new RangeError('project name must not contain a NUL character');
  }
  // one-shot hash (no Hash object); the first 8 hex digits are the first 4 bytes, big-endian
  return Number.parseInt(hash('sha256', `${project}\0${key}`, 'hex').slice(0, 8), 16);
}

/** The partition in [0, partitionCount) that carries the events of (project, key). */
export function partitionOf(project: string, key: string, partitionCount: number): number {
  assertPartitionCount(partitionCount);
  return partitionHash(project, key) % partitionCount;
}
