import type { Purpose } from '../model.js';

/**
 * Template ids a caller may choose (Sectigo's dcvTemplateID): 1 is the standard email, 2 a compact
 * one. The courier's catalogue provides each of them (a test holds the two lists together).
 */
export const installedTemplateIds: Partial<Record<Purpose, readonly string[]>> = { dcv: ['1', '2'] };

export const isInstalledTemplate = (purpose: Purpose, id: string): boolean => installedTemplateIds[purpose]?.includes(id) ?? false;
