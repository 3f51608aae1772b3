/** Whole-request errors: code -> HTTP status and message, in English and Chinese (Lang). */
export const alibabaErrors = {
  'InvalidApi.NotFound': [
    404,
    'Specified api is not found, please check your url and method.',
    '指定的 API 不存在，请检查 URL 和请求方法。',
  ],
  'InvalidAccessKeyId.NotFound': [404, 'Specified access key is not found.', '指定的 AccessKey 不存在。'],
  'InvalidAccessKeyId.Inactive': [400, 'Specified access key is disabled.', '指定的 AccessKey 已被禁用。'],
  'InvalidTimeStamp.Format': [400, 'Specified time stamp or date value is not well formatted.', '指定的时间戳或日期格式不正确。'],
  'InvalidTimeStamp.Expired': [400, 'Specified time stamp or date value is expired.', '指定的时间戳或日期已过期。'],
  SignatureNonceUsed: [400, 'Specified signature nonce was used already.', '指定的 SignatureNonce 已被使用。'],
  'InvalidParameter.Format': [400, 'Specified parameter format is not valid.', '指定的参数格式不正确。'],
  SignatureDoesNotMatch: [400, 'Specified signature is not matched with our calculation.', '指定的签名与我们的计算结果不匹配。'],
  InvalidSignatureMethod: [400, 'Specified signature method is not supported.', '不支持指定的签名方法。'],
  IncompleteSignature: [400, 'The request signature does not conform to Aliyun standards.', '请求签名不符合阿里云规范。'],
  'Throttling.User': [400, 'Request was denied due to user flow control.', '请求被用户流控拒绝。'],
  ParameterIllegal: [400, 'Parameter illegal.', '参数非法。'],
  ServiceUnavailable: [503, 'The request has failed due to a temporary failure of the server.', '服务暂时不可用，请稍后重试。'],
  InternalError: [500, 'The request processing has failed due to some unknown error.', '请求处理因未知错误而失败。'],
} as const;

export type AlibabaCode = keyof typeof alibabaErrors | `Missing${string}`;

export type Lang = 'en' | 'zh';

export class AlibabaError extends Error {
  /** `detail` follows the message in both languages (SignatureDoesNotMatch: the server's string to sign). */
  constructor(
    readonly code: AlibabaCode,
    readonly detail = '',
  ) {
    super(code);
  }

  status(): number {
    return this.code.startsWith('Missing') ? 400 : alibabaErrors[this.code as keyof typeof alibabaErrors][0];
  }

  text(lang: Lang): string {
    if (this.code.startsWith('Missing')) {
      const name = this.code.slice('Missing'.length);
      return lang === 'zh' ? `${name} 是此操作的必填参数。` : `${name} is mandatory for this action.`;
    }
    const [, en, zh] = alibabaErrors[this.code as keyof typeof alibabaErrors];
    return (lang === 'zh' ? zh : en) + this.detail;
  }
}

/** Per-address results of the multi-address actions. */
export const addressResults = {
  Success: ['Success', '成功'],
  SendTokenQuotaExceeded: [
    'The maximum number of attempts allowed to send the email verification link is exceeded.',
    '发送邮箱验证链接的次数已超过上限。',
  ],
  // Spelled as the vendor spells it.
  ParameterIllegall: ['Parameter error', '参数错误'],
  // Reverify's own: mail to the address bounced, so none is sent until an administrator lifts the suppression.
  EmailSuppressed: ['Mail to this address bounced; it is on the suppression list.', '发往该地址的邮件被退回，该地址已被列入抑制名单。'],
} as const;

export type AddressCode = keyof typeof addressResults;

export const addressMessage = (code: AddressCode, lang: Lang) => addressResults[code][lang === 'zh' ? 1 : 0];
