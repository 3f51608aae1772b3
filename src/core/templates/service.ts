import { assertMay, type Principal } from '../access/permissions.js';
import { targetAccount } from '../access/target-account.js';
import type { AccountPersister } from '../accounts/port.js';
import { CoreError } from '../errors.js';
import type { Purpose } from '../model.js';
import { normaliseLocale } from '../verification/locales.js';
import type { RenderedPreview, TemplatePreviewer, TemplateSets } from './port.js';

/** Previews of the mail an account's recipients get, with sample values: `read` permission, an account's own templates. */
export class TemplateService {
  constructor(
    private readonly previewer: TemplatePreviewer,
    private readonly sets: TemplateSets,
    private readonly accounts: Pick<AccountPersister, 'getAccount' | 'findAccountByName'>,
  ) {}

  async preview(actor: Principal, input: { purpose: Purpose; locale?: string; account?: string; set?: string }): Promise<RenderedPreview> {
    assertMay(actor, 'read');
    const accountId = await targetAccount(this.accounts, actor, input.account);
    if (input.set !== undefined && !(await this.sets.isAvailable(accountId, input.purpose, input.set)))
      throw new CoreError('VALIDATION_FAILED', { field: 'set' }, 'No such template set for this account and purpose.');
    const name = accountId === null ? null : ((await this.accounts.getAccount(accountId))?.name ?? null);
    return this.previewer.preview(name, input.purpose, normaliseLocale(input.locale), input.set);
  }
}
