// What a return address and a delivery package look like, checked where they are typed (the
// wizard's shipping step, the job's address dialog, the Ship dialog): a phone number, a postal
// code, and a tracking number plausible for its carrier. Each answer says what is wrong in words;
// a tracking number in a format Haul does not know is only noted, never refused.

const digits = (s: string) => s.replace(/\D/g, '').length;

/** A phone number: digits with spaces, +, -, dots, slashes or brackets; 6 to 20 digits. */
export function phoneProblem(phone: string): string | undefined {
  const p = phone.trim();
  if (!p) return undefined; // "must not be empty" is the schema's
  if (!/^\+?[0-9 ()./-]+$/.test(p) || digits(p) < 6 || digits(p) > 20)
    return `"${p}" is not a phone number: give the digits (6 to 20), with + and the country code if outside the data center's country, e.g. +1 425 555 0100.`;
  return undefined;
}

/** A postal code: 2 to 12 letters and digits, with single spaces or hyphens between them. */
export function postalCodeProblem(code: string): string | undefined {
  const c = code.trim();
  if (!c) return undefined;
  if (!/^[A-Za-z0-9]+([ -][A-Za-z0-9]+)*$/.test(c) || c.length < 2 || c.length > 12)
    return `"${c}" is not a postal code: use letters and digits as your post office writes it, e.g. 98052 or SW1A 1AA.`;
  return undefined;
}

/** Tracking number shapes of the carriers the service names. */
const TRACKING: Record<string, { re: RegExp; example: string }> = {
  fedex: { re: /^(\d{12}|\d{15}|\d{20}|\d{22})$/, example: '12 or 15 digits, such as 123456789012' },
  ups: {
    re: /^(1Z[0-9A-Z]{16}|T\d{10}|\d{9}|\d{26})$/,
    example: '1Z and 16 letters or digits, such as 1Z999AA10123456784',
  },
  dhl: { re: /^(\d{10,11}|JD\d{18}|[A-Z]{3}\d{7})$/, example: '10 digits, such as 1234567890' },
  tnt: { re: /^(\d{9}|[A-Z]{2}\d{9}[A-Z]{2})$/, example: '9 digits, such as 123456789' },
  usps: { re: /^(\d{20,22}|[A-Z]{2}\d{9}US)$/, example: '20 to 22 digits' },
};

/**
 * A note when a tracking number does not look like the carrier's (typed with spaces or not);
 * undefined when it does, or when Haul does not know the carrier's format.
 */
export function trackingNumberNote(carrier: string, tracking: string): string | undefined {
  const t = tracking.replace(/[\s-]/g, '').toUpperCase();
  const shape = TRACKING[carrier.trim().toLowerCase().replace(/\s+/g, '')];
  if (!t || !shape || shape.re.test(t)) return undefined;
  return `"${tracking.trim()}" does not look like a ${carrier} tracking number (${shape.example}). Check it against the carrier's receipt; the data center matches the package by it.`;
}

/** Drives in the package against the job's drives: a sentence when they differ. */
export function driveCountProblem(count: number, jobDrives: number): string | undefined {
  if (!Number.isInteger(count) || count < 1) return 'Give the number of drives in the package (1 or more).';
  if (jobDrives > 0 && count !== jobDrives)
    return `This job has ${jobDrives} drive${jobDrives === 1 ? '' : 's'}, and the package holds every drive of the job: write ${jobDrives}${count < jobDrives ? ', and ship the other drives in it too' : ', and take out the drives that are not on this job'}.`;
  return undefined;
}
