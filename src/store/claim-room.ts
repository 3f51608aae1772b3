import type { ChannelId } from '../core/model.js';
import type { ClaimRoom } from '../courier/outbox-port.js';

/** Destinations a claim must skip altogether: no room left for them on this claimer. */
export const fullDestinations = (room: ClaimRoom | undefined): string[] =>
  room ? Object.entries(room.left).flatMap(([destination, n]) => (n <= 0 ? [destination] : [])) : [];

/** Counts what one claim takes per destination against its room, shared by the SQL adapters. */
export class RoomGate {
  private readonly taken = new Map<string, number>();

  constructor(private readonly room: ClaimRoom | undefined) {}

  admits(m: { channel: ChannelId; destination: string }): boolean {
    if (!this.room) return true;
    const left = this.room.left[m.destination] ?? this.room.perDestination[m.channel];
    return (this.taken.get(m.destination) ?? 0) < left;
  }

  take(m: { destination: string }): void {
    this.taken.set(m.destination, (this.taken.get(m.destination) ?? 0) + 1);
  }
}
