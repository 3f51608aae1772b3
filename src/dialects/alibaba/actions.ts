import type { Principal } from '../../core/access/permissions.js';
import type { AddressOutcome, IdentityService, IdentityView } from '../../core/identities/service.js';
import type { Subject } from '../../core/subjects/model.js';
import type { VerificationService } from '../../core/verification/service.js';
import { type AddressCode, AlibabaError, addressMessage, type Lang } from './errors.js';

/** The core services the actions use. */
export interface ActionDeps {
  identities: IdentityService;
  verifications: Pick<VerificationService, 'confirm'>;
}

export interface ActionContext {
  deps: ActionDeps;
  actor: Principal;
  accountId: string;
  params: Record<string, string>;
  lang: Lang;
  ip: string;
}

export interface Action {
  /** Parameters without which the action answers Missing{Name}. */
  required: string[];
  run(ctx: ActionContext): Promise<Record<string, unknown>>;
}

const MAX_ADDRESSES = 100;

const emailsOf = (p: Record<string, string>): string[] => {
  const emails = (p.Email ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  if (emails.length === 0 || emails.length > MAX_ADDRESSES) throw new AlibabaError('InvalidParameter.Format');
  return emails;
};

/** 2019-02-19 16:38:07 (UTC). */
const gmt = (t: number | null | undefined): string | undefined =>
  t ? new Date(t).toISOString().slice(0, 19).replace('T', ' ') : undefined;

const codeOf = (o: AddressOutcome): AddressCode => {
  if (o.result !== 'failed') return 'Success';
  if (o.code === 'QUOTA_EXCEEDED') return 'SendTokenQuotaExceeded';
  return o.code === 'RECIPIENT_SUPPRESSED' ? 'EmailSuppressed' : 'ParameterIllegall';
};

/** A plain list, as the SDKs' response models read it (`for k1 in m.get('FailList')`). */
const sendResults = (outcomes: AddressOutcome[], lang: Lang, keep: (o: AddressOutcome) => boolean) =>
  outcomes.filter(keep).map((o) => ({ Code: codeOf(o), Email: o.email, Message: addressMessage(codeOf(o), lang) }));

const lists = (outcomes: AddressOutcome[], lang: Lang, withExist = false) => ({
  SuccessList: sendResults(outcomes, lang, (o) => o.result === 'success'),
  FailList: sendResults(outcomes, lang, (o) => o.result === 'failed'),
  ...(withExist ? { ExistList: sendResults(outcomes, lang, (o) => o.result === 'exists') } : {}),
});

const identityJson = ({ identity, verification: v }: IdentityView, withSend: boolean) => ({
  Email: identity.emails[0],
  VerificationStatus: identity.state === 'verified' ? 1 : 0,
  GmtCreate: gmt(identity.createdAt),
  GmtModified: gmt(identity.updatedAt),
  ...(withSend
    ? {
        TokenSendTime: gmt(v?.lastSentAt),
        VerificationTime: gmt(v?.confirmedAt),
        SendIp: v?.sendIp ?? undefined,
        ConfirmIp: v?.confirmIp ?? undefined,
      }
    : {}),
  EmailVerificationNo: identity.id,
  UserId: identity.accountId,
});

const positiveInt = (v: string | undefined, fallback: number, max: number): number => {
  if (v === undefined) return fallback;
  if (!/^[0-9]{1,9}$/.test(v) || Number(v) < 1 || Number(v) > max) throw new AlibabaError('InvalidParameter.Format');
  return Number(v);
};

const epochMs = (v: string | undefined): number | undefined => {
  if (v === undefined) return undefined;
  if (!/^[0-9]{1,15}$/.test(v)) throw new AlibabaError('InvalidParameter.Format');
  return Number(v);
};

/** `true`/`false` in any case: the Python SDKs write `str(False)`. */
const booleanOf = (v: string | undefined): boolean | undefined => {
  if (v === undefined) return undefined;
  if (!/^(true|false)$/i.test(v)) throw new AlibabaError('InvalidParameter.Format');
  return v.toLowerCase() === 'true';
};

/** The email-verification actions of the Domain API. */
export const actions: Record<string, Action> = {
  SubmitEmailVerification: {
    required: ['Email'],
    async run({ deps, actor, params, lang, ip }) {
      const outcomes = await deps.identities.submit(actor, {
        emails: emailsOf(params),
        sendIfExist: booleanOf(params.SendIfExist) ?? false,
        ip: params.UserClientIp ?? ip,
      });
      return lists(outcomes, lang, true);
    },
  },
  ResendEmailVerification: {
    required: ['Email'],
    async run({ deps, actor, params, lang, ip }) {
      return lists(await deps.identities.resend(actor, { emails: emailsOf(params), ip: params.UserClientIp ?? ip }), lang);
    },
  },
  QueryEmailVerification: {
    required: ['Email'],
    async run({ deps, actor, params }) {
      const view = await deps.identities.query(actor, params.Email ?? '').catch(() => {
        throw new AlibabaError('ParameterIllegal');
      });
      return identityJson(view, true);
    },
  },
  DeleteEmailVerification: {
    required: ['Email'],
    async run({ deps, actor, params, lang }) {
      return lists(await deps.identities.delete(actor, { emails: emailsOf(params) }), lang);
    },
  },
  VerifyEmail: {
    required: ['Token'],
    async run({ deps, accountId, params, ip }) {
      // Only this account's email-identity tokens: an access key confirms nothing of another tenant.
      const only = { accountId, purposes: ['email_ownership' as const] };
      await deps.verifications.confirm(params.Token ?? '', params.UserClientIp ?? ip, only).catch(() => {
        throw new AlibabaError('ParameterIllegal');
      });
      return {};
    },
  },
  ListEmailVerification: {
    required: [],
    async run({ deps, actor, params }) {
      const page = positiveInt(params.PageNum, 1, 1_000_000);
      const pageSize = positiveInt(params.PageSize, 500, 5000);
      const status = params.VerificationStatus;
      if (status !== undefined && status !== '0' && status !== '1') throw new AlibabaError('InvalidParameter.Format');
      const { items, total } = await deps.identities.list(actor, {
        email: params.Email,
        verified: status === undefined ? undefined : status === '1',
        createdFrom: epochMs(params.BeginCreateTime),
        createdTo: epochMs(params.EndCreateTime),
        page,
        pageSize,
      });
      const totalPages = Math.ceil(total / pageSize);
      return {
        TotalItemNum: total,
        CurrentPageNum: page,
        TotalPageNum: totalPages,
        PageSize: pageSize,
        PrePage: page > 1,
        NextPage: page < totalPages,
        Data: items.map((identity: Subject) => identityJson({ identity, verification: null }, false)),
      };
    },
  },
};
