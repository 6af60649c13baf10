import { expandProposal, type VersionProposal } from './handshake-bytes.js';
import { type BoltVersion, isForbiddenVersion, isVersionIn } from './versions.js';

/**
 * The legacy server choice (https://neo4j.com/docs/bolt/current/bolt/handshake/): walk the client's slots in its order and take the
 * first slot holding a version in `supported`; within a range, the highest such minor. The
 * manifest request is skipped (it is negotiated separately), and 5.5 is never chosen.
 */
export function negotiate(
  proposals: readonly VersionProposal[],
  supported: readonly BoltVersion[],
): BoltVersion | undefined {
  for (const p of proposals) {
    for (const v of expandProposal(p)) {
      if (!isForbiddenVersion(v) && isVersionIn(v, supported)) return v;
    }
  }
  return undefined;
}

/**
 * The manifest v1 offer for `supported`: one range entry per run of consecutive minors of a
 * major, newest first. Runs are split around 5.5, so no entry covers it.
 */
export function manifestEntries(supported: readonly BoltVersion[]): VersionProposal[] {
  const sorted = supported
    .filter((v) => !isForbiddenVersion(v))
    .slice()
    .sort((a, b) => b.major - a.major || b.minor - a.minor);
  const out: { major: number; minor: number; range: number }[] = [];
  for (const v of sorted) {
    const last = out[out.length - 1];
    if (last && last.major === v.major && last.minor - last.range - 1 === v.minor) last.range++;
    else if (!last || last.major !== v.major || last.minor - last.range !== v.minor)
      out.push({ major: v.major, minor: v.minor, range: 0 });
  }
  return out.map((e) => (e.range === 0 ? { major: e.major, minor: e.minor } : e));
}

/** The newest version in `offered` (expanded) that is also in `supported`, never 5.5. */
export function chooseFromManifest(
  offered: readonly VersionProposal[],
  supported: readonly BoltVersion[],
): BoltVersion | undefined {
  let best: BoltVersion | undefined;
  for (const p of offered) {
    for (const v of expandProposal(p)) {
      if (isForbiddenVersion(v) || !isVersionIn(v, supported)) continue;
      if (!best || v.major > best.major || (v.major === best.major && v.minor > best.minor))
        best = v;
    }
  }
  return best;
}
