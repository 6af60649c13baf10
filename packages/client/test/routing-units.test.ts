import { describe, expect, it } from 'vitest';
import type { Connection } from '../src/connection.js';
import { formatAddress, parseAddress } from '../src/routing/address.js';
import { HomeDatabaseCache } from '../src/routing/home-database-cache.js';
import { LeastConnected } from '../src/routing/least-connected.js';
import { RoutingTable } from '../src/routing/routing-table.js';

describe('server addresses', () => {
  it('parses host:port, a bare host (port 7687) and bracketed IPv6', () => {
    expect(parseAddress('db1:7688')).toEqual({ host: 'db1', port: 7688 });
    expect(parseAddress('db1')).toEqual({ host: 'db1', port: 7687 });
    expect(parseAddress('[::1]:9000')).toEqual({ host: '::1', port: 9000 });
    expect(formatAddress({ host: '::1', port: 9000 })).toBe('[::1]:9000');
  });

  it('rejects what is not an address', () => {
    for (const bad of ['', 'a:b', 'db:0', 'db:70000', '::1:7687', 'a b:1', 42, 42n, null, {}])
      expect(() => parseAddress(bad as string)).toThrow(/invalid server address/);
    expect(() => parseAddress(7n as unknown as string)).toThrow(
      'invalid server address bigint 7: expected host:port',
    );
  });
});

describe('RoutingTable.fromServer', () => {
  const servers = [
    { role: 'ROUTE', addresses: ['r1:7687', 'r1:7687'] },
    { role: 'READ', addresses: ['a', 'b:7688'] },
    { role: 'WRITE', addresses: ['w:7687'] },
    { role: 'SOMETHING_NEW', addresses: ['x'] },
  ];

  it('keeps the roles (without duplicates, ports made explicit) and the expiry', () => {
    const t = RoutingTable.fromServer({ ttl: 300, db: 'neo4j', servers }, null, 'r1:7687', 1000);
    expect(t.snapshot()).toEqual({
      database: 'neo4j',
      ttl: 300,
      expiresAt: 301_000,
      routers: ['r1:7687'],
      readers: ['a:7687', 'b:7688'],
      writers: ['w:7687'],
    });
    expect(t.isStaleFor('READ', 300_999)).toBe(false);
    expect(t.isStaleFor('READ', 301_000)).toBe(true);
  });

  it('a huge ttl (Long.MAX_VALUE as bigint) does not overflow', () => {
    const t = RoutingTable.fromServer({ ttl: 2n ** 63n - 1n, servers }, 'db', 'r', 1000);
    expect(t.isStaleFor('WRITE', 1000)).toBe(false);
    expect(Number.isSafeInteger(t.expiresAt)).toBe(true);
  });

  it('rejects tables without routers or readers, and malformed ones', () => {
    const no = (role: string) => servers.filter((s) => s.role !== role);
    expect(() => RoutingTable.fromServer({ ttl: 1, servers: no('ROUTE') }, 'd', 'r', 1000)).toThrow(
      /no router/,
    );
    expect(() => RoutingTable.fromServer({ ttl: 1, servers: no('READ') }, 'd', 'r', 1000)).toThrow(
      /no reader/,
    );
    for (const raw of [
      { ttl: -1, servers },
      { ttl: 1.5, servers },
      { ttl: '1', servers },
      { ttl: 1, servers: 'x' },
      { ttl: 1, servers: [null] },
      { ttl: 1, servers: [{ role: 'READ', addresses: 'a' }] },
      { ttl: 1, servers: [{ role: 'READ', addresses: ['a:b'] }] },
      // values a packstream answer may hold where a string belongs: an Int64 (bigint), a
      // structure, bytes, a list, nothing at all
      { ttl: 1, servers: [{ role: 'READ', addresses: [2n ** 40n] }] },
      { ttl: 1, servers: [{ role: 'READ', addresses: [[1n, 'a']] }] },
      { ttl: 1, servers: [{ role: 'READ', addresses: [Uint8Array.of(1, 2)] }] },
      { ttl: 1, servers: [{ role: 'READ', addresses: [undefined] }] },
      { ttl: 1, servers: [{ role: 7n, addresses: 7n }] },
      { ttl: 1, servers: [{ role: 'READ' }] },
      { ttl: { n: 1n }, servers },
      { ttl: 1, servers: 3n },
    ])
      expect(() => RoutingTable.fromServer(raw, 'd', 'r', 1000)).toThrow(/unusable/);
  });

  it('says which value was wrong, whatever its type', () => {
    const why = (raw: { ttl: unknown; servers: unknown }) => {
      try {
        RoutingTable.fromServer(raw, 'd', 'r:7687', 1000);
      } catch (e) {
        return (e as Error).message;
      }
      return 'accepted';
    };
    expect(why({ ttl: 1, servers: [{ role: 'READ', addresses: [1099511627776n] }] })).toBe(
      'the routing table from r:7687 is unusable: bigint 1099511627776 is not a host:port address',
    );
    expect(
      why({ ttl: 1, servers: [{ role: 'READ', addresses: [`${'x'.repeat(100)}:99999`] }] }),
    ).toMatch(/: "x{40}…" is not a host:port address$/);
    expect(why({ ttl: 1, servers: [{ role: 5n, addresses: 'a' }] })).toMatch(
      /the addresses of a "servers" entry \(role bigint 5\) are not a list$/,
    );
    expect(why({ ttl: 1, servers: [{ addresses: null }] })).toMatch(/\(role missing\)/);
    expect(why({ ttl: -1n, servers })).toMatch(
      /"ttl" is not a non-negative integer \(bigint -1\)$/,
    );
  });

  it('a table with no writer is stale for writes only; forgetting keeps routers', () => {
    const t = RoutingTable.fromServer({ ttl: 60, servers: no('WRITE') }, 'd', 'r', 1000);
    expect(t.isStaleFor('READ', 1000)).toBe(false);
    expect(t.isStaleFor('WRITE', 1000)).toBe(true);
    t.forget('r1:7687');
    expect(t.routers).toEqual(['r1:7687']);
    t.forget('a:7687');
    t.forget('b:7688');
    expect(t.isStaleFor('READ', 1000)).toBe(true);
  });

  function no(role: string) {
    return servers.filter((s) => s.role !== role);
  }
});

