export declare const SIGNING_KEY_FILE: 'config-signing.key';
export declare function stackSigningKey(
  dataDir: string,
  env?: NodeJS.ProcessEnv,
): { key: string; file: string | undefined };
export declare function readSigningKeyFile(file: string): string;
