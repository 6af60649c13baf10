/**
 * The handshake as testkit's stub server answers it: the script speaks exactly one version,
 * and the four proposals are read the way a server of that version reads them. A Bolt 1–3
 * server looks at the major byte only, a 4.0–4.2 server at major and minor (no ranges), a 4.3+
 * server expands ranges too. A 4.2 script also accepts a client that offers 4.1 (they are the
 * same protocol). The answer is `00 00 minor major`, or `00 00 00 00` when nothing fits.
 */
import { type BoltVersion, encodeVersion, features, isVersionIn } from '@bolt/parser/internal';

/** The version to answer, or undefined when none of the 16 proposal bytes fits the script. */
export function chooseVersion(proposals: Uint8Array, script: BoltVersion): BoltVersion | undefined {
  const f = features(script);
  const offered: BoltVersion[] = [];
  for (let i = 0; i + 4 <= proposals.length && i < 16; i += 4) {
    const [, range, minor, major] = proposals.subarray(i, i + 4);
    if (!f.handshakeMinor) offered.push({ major, minor: 0 });
    else if (!f.handshakeRanges) offered.push({ major, minor });
    else for (let m = minor; m >= minor - range && m >= 0; m--) offered.push({ major, minor: m });
  }
  const has = (v: BoltVersion) => isVersionIn(v, offered);
  if (has(script)) return script;
  const equivalent = script.major === 4 && script.minor === 2 ? { major: 4, minor: 1 } : undefined;
  return equivalent && has(equivalent) ? equivalent : undefined;
}

/** The 4-byte answer for `version` (or "no version"). */
export function handshakeAnswer(version: BoltVersion | undefined): Uint8Array {
  return version ? encodeVersion(version) : new Uint8Array(4);
}
