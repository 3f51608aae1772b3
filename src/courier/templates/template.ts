/** What a template may use. Values come from stored data: they are escaped by the renderer. */
export interface TemplateVars {
  link: string;
  expiresAt: Date;
  recipient: string;
  orderNumber?: string;
  domains?: string;
  firstName?: string;
}

/** A template is words only: the renderer builds the text and HTML bodies around them. */
export interface TemplateText {
  subject: string;
  intro: string[];
  action: string;
  outro: string[];
}

export type Template = (v: TemplateVars, formatDate: (d: Date) => string) => TemplateText;
