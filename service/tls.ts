// The service's TLS identity: a self-signed certificate for 127.0.0.1, created on first start in
// the data folder and reused afterwards, so clients can trust exactly that one certificate.
import { generate } from 'selfsigned';
import { X509Certificate } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../node/atomicWrite';

export interface TlsIdentity {
  certPath: string;
  keyPath: string;
  cert: string;
  key: string;
}

export async function ensureTlsIdentity(dataDir: string, now: Date = new Date()): Promise<TlsIdentity> {
  const dir = join(dataDir, 'tls');
  const certPath = join(dir, 'service-cert.pem');
  const keyPath = join(dir, 'service-key.pem');
  try {
    const [cert, key] = await Promise.all([readFile(certPath, 'utf8'), readFile(keyPath, 'utf8')]);
    const x = new X509Certificate(cert);
    // Renew a certificate that expires within a day; keep it otherwise (clients pinned it).
    if (new Date(x.validTo).getTime() - now.getTime() > 86_400_000) return { certPath, keyPath, cert, key };
  } catch {
    // absent or unreadable: create a new identity below
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const pems = await generate([{ name: 'commonName', value: 'Haul local Import/Export service' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now.getTime() - 60_000),
    notAfterDate: new Date(now.getTime() + 5 * 365 * 86_400_000),
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 7, ip: '127.0.0.1' },
          { type: 2, value: 'localhost' },
        ],
      },
    ],
  });
  await writeFileAtomic(keyPath, pems.private, { mode: 0o600 });
  await writeFileAtomic(certPath, pems.cert, { mode: 0o644 });
  return { certPath, keyPath, cert: pems.cert, key: pems.private };
}
