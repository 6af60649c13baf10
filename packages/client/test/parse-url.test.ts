import { describe, expect, it } from 'vitest';
import { parseUrl } from '../src/index.js';

describe('parseUrl', () => {
  it('reads every scheme with its TLS and routing meaning', () => {
    expect(parseUrl('bolt://localhost')).toMatchObject({
      scheme: 'bolt',
      host: 'localhost',
      port: 7687,
      encrypted: false,
      routing: false,
    });
    expect(parseUrl('bolt+s://db:7000')).toMatchObject({
      port: 7000,
      encrypted: true,
      trustAll: false,
    });
    expect(parseUrl('bolt+ssc://db')).toMatchObject({ encrypted: true, trustAll: true });
    expect(parseUrl('neo4j://db?region=eu&x=1')).toMatchObject({
      routing: true,
      context: { region: 'eu', x: '1' },
    });
    expect(parseUrl('neo4j+s://db')).toMatchObject({ routing: true, encrypted: true });
    expect(parseUrl('NEO4J+SSC://db')).toMatchObject({ scheme: 'neo4j+ssc', trustAll: true });
  });

  it('takes IPv6 hosts in brackets', () => {
    expect(parseUrl('bolt://[::1]:7688')).toMatchObject({ host: '::1', port: 7688 });
  });

  it('rejects what it cannot use, saying why', () => {
    expect(() => parseUrl('http://x:7474')).toThrow(/unsupported URL scheme "http"/);
    expect(() => parseUrl('bolt://x:0')).toThrow(/invalid port/);
    expect(() => parseUrl('bolt://x:70000')).toThrow(/invalid port/);
    expect(() => parseUrl('bolt://:7687')).toThrow(/no host/);
    expect(() => parseUrl('localhost:7687')).toThrow(/expected scheme:\/\/host/);
    expect(() => parseUrl('bolt://x?a=1')).toThrow(/only allowed with neo4j/);
  });
});
