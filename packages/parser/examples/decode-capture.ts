import {
  BoltFeedParser,
  formatMessage,
  formatProposal,
  formatVersion,
  fromHex,
} from '@bolt/parser';

/** Decodes a captured Bolt exchange, given as socket writes ("flights"), into readable lines. */
export function decodeCapture(flights: [from: 'C' | 'S', hex: string][]): string[] {
  const lines: string[] = [];
  const parser = (side: 'client' | 'server', tag: string) =>
    new BoltFeedParser({
      side,
      onHandshake: ({ version, proposals }) =>
        lines.push(
          `${tag}: ${proposals ? `offers ${proposals.map(formatProposal).join(', ')}; ` : ''}Bolt ${version ? formatVersion(version) : '?'}`,
        ),
      onMessage: (msg) => lines.push(`${tag}: ${formatMessage(msg)}`),
    });
  const parsers = { C: parser('client', 'C'), S: parser('server', 'S') };
  for (const [from, hex] of flights) parsers[from].feed(fromHex(hex));
  return lines;
}
