import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The folder of the recorded Neo4j conversations (`*.script`, testkit's stub-script format),
 *  which the client, the script player, the official drivers and the `bolt stub` command all
 *  replay. */
export const RECORDED_DIR = fileURLToPath(new URL('../recorded/', import.meta.url));

/** The text of one recorded conversation, e.g. `recordedScript('basic-query-v3.script')`. */
export function recordedScript(name: string): string {
  return readFileSync(`${RECORDED_DIR}${name}`, 'utf8');
}

/** The names of every recorded conversation. */
export function recordedScripts(): string[] {
  return readdirSync(RECORDED_DIR)
    .filter((f) => f.endsWith('.script'))
    .sort();
}
