import type { InstanceSettings } from '../../core/instance/port.js';
import type { PgConnection } from './connection.js';

export class PgSettings implements InstanceSettings {
  constructor(private readonly c: PgConnection) {}

  async getSetting(name: string) {
    const r = await this.c.one('SELECT value FROM settings WHERE name = ?', name);
    return r ? String(r.value) : null;
  }

  async initSetting(name: string, value: string) {
    // A concurrent first write waits on the unique key and then does nothing: every node reads the winner's value.
    await this.c.run('INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING', name, value);
    return (await this.getSetting(name)) ?? value;
  }
}
