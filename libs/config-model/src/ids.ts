import * as z from 'zod';

/**
 * Project and trigger ids: lowercase slugs, 1..63 characters of `a-z 0-9 _ -`, starting with a
 * letter or digit. They appear in Consul keys, URLs (`/v1/api/:project/...`) and file maps, so no
 * `/`, no dots, no NUL.
 */
export const SLUG_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;

export const slugSchema = z
  .string()
  .regex(SLUG_PATTERN, {
    message: 'must be a slug: 1-63 characters of a-z, 0-9, "_" or "-", starting with a letter or digit',
  })
  .refine((id) => id !== 'constructor' && id !== 'prototype', { message: 'this id is reserved' });

export function isSlug(value: string): boolean {
  return slugSchema.safeParse(value).success;
}
