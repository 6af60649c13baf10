/** How busy a server's pool is. */
export interface PoolLoad {
  /** Connections handed out. */
  active(address: string): number;
  /** Connections waiting in the pool. */
  idle(address: string): number;
}

/**
 * Picks the server with the fewest connections in use. Among equally busy servers one with an
 * idle connection wins (no new connection, no handshake), then the next in round-robin order
 * (kept separately for readers and writers). Under concurrent load work spreads across the
 * servers of a role; sequential work keeps using a warm connection.
 */
export class LeastConnected {
  private readerOffset = 0;
  private writerOffset = 0;

  constructor(private readonly load: PoolLoad) {}

  /** A server of `addresses` for work of `mode`, or undefined when the list is empty. */
  select(addresses: readonly string[], mode: 'READ' | 'WRITE'): string | undefined {
    const n = addresses.length;
    if (n === 0) return undefined;
    let start: number;
    if (mode === 'READ') start = this.readerOffset++ % n;
    else start = this.writerOffset++ % n;
    if (this.readerOffset >= Number.MAX_SAFE_INTEGER) this.readerOffset = 0;
    if (this.writerOffset >= Number.MAX_SAFE_INTEGER) this.writerOffset = 0;
    let best: string | undefined;
    let bestActive = Number.POSITIVE_INFINITY;
    let bestWarm = false;
    for (let k = 0; k < n; k++) {
      const address = addresses[(start + k) % n];
      const active = this.load.active(address);
      const warm = this.load.idle(address) > 0;
      if (active < bestActive || (active === bestActive && warm && !bestWarm)) {
        best = address;
        bestActive = active;
        bestWarm = warm;
      }
    }
    return best;
  }
}
