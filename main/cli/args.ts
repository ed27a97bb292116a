// Shared argument handling for the CLI's subcommands: node's parseArgs, then a zod schema, and
// errors that say which flag is wrong and how to see the usage.
import { HaulError, messageOf } from '../../shared/errors';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { z } from 'zod';
import { clause, safeMessage } from '../../shared/text';

/** A command line that cannot be used: printed as it is, with the usage hint in its message. */
export class UsageError extends HaulError {
  constructor(message: string) {
    super('usage', message);
    this.name = 'UsageError';
  }
}

export function parseCommandArgs<T extends z.ZodType>(
  command: string,
  argv: string[],
  options: NonNullable<ParseArgsConfig['options']>,
  schema: T,
): z.output<T> & { help?: boolean } {
  let values: Record<string, unknown>;
  try {
    values = parseArgs({
      args: argv,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    throw new UsageError(`haul ${command}: ${clause(safeMessage(messageOf(err), 500))}. Run "haul ${command} --help".`);
  }
  if (values.help) return { help: true } as z.output<T> & { help: boolean };
  const parsed = schema.safeParse(values);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; ');
    throw new UsageError(`haul ${command}: ${clause(safeMessage(detail, 500))}. Run "haul ${command} --help".`);
  }
  return parsed.data as z.output<T> & { help?: boolean };
}
