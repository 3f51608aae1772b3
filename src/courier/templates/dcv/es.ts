import type { Template } from '../template.js';

export const template: Template = (v, date) => ({
  subject: `Validación del control de dominio para ${v.domains ?? 'su pedido de certificado'}`,
  intro: [
    `Se ha solicitado un certificado${v.orderNumber ? ` (pedido ${v.orderNumber})` : ''} para: ${v.domains ?? ''}.`,
    'Para aprobarlo, confirme que controla estos nombres. Si no esperaba esta solicitud, ignore este correo.',
  ],
  action: 'Aprobar la solicitud',
  outro: [`Este enlace caduca el ${date(v.expiresAt)}.`],
});
