import { loadTemplateDir, TemplateLoadError, type TemplateOverrides } from '../courier/templates/overrides.js';

/** The operator's templates, or a refusal to start in one line naming the setting, the file and the problem. */
export const loadTemplates = (dir: string | null): TemplateOverrides | null => {
  if (dir === null) return null;
  try {
    return loadTemplateDir(dir);
  } catch (e) {
    if (e instanceof TemplateLoadError) throw new Error(`REVERIFY_TEMPLATES_DIR: ${e.message}`);
    throw e;
  }
};
