import type { Purpose } from '../model.js';

/**
 * Installed template ids a caller may choose (Sectigo's dcvTemplateID): 1 is the standard email, 2 a
 * compact one. The courier's catalogue provides each of them (a test holds the two lists together);
 * the templates directory adds sets of its own (see `TemplateSets`).
 */
export const installedTemplateIds: Partial<Record<Purpose, readonly string[]>> = { dcv: ['1', '2'] };
