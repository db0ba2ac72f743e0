/** Typed settings read from the environment. */
export interface Settings {
  apiUrl: string;
  timeoutMs: number;
  debug?: boolean;
}

export type Env = Record<string, string | undefined>;

export class SettingsError extends Error {
  constructor(public readonly key: string) {
    super(`missing setting ${key}`);
  }
}

export function loadSettings(env: Env = process.env): Settings {
  const apiUrl = env.API_URL;
  if (!apiUrl) {
    throw new SettingsError("API_URL");
  }
  return {
    apiUrl,
    timeoutMs: Number(env.TIMEOUT_MS ?? 8000),
    debug: env.DEBUG === "1",
  };
}
