import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SERVICE_NODE_FLAGS } from './node-flags.js';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

describe('the service starts with its Node flags everywhere it is started for good', () => {
  const places: [string, string][] = [
    ['bin/reverify.js (shebang)', read('bin/reverify.js').split('\n')[0] ?? ''],
    ['npm start', (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts.start ?? ''],
    [
      'Dockerfile',
      read('Dockerfile')
        .split('\n')
        .find((l) => l.startsWith('ENTRYPOINT')) ?? '',
    ],
    [
      'systemd unit',
      read('deploy/reverify.service')
        .split('\n')
        .find((l) => l.startsWith('ExecStart=')) ?? '',
    ],
  ];
  it.each(places)('%s', (_, line) => {
    for (const flag of SERVICE_NODE_FLAGS) expect(line).toContain(flag);
  });
});
