// The app page's Content-Security-Policy, in one place: renderer/vite.config.ts writes it into
// index.html as a meta tag (what Electron's file:// page gets), and browser mode sends it as a header.

export const CSP_DIRECTIVES: Readonly<Record<string, string>> = {
  'default-src': "'self'",
  'script-src': "'self'",
  // Fluent UI's CSS-in-JS inserts style rules at run time.
  'style-src': "'self' 'unsafe-inline'",
  'img-src': "'self' data:",
  'font-src': "'self' data:",
  'connect-src': "'self'",
  'object-src': "'none'",
  'base-uri': "'none'",
  'frame-ancestors': "'none'",
  'form-action': "'none'",
};

/** Directives a browser ignores (with a console warning) when they come in a meta tag. */
const HEADER_ONLY = new Set(['frame-ancestors']);

const join = (names: string[]) => names.map((n) => `${n} ${CSP_DIRECTIVES[n] ?? ''}`).join('; ');

/** The policy as an HTTP header value. */
export const CSP = join(Object.keys(CSP_DIRECTIVES));

/** The same policy for `<meta http-equiv="Content-Security-Policy">` (header-only directives left out). */
export const CSP_META = join(Object.keys(CSP_DIRECTIVES).filter((n) => !HEADER_ONLY.has(n)));
