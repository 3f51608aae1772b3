import { SectigoError } from './errors.js';

export interface ParamSpec {
  name: string;
  required: boolean;
  maxLength: number;
  /** A whole number (Sectigo's "integer" parameters). */
  integer?: boolean;
}

const login: ParamSpec[] = [
  { name: 'loginName', required: true, maxLength: 64 },
  { name: 'loginPassword', required: true, maxLength: 128 },
];

export const endpointParams = {
  smime: [...login, { name: 'orderNumber', required: true, maxLength: 128 }, { name: 'emailAddress', required: false, maxLength: 32000 }],
  dcv: [
    ...login,
    { name: 'orderNumber', required: false, maxLength: 18, integer: true },
    { name: 'baseOrderNumber', required: false, maxLength: 18, integer: true },
    { name: 'dcvEmailAddress', required: false, maxLength: 255 },
    { name: 'dcvTemplateID', required: false, maxLength: 9, integer: true },
  ],
  list: [
    ...login,
    { name: 'domainName', required: true, maxLength: 255 },
    { name: 'responseFormat', required: false, maxLength: 1, integer: true },
  ],
} satisfies Record<string, ParamSpec[]>;

export type Endpoint = keyof typeof endpointParams;

/**
 * Parses a form body and checks it against the endpoint's table, in Sectigo's order: an unknown
 * parameter (-2), then a missing one (-3), then a value too long, repeated or not a number (-4).
 */
export const parseParams = (body: string, specs: ParamSpec[]): Record<string, string> => {
  const form = new URLSearchParams(body);
  const known = new Map(specs.map((s) => [s.name, s]));
  const values: Record<string, string> = {};
  const repeated = new Set<string>();
  for (const [name, value] of form) {
    if (!known.has(name)) throw new SectigoError('-2', name);
    if (name in values) repeated.add(name);
    values[name] = value;
  }
  for (const spec of specs) {
    if (spec.required && !values[spec.name]) throw new SectigoError('-3', spec.name);
  }
  for (const spec of specs) {
    const value = values[spec.name];
    if (value === undefined) continue;
    if (repeated.has(spec.name) || value.length > spec.maxLength || (spec.integer && !/^[0-9]+$/.test(value))) {
      throw new SectigoError('-4', spec.name);
    }
    if (value === '') delete values[spec.name];
  }
  return values;
};
