import type { Template } from '../template.js';

export const template: Template = (v, date) => ({
  subject: `${v.domains ?? '証明書のご注文'} のドメイン認証`,
  intro: [
    `次の名前に対して証明書が申請されました${v.orderNumber ? `（注文番号 ${v.orderNumber}）` : ''}：${v.domains ?? ''}`,
    '承認するには、これらの名前を管理していることを確認してください。心当たりのない場合は、このメールを無視してください。',
  ],
  action: '申請を承認する',
  outro: [`このリンクの有効期限：${date(v.expiresAt)}`],
});
