// The ARM error shape, `{ error: { code, message, target, details } }`, thrown by handlers and
// turned into a response by the server. Messages are written for the person who reads them.
import type { ArmErrorDetail } from '../shared/arm/schemas';
import type { Refusal, RefusalCode } from '../shared/lifecycle';
import { HaulError } from '../shared/errors';

export class ArmHttpError extends HaulError {
  constructor(
    readonly status: number,
    code: string,
    message: string,
    target?: string,
    readonly details: ArmErrorDetail[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(code, message, target);
    this.name = 'ArmHttpError';
  }
  toBody(): { error: { code: string; message: string; target?: string; details: ArmErrorDetail[] } } {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.target ? { target: this.target } : {}),
        details: this.details,
      },
    };
  }
}

export const badRequest = (code: string, message: string, target?: string, details: ArmErrorDetail[] = []) =>
  new ArmHttpError(400, code, message, target, details);
export const notFound = (code: string, message: string, target?: string) =>
  new ArmHttpError(404, code, message, target);
export const conflict = (code: string, message: string, target?: string) =>
  new ArmHttpError(409, code, message, target);

/** The HTTP status a life-cycle refusal is answered with: 400 bad input, 404 unknown drive, 409 wrong state. */
export function refusalStatus(code: RefusalCode): 400 | 404 | 409 {
  if (code === 'ShippingInfoMissing' || code === 'InvalidInput') return 400;
  if (code === 'UnknownDrive') return 404;
  return 409;
}

/** A life-cycle refusal as an ARM error; its rule id is the detail's code. */
export function refusalError(r: Refusal, target?: string): ArmHttpError {
  return new ArmHttpError(refusalStatus(r.code), r.code, r.message, target, [
    { code: r.rule, message: r.message, ...(target ? { target } : {}) },
  ]);
}
