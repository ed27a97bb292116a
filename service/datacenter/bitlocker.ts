// BitLocker recovery keys for the sandbox. A real recovery password is 48 digits in 8 groups of 6;
// each group is a 16-bit value times 11 (so it is divisible by 11 and below 720896). The sandbox
// does not encrypt anything: the key is what the customer would be shown for the drive.
import { randomBytes } from 'node:crypto';

/** A fresh recovery key in the BitLocker format, e.g. `123453-098769-…` (8 groups of 6 digits). */
export function generateBitLockerKey(): string {
  const bytes = randomBytes(16);
  const groups: string[] = [];
  for (let i = 0; i < 8; i++) groups.push(String(bytes.readUInt16BE(i * 2) * 11).padStart(6, '0'));
  return groups.join('-');
}

/** Whether a string is a well-formed BitLocker recovery key (format and per-group check). */
export function isBitLockerKey(key: string): boolean {
  const groups = key.split('-');
  return (
    groups.length === 8 && groups.every((g) => /^\d{6}$/.test(g) && Number(g) % 11 === 0 && Number(g) < 65536 * 11)
  );
}
