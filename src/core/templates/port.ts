import type { Purpose } from '../model.js';

/**
 * Template sets a caller may choose (Sectigo's `dcvTemplateID`): the installed ones, and those of the
 * templates directory, for every account or for one.
 */
export interface TemplateSets {
  /** The id names a set for this purpose somewhere (installed, or for any account): checked before a login. */
  isKnown(purpose: Purpose, id: string): boolean;
  /** The set can render this account's mail of this purpose. */
  isAvailable(accountId: string | null, purpose: Purpose, id: string): Promise<boolean>;
}

export interface RenderedPreview {
  subject: string;
  text: string;
  html: string;
  /** The locale of the template used (after falling back). */
  locale: string;
}

/** Renders the template in force with sample values (never a real token). */
export interface TemplatePreviewer {
  preview(accountName: string | null, purpose: Purpose, locale: string, set?: string): Promise<RenderedPreview>;
}
