import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A self-signed certificate for `localhost` / 127.0.0.1, made with the `openssl` CLI at test
 *  time, or the reason it could not be made (then TLS tests skip, printing the reason). */
export function selfSignedCert(): { cert: string; key: string } | { skip: string } {
  const dir = mkdtempSync(join(tmpdir(), 'bolt-net-tls-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '2',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost,IP:127.0.0.1',
      ],
      { stdio: 'pipe', timeout: 20_000 },
    );
    return {
      cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
      key: readFileSync(join(dir, 'key.pem'), 'utf8'),
    };
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') {
      return { skip: 'the openssl CLI is not installed, so no test certificate can be made' };
    }
    throw error;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
