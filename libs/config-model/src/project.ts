import * as z from 'zod';
import { slugSchema } from './ids';
import { projectSecretsSchema, type RedactedProjectSecrets, redactSecrets } from './secrets';

export const DEFAULT_MAX_PAYLOAD_BYTES = 256 * 1024;
export const MAX_MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;
export const DEFAULT_IDEMPOTENCY_TTL_MS = 24 * 3_600_000;

export const projectSettingsSchema = z
  .object({
    /** largest accepted `payload` of a queued event, in bytes of its JSON */
    maxPayloadBytes: z.number().int().min(1).max(MAX_MAX_PAYLOAD_BYTES).default(DEFAULT_MAX_PAYLOAD_BYTES),
    /** how long an `Idempotency-Key` is remembered */
    idempotencyTtlMs: z
      .number()
      .int()
      .min(60_000)
      .max(7 * 24 * 3_600_000)
      .default(DEFAULT_IDEMPOTENCY_TTL_MS),
  })
  .strict();

/**
 * A project body as an API or a config file gives it. `id` may be omitted: the Consul key
 * (`config/projects/<id>`) or the file's map key names the project.
 */
export const projectBodySchema = z
  .object({
    id: slugSchema.optional(),
    name: z.string().trim().min(1, { message: 'is required' }).max(200),
    secrets: projectSecretsSchema,
    settings: projectSettingsSchema.prefault({}),
  })
  .strict();

export const projectSchema = projectBodySchema.extend({ id: slugSchema });

export type ProjectBody = z.output<typeof projectBodySchema>;
export type ProjectInput = z.input<typeof projectBodySchema>;
export type Project = z.output<typeof projectSchema>;
export type ProjectSettings = z.output<typeof projectSettingsSchema>;

export type RedactedProject = Omit<Project, 'secrets'> & { secrets: RedactedProjectSecrets };

/** The project as read APIs and logs may show it: every secret value replaced by `[redacted]`. */
export function redactProject(project: Project): RedactedProject {
  return { ...project, settings: { ...project.settings }, secrets: redactSecrets(project.secrets) };
}
