/**
 * cdktf records the full stack trace of every token it creates (with Error.stackTraceLimit raised to the maximum),
 * only to quote it if that token later fails to resolve. That is half of the time synth spends per environment.
 * cdktf 0.21 is final, and its callers look the function up on its module at every call, so replacing it turns the
 * recording off for the whole process. The synthesized files do not change: a test compares them with and without.
 * The app keeps the traces when CDKTF_TOKEN_STACK_TRACES=1, for debugging a token that does not resolve.
 */
export function skipTokenStackTraces(): void {
  // Not re-exported by the package root; loaded once, by this module, before any token exists.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const stackTrace = require('cdktf/lib/tokens/private/stack-trace') as { captureStackTrace: () => string[] };
  stackTrace.captureStackTrace = () => [];
}
