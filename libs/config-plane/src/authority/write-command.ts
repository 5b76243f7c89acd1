import { type ConfigRef, type FieldIssue, isSlug, parseConfigValue } from '@spaceport/config-model';
import { configWriteOf } from '@spaceport/config-store';
import * as z from 'zod';
import { type WriteCommand } from '../protocol';

const refSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('eventing') }),
  z.object({ kind: z.literal('project'), projectId: z.string().refine(isSlug) }),
  z.object({ kind: z.literal('trigger'), projectId: z.string().refine(isSlug), triggerId: z.string().refine(isSlug) }),
]);

const commandSchema = z.discriminatedUnion('op', [
  z.object({
    op: z.literal('put'),
    write: z.object({
      kind: z.enum(['eventing', 'project', 'trigger']),
      projectId: z.string().optional(),
      value: z.unknown(),
    }),
    expectedVersion: z.number().int().min(0),
  }),
  z.object({ op: z.literal('delete'), ref: refSchema, expectedVersion: z.number().int().min(0) }),
]);

export type ParsedWriteCommand = { ok: true; command: WriteCommand } | { ok: false; issues: FieldIssue[] };

function refOfPut(write: { kind: string; projectId?: string; value?: unknown }): ConfigRef | undefined {
  const id =
    typeof write.value === 'object' && write.value !== null && 'id' in write.value ? write.value.id : undefined;
  if (write.kind === 'eventing') return { kind: 'eventing' };
  if (typeof id !== 'string' || !isSlug(id)) return undefined;
  if (write.kind === 'project') return { kind: 'project', projectId: id };
  return write.projectId !== undefined && isSlug(write.projectId)
    ? { kind: 'trigger', projectId: write.projectId, triggerId: id }
    : undefined;
}

/**
 * Pure: a write request as it arrives over Redis → a validated command. The single writer never
 * trusts its callers: the value is validated again with the config schema.
 */
export function parseWriteCommand(input: unknown): ParsedWriteCommand {
  const envelope = commandSchema.safeParse(input);
  if (!envelope.success) return { ok: false, issues: [{ field: '(command)', message: 'malformed write command' }] };
  const command = envelope.data;
  if (command.op === 'delete') return { ok: true, command };
  const ref = refOfPut(command.write);
  if (!ref) return { ok: false, issues: [{ field: 'id', message: 'missing or invalid id' }] };
  const parsed = parseConfigValue(ref, command.write.value);
  if (!parsed.ok) return { ok: false, issues: parsed.error.issues };
  return {
    ok: true,
    command: { op: 'put', write: configWriteOf(parsed.entry), expectedVersion: command.expectedVersion },
  };
}
