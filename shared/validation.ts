// One way to say what is wrong with input that failed a zod schema, written for the person who
// meets it: each problem with the field it is in ("returnAddress.city: must not be empty"), never a
// raw dump. The service, the life cycle, the file formats and browser mode use it.
import type { z } from 'zod';

type Issue = z.core.$ZodIssue;

/** `a.b.0` for a path inside the value; `''` for the value itself. */
export function issuePath(path: readonly PropertyKey[]): string {
  return path.map(String).join('.');
}

/** One issue: `field: message`, or `<root>: message` when the value itself is at fault. */
export function describeIssue(issue: Issue, root = '(root)'): string {
  return `${issuePath(issue.path) || root}: ${issue.message}`;
}

export interface DescribeOptions {
  /** What to call the value itself (default `(root)`). */
  root?: string;
  /** At most this many problems are named (default 10); the rest are counted. */
  max?: number;
}

/** Every issue, joined with `; `: "name: required; drives.0.driveId: must be 1 to 64 characters". */
export function describeIssues(error: z.ZodError | readonly Issue[], options: DescribeOptions = {}): string {
  const issues = 'issues' in error ? error.issues : error;
  const max = options.max ?? 10;
  const named = issues.slice(0, max).map((i) => describeIssue(i, options.root));
  if (issues.length > max) named.push(`and ${issues.length - max} more`);
  return named.join('; ');
}
