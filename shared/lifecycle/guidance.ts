// What a life-cycle rule means for the customer, in the words every place that says it uses: the
// job page's alerts and actions, and the notices. One sentence a rule, so they cannot drift apart.

/** J14: cancelling a job that has drives on their way or at the data center. */
export const CANCEL_SKIPS_COPY =
  'The drives are not copied; if they reach the data center they are packed and shipped back, and the job ends Completed (rule J14).';

/** J14: cancelling a job that is still Creating. */
export const CANCEL_BEFORE_SHIPPING = 'Nothing was shipped: the job ends Completed at once (rule J14).';

/** J12: a finished job's logs go with the job. */
export const KEEP_THE_LOGS = 'Download the logs you want to keep within 90 days: the job is deleted then (rule J12).';

/** JE2: a package that has not arrived: ask the carrier, then update the tracking number or cancel. */
export function askAboutThePackage(carrier: string, trackingNumber?: string): string {
  const which = trackingNumber ? ` (tracking number ${trackingNumber})` : '';
  return `Ask ${carrier} where the package is${which}: update the tracking number in Haul if it changed (the wait starts again), or cancel the job. Without an answer within 30 days the job is closed (rule JE2).`;
}
