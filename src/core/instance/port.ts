/**
 * Settings of this installation that live in its database (the admin token's hash, the server key's
 * fingerprint). Concurrency: `initSetting` is set-once; of several nodes initialising one name at
 * once, all get the first value written.
 */
export interface InstanceSettings {
  getSetting(name: string): Promise<string | null>;
  /** Sets the value only when none is stored; returns the stored value. */
  initSetting(name: string, value: string): Promise<string>;
}
