import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** A `RecordingOptions.writeFile` for Node: writes `data` to `path`, creating its folder. */
export async function writeFileNode(path: string, data: Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, data);
}
