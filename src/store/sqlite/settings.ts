import type { InstanceSettings } from '../../core/instance/port.js';
import type { SqliteConnection } from './connection.js';

export class SqliteSettings implements InstanceSettings {
  constructor(private readonly c: SqliteConnection) {}

  async getSetting(name: string) {
    const r = this.c.one('SELECT value FROM settings WHERE name = ?', name);
    return r ? String(r.value) : null;
  }

  async initSetting(name: string, value: string) {
    await this.c.writes.run(() =>
      this.c.stmt('INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING').run(name, value),
    );
    return (await this.getSetting(name)) ?? value;
  }
}
