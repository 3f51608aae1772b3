import type { Template } from '../template.js';

export const template: Template = (v, date) => ({
  subject: `${v.domains ?? '您的证书订单'} 的域名控制验证`,
  intro: [
    `已为以下名称申请证书${v.orderNumber ? `（订单 ${v.orderNumber}）` : ''}：${v.domains ?? ''}。`,
    '如需批准，请确认您控制这些名称。如果您没有提出此申请，请忽略此邮件。',
  ],
  action: '批准申请',
  outro: [`此链接的有效期至 ${date(v.expiresAt)}。`],
});
