import { ApiError } from './api';

/**
 * serverProblem says what a network failure or a 5xx means and what to check, or "" for any
 * other failure. The SDK answers 500 "internal error" when it cannot reach the core.
 */
export function serverProblem(e: unknown): string {
  if (!(e instanceof ApiError)) return '';
  if (e.status === 0) return e.message;
  if (e.status >= 500) {
    const detail = e.message && !/^Request failed/.test(e.message) ? `: ${e.message}` : '';
    return `The app's server could not answer (HTTP ${e.status}${detail}). The Latchkey core it uses may be down or unreachable: check that it runs, and the app's logs.`;
  }
  return '';
}

/** errorText is a user-facing message for a failed call (403s already show the Access-denied dialog). */
export function errorText(e: unknown, fallback = 'Something went wrong. Please try again.'): string {
  const server = serverProblem(e);
  if (server) return e instanceof ApiError && e.status === 0 ? server : `${fallback.replace(/ Please .*$/, '')} ${server}`;
  if (e instanceof ApiError && e.status >= 400 && e.status < 500 && e.message) {
    // The SDK's words for a user deleted meanwhile (in another tab, say).
    if (e.message === 'Unknown User ID provided') return 'This user does not exist any more: it may have been deleted elsewhere.';
    return e.message;
  }
  return fallback;
}

/** isDenied is true for 401/403, where the app already reacts (sign-in screen or dialog). */
export function isDenied(e: unknown): boolean {
  return e instanceof ApiError && (e.status === 401 || e.status === 403);
}
