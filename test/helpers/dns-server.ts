import { once } from 'node:events';
import dns2 from 'dns2';

const { Packet } = dns2;

export interface Zone {
  txt?: Record<string, string[]>;
  caa?: Record<string, { tag: string; value: string }[]>;
}

/** A real DNS server over UDP on 127.0.0.1 answering TXT and CAA from `zone`. */
export const startDnsServer = async (zone: Zone) => {
  const server = dns2.createServer({
    udp: true,
    handle: (request: any, send: (r: any) => void) => {
      // dns2's types want full Resource objects; plain records are what its encoder reads.
      const response: { answers: any[] } = Packet.createResponseFromRequest(request);
      const [question] = request.questions;
      const name = String(question.name).toLowerCase();
      if (question.type === Packet.TYPE.TXT) {
        for (const data of zone.txt?.[name] ?? [])
          response.answers.push({ name, type: Packet.TYPE.TXT, class: Packet.CLASS.IN, ttl: 60, data });
      }
      if (question.type === Packet.TYPE.CAA) {
        for (const r of zone.caa?.[name] ?? [])
          response.answers.push({ name, type: Packet.TYPE.CAA, class: Packet.CLASS.IN, ttl: 60, flags: 0, tag: r.tag, value: r.value });
      }
      send(response);
    },
  });
  const listening = once(server, 'listening');
  server.listen({ udp: { port: 0, address: '127.0.0.1' } });
  await listening;
  const address = (server as any).addresses().udp as { port: number };
  return { server: `127.0.0.1:${address.port}`, close: () => server.close() };
};
