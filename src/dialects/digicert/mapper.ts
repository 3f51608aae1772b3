import type { Verification } from '../../core/model.js';
import type { Subject } from '../../core/subjects/model.js';

/** Order states in DigiCert's words (chosen). */
const orderStatus: Record<string, string> = {
  awaiting_dcv: 'pending',
  validated: 'processing',
  issued: 'issued',
  revoked: 'revoked',
  rejected: 'rejected',
};

/** The chosen minimal order shape: id, status, certificate names, and each name's DCV state. */
export const orderJson = (order: Subject, verifications: Verification[]) => ({
  id: Number(order.number),
  status: orderStatus[order.state] ?? order.state,
  certificate: { common_name: order.domains[0] ?? null, dns_names: order.domains },
  dcv: order.domains.map((domain) => {
    const covering = verifications.filter((v) => v.purpose === 'dcv' && v.scope.includes(domain));
    const confirmed = covering.find((v) => v.state === 'confirmed');
    const current = confirmed ?? covering.filter((v) => v.state === 'pending').at(-1) ?? covering.at(-1);
    return {
      domain,
      status: confirmed ? 'complete' : 'pending',
      email: current?.recipient ?? null,
      sent_at: current?.lastSentAt ? new Date(current.lastSentAt).toISOString() : null,
    };
  }),
});
