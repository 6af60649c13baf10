import { boltStructs, StructRegistry, type StructSpec } from '@bolt/packstream';
import type { StructsFor } from './message-codec.js';

/**
 * Custom structure types for a {@link MessageCodec} (its `structs` option): `specs` are added
 * over the Bolt types of whatever version is negotiated (a spec for a tag Bolt already uses
 * replaces it), so a value of your class is sent as your structure and your tag comes back as
 * your class. The specs are checked at once (a TypeError for a bad tag or field count); one
 * sealed registry is built per version and cached.
 */
export function customStructs(specs: readonly StructSpec<any>[]): StructsFor {
  if (!Array.isArray(specs)) throw new TypeError('structs must be a list of StructSpec');
  const check = StructRegistry.empty();
  for (const spec of specs) {
    if (spec === null || typeof spec !== 'object' || typeof spec.hydrate !== 'function')
      throw new TypeError('a StructSpec needs tag, fields and hydrate(fields)');
    check.register(spec);
  }
  const cache = new Map<string, StructRegistry>();
  return (version, { utc }) => {
    const key = `${version.major}.${version.minor}.${utc}`;
    let registry = cache.get(key);
    if (registry === undefined) {
      registry = boltStructs(version, { utc }).extend();
      for (const spec of specs) registry.register(spec);
      registry.seal();
      cache.set(key, registry);
    }
    return registry;
  };
}
