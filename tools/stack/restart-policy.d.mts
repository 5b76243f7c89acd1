export interface RestartPolicy {
  initialDelayMs: number;
  maxDelayMs: number;
  stableAfterMs: number;
  maxCrashesInRow: number;
}

export declare const RESTART_POLICY: Readonly<RestartPolicy>;
export declare function nextRestart(
  crashesInRow: number,
  ranForMs: number,
  policy?: RestartPolicy,
):
  | { crashesInRow: number; delayMs: number; giveUp?: undefined }
  | { crashesInRow: number; giveUp: true; delayMs?: undefined };
export declare function describeExit(code: number | null, signal: NodeJS.Signals | null): string;
