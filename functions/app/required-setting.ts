import type { Config } from '../config.js';
import { ConfigError } from '../settings.js';

/**
 * A setting the function cannot run without.
 * @throws {ConfigError} naming `variable` when it is not set
 */
export function requiredSetting<K extends keyof Config>(
  config: Config,
  key: K,
  variable: string,
): NonNullable<Config[K]> {
  const value = config[key];
  if (value === undefined)
    throw new ConfigError(variable, `${variable} is not set: the function needs it (the CDK stack sets it).`);
  return value as NonNullable<Config[K]>;
}
