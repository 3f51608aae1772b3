import type { Purpose } from '../core/model.js';

/** What a confirm page says, in one language. Values are escaped by the page. */
export interface ConfirmWords {
  heading: Record<Purpose, string>;
  address: (recipient: string) => string;
  smimeOrder: (order: string) => string;
  dcvRequest: (order: string | null) => string;
  dcvMeaning: (recipient: string) => string;
  approve: string;
  confirm: string;
  note: string;
  until: (date: string) => string;
  approved: { title: string; text: (domains: string) => string };
  confirmed: { title: string; text: (recipient: string) => string };
}

/** One entry per locale the mail templates have (a test keeps the two lists equal). */
export const confirmWords: Record<string, ConfirmWords> = {
  en: {
    heading: {
      dcv: 'Approve the certificate request',
      smime_mailbox: 'Confirm your email address for a certificate',
      email_ownership: 'Confirm your email address',
      account_activation: 'Activate your account',
    },
    address: (r) => `You are confirming that you receive email at ${r}.`,
    smimeOrder: (n) => `It is needed for S/MIME certificate order ${n}.`,
    dcvRequest: (n) => `A certificate${n ? ` (order ${n})` : ''} has been requested for these domains:`,
    dcvMeaning: (r) =>
      `Approving confirms that you, as the holder of ${r}, control these domains and agree that the certificate may be issued for them.`,
    approve: 'Approve',
    confirm: 'Confirm',
    note: 'If you did not expect this email, close this page: nothing happens unless you press the button.',
    until: (d) => `This link works until ${d}.`,
    approved: { title: 'Approved', text: (d) => `Thank you: the request for ${d} is approved. You can close this page.` },
    confirmed: { title: 'Confirmed', text: (r) => `Thank you: ${r} is confirmed. You can close this page.` },
  },
  de: {
    heading: {
      dcv: 'Zertifikatsantrag genehmigen',
      smime_mailbox: 'E-Mail-Adresse für ein Zertifikat bestätigen',
      email_ownership: 'E-Mail-Adresse bestätigen',
      account_activation: 'Konto aktivieren',
    },
    address: (r) => `Sie bestätigen, dass Sie E-Mails an ${r} empfangen.`,
    smimeOrder: (n) => `Dies ist für die S/MIME-Zertifikatsbestellung ${n} erforderlich.`,
    dcvRequest: (n) => `Für folgende Domains wurde ein Zertifikat beantragt${n ? ` (Bestellung ${n})` : ''}:`,
    dcvMeaning: (r) =>
      `Mit der Genehmigung bestätigen Sie als Inhaber von ${r}, dass Sie diese Domains kontrollieren und der Ausstellung des Zertifikats für sie zustimmen.`,
    approve: 'Genehmigen',
    confirm: 'Bestätigen',
    note: 'Falls Sie diese E-Mail nicht erwartet haben, schließen Sie diese Seite: Ohne Klick auf die Schaltfläche geschieht nichts.',
    until: (d) => `Dieser Link ist gültig bis ${d}.`,
    approved: {
      title: 'Genehmigt',
      text: (d) => `Vielen Dank: Der Antrag für ${d} ist genehmigt. Sie können diese Seite schließen.`,
    },
    confirmed: { title: 'Bestätigt', text: (r) => `Vielen Dank: ${r} ist bestätigt. Sie können diese Seite schließen.` },
  },
  fr: {
    heading: {
      dcv: 'Approuver la demande de certificat',
      smime_mailbox: 'Confirmer votre adresse e-mail pour un certificat',
      email_ownership: 'Confirmer votre adresse e-mail',
      account_activation: 'Activer votre compte',
    },
    address: (r) => `Vous confirmez recevoir les e-mails envoyés à ${r}.`,
    smimeOrder: (n) => `Cela est nécessaire pour la commande de certificat S/MIME ${n}.`,
    dcvRequest: (n) => `Un certificat${n ? ` (commande ${n})` : ''} a été demandé pour ces domaines :`,
    dcvMeaning: (r) =>
      `En approuvant, vous confirmez, en tant que titulaire de ${r}, contrôler ces domaines et accepter que le certificat soit émis pour eux.`,
    approve: 'Approuver',
    confirm: 'Confirmer',
    note: "Si vous n'attendiez pas cet e-mail, fermez cette page : rien ne se passe tant que vous n'appuyez pas sur le bouton.",
    until: (d) => `Ce lien est valable jusqu'au ${d}.`,
    approved: { title: 'Approuvé', text: (d) => `Merci : la demande pour ${d} est approuvée. Vous pouvez fermer cette page.` },
    confirmed: { title: 'Confirmé', text: (r) => `Merci : ${r} est confirmée. Vous pouvez fermer cette page.` },
  },
  es: {
    heading: {
      dcv: 'Aprobar la solicitud de certificado',
      smime_mailbox: 'Confirme su dirección de correo para un certificado',
      email_ownership: 'Confirme su dirección de correo electrónico',
      account_activation: 'Active su cuenta',
    },
    address: (r) => `Confirma que recibe el correo enviado a ${r}.`,
    smimeOrder: (n) => `Es necesario para el pedido de certificado S/MIME ${n}.`,
    dcvRequest: (n) => `Se ha solicitado un certificado${n ? ` (pedido ${n})` : ''} para estos dominios:`,
    dcvMeaning: (r) =>
      `Al aprobar, usted, como titular de ${r}, confirma que controla estos dominios y acepta que se emita el certificado para ellos.`,
    approve: 'Aprobar',
    confirm: 'Confirmar',
    note: 'Si no esperaba este correo, cierre esta página: no ocurre nada a menos que pulse el botón.',
    until: (d) => `Este enlace es válido hasta el ${d}.`,
    approved: { title: 'Aprobado', text: (d) => `Gracias: la solicitud para ${d} está aprobada. Puede cerrar esta página.` },
    confirmed: { title: 'Confirmado', text: (r) => `Gracias: ${r} está confirmada. Puede cerrar esta página.` },
  },
  ja: {
    heading: {
      dcv: '証明書リクエストの承認',
      smime_mailbox: '証明書のためのメールアドレスの確認',
      email_ownership: 'メールアドレスの確認',
      account_activation: 'アカウントの有効化',
    },
    address: (r) => `${r} 宛てのメールを受信できることを確認します。`,
    smimeOrder: (n) => `S/MIME 証明書の注文 ${n} に必要です。`,
    dcvRequest: (n) => `次のドメインの証明書${n ? `（注文 ${n}）` : ''}がリクエストされました：`,
    dcvMeaning: (r) =>
      `承認すると、${r} の所有者として、これらのドメインを管理していること、およびそれらに対する証明書の発行に同意したことになります。`,
    approve: '承認する',
    confirm: '確認する',
    note: 'このメールに心当たりがない場合は、このページを閉じてください。ボタンを押さない限り何も起こりません。',
    until: (d) => `このリンクの有効期限：${d}`,
    approved: {
      title: '承認しました',
      text: (d) => `ありがとうございます。${d} のリクエストを承認しました。このページを閉じてかまいません。`,
    },
    confirmed: { title: '確認しました', text: (r) => `ありがとうございます。${r} を確認しました。このページを閉じてかまいません。` },
  },
  zh_CN: {
    heading: {
      dcv: '批准证书申请',
      smime_mailbox: '确认用于证书的电子邮件地址',
      email_ownership: '确认您的电子邮件地址',
      account_activation: '激活您的账户',
    },
    address: (r) => `您正在确认您可以接收发送到 ${r} 的电子邮件。`,
    smimeOrder: (n) => `这是 S/MIME 证书订单 ${n} 所需的。`,
    dcvRequest: (n) => `已为以下域名申请证书${n ? `（订单 ${n}）` : ''}：`,
    dcvMeaning: (r) => `批准即表示您作为 ${r} 的持有人，确认您控制这些域名并同意为其签发证书。`,
    approve: '批准',
    confirm: '确认',
    note: '如果您没有预料到这封邮件，请关闭此页面：除非您按下按钮，否则不会发生任何事情。',
    until: (d) => `此链接有效期至 ${d}。`,
    approved: { title: '已批准', text: (d) => `谢谢：${d} 的申请已批准。您可以关闭此页面。` },
    confirmed: { title: '已确认', text: (r) => `谢谢：${r} 已确认。您可以关闭此页面。` },
  },
};

/** The words for a locale as the templates pick theirs: exact (`zh_CN`), then the language (`de` for `de_DE`), then `en`. */
export const wordsFor = (locale: string): { locale: string; words: ConfirmWords } => {
  const language = locale.split(/[_-]/)[0]?.toLowerCase() ?? 'en';
  for (const candidate of [locale, language]) {
    const words = confirmWords[candidate];
    if (words) return { locale: candidate, words };
  }
  return { locale: 'en', words: confirmWords.en as ConfirmWords };
};
