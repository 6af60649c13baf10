import { BoltFeedParser, formatMessage, fromHex } from '@bolt/parser';

/** Decodes a captured exchange, given as socket writes ("flights"), into readable lines. */
export function decodeCapture(flights: [from: 'C' | 'S', hex: string][]): string[] {
  const lines: string[] = [];
  const watch = (side: 'client' | 'server', from: string) =>
    new BoltFeedParser({ side, onMessage: (msg) => lines.push(`${from}: ${formatMessage(msg)}`) });
  const parsers = { C: watch('client', 'C'), S: watch('server', 'S') };
  for (const [from, hex] of flights) parsers[from].feed(fromHex(hex));
  return lines;
}