describe('LeastConnected', () => {
  function balancer(active: Record<string, number>, idle: Record<string, number> = {}) {
    return new LeastConnected({
      active: (a) => active[a] ?? 0,
      idle: (a) => idle[a] ?? 0,
    });
  }

  it('picks the server with the fewest connections in use', () => {
    const b = balancer({ a: 3, b: 1, c: 2 });
    expect(b.select(['a', 'b', 'c'], 'READ')).toBe('b');
  });

  it('breaks ties with a warm (idle) connection, then round robin per role', () => {
    expect(balancer({}, { c: 1 }).select(['a', 'b', 'c'], 'READ')).toBe('c');
    const b = balancer({});
    expect(['a', 'b', 'c'].map(() => b.select(['a', 'b', 'c'], 'READ'))).toEqual(['a', 'b', 'c']);
    expect(b.select(['a', 'b', 'c'], 'WRITE')).toBe('a'); // writers keep their own turn
    expect(b.select([], 'READ')).toBeUndefined();
  });
});

describe('HomeDatabaseCache', () => {
  function conn(ssr: boolean, homeDbInSuccess = true) {
    const listeners: (() => void)[] = [];
    const c = {
      features: { homeDbInSuccess },
      hints: { 'ssr.enabled': ssr },
      onClose: (l: () => void) => listeners.push(l),
    } as unknown as Connection;
    return {
      c,
      close: () => {
        for (const l of listeners) l();
      },
    };
  }

  it('is used only while every open connection has server-side routing', () => {
    const cache = new HomeDatabaseCache();
    cache.set('', 'homedb', Number.MAX_SAFE_INTEGER);
    expect(cache.get('', 0)).toBeUndefined(); // no connection yet
    const a = conn(true);
    cache.track(a.c);
    expect(cache.get('', 0)).toBe('homedb');
    const b = conn(false);
    cache.track(b.c);
    expect(cache.get('', 0)).toBeUndefined();
    b.close();
    expect(cache.get('', 0)).toBe('homedb');
    const old = conn(true, false); // a hint without 5.8 does not count
    cache.track(old.c);
    expect(cache.enabled).toBe(false);
  });

  it('forgets expired entries and the least recently used beyond its limit', () => {
    const cache = new HomeDatabaseCache(2);
    cache.track(conn(true).c);
    cache.set('u1', 'db1', 1000);
    expect(cache.get('u1', 999)).toBe('db1');
    expect(cache.get('u1', 1000)).toBeUndefined();
    cache.set('a', 'A', Number.MAX_SAFE_INTEGER);
    cache.set('b', 'B', Number.MAX_SAFE_INTEGER);
    cache.get('a', 0);
    cache.set('c', 'C', Number.MAX_SAFE_INTEGER);
    expect([cache.get('a', 0), cache.get('b', 0), cache.get('c', 0)]).toEqual([
      'A',
      undefined,
      'C',
    ]);
  });

  it('keys by impersonated user, else session credentials, else the driver', () => {
    expect(HomeDatabaseCache.key({})).toBe('');
    expect(HomeDatabaseCache.key({ impersonatedUser: 'ann', auth: { scheme: 'basic' } })).toBe(
      'user:ann',
    );
    const k1 = HomeDatabaseCache.key({
      auth: { scheme: 'basic', principal: 'ann', credentials: 'x' },
    });
    const k2 = HomeDatabaseCache.key({
      auth: { scheme: 'basic', principal: 'ann', credentials: 'y' },
    });
    expect(k1).toBe(k2); // the same user, whatever the password
    expect(k1).not.toContain('x');
  });
});
