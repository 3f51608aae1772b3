import { CoreError } from '../errors.js';

/** What a credential may do, the same on every path into Reverify. */
export const permissions = ['read', 'send', 'manage_subjects', 'manage_keys', 'read_mail'] as const;
export type Permission = (typeof permissions)[number];

/**
 * The API key roles (DigiCert's numbers, used by every dialect that takes API keys):
 * 0 inherits the account's permissions (all of them), 100 orders (read and resend), 101 orders and
 * domains (also creates subjects and validates domains), 102 view only, 103 user management (keys).
 * Captured mail holds live links, so only role 0 reads it.
 */
export const rolePermissions: Record<number, readonly Permission[]> = {
  0: permissions,
  100: ['read', 'send'],
  101: ['read', 'send', 'manage_subjects'],
  102: ['read'],
  103: ['manage_keys'],
};

export const apiKeyRoles = Object.keys(rolePermissions).map(Number);

/** Who is asking: the operator (admin token), or a credential of one account. */
export type Principal = { kind: 'admin' } | { kind: 'account'; accountId: string; permissions: ReadonlySet<Permission> };

/** A login or access key stands for the account itself: every permission. */
export const ownerPermissions: ReadonlySet<Permission> = new Set(permissions);

export const permissionsOfRole = (role: number): ReadonlySet<Permission> => new Set(rolePermissions[role] ?? []);

export const may = (p: Principal, permission: Permission): boolean => p.kind === 'admin' || p.permissions.has(permission);

export const assertMay = (p: Principal, permission: Permission): void => {
  if (!may(p, permission)) throw new CoreError('FORBIDDEN');
};

export const assertAdmin = (p: Principal): void => {
  if (p.kind !== 'admin') throw new CoreError('FORBIDDEN');
};

/** undefined for the admin (sees every account), else the caller's own account id. */
export const scopeOf = (p: Principal): string | undefined => (p.kind === 'account' ? p.accountId : undefined);

/** Reverify itself acting for the operator: fixtures, the command line, background work. */
export const OPERATOR: Principal = { kind: 'admin' };

/** The account a vendor-style request acts for: those flows always belong to one account. */
export const accountIdOf = (p: Principal): string => {
  if (p.kind !== 'account') throw new CoreError('FORBIDDEN');
  return p.accountId;
};
