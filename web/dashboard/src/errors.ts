import { ApiError } from './api';

/** errorText is a user-facing message for a failed call (403s already show the Access-denied dialog). */
export function errorText(e: unknown, fallback = 'Something went wrong. Please try again.'): string {
  if (e instanceof ApiError) {
    if (e.status === 0) return e.message;
    if (e.status >= 400 && e.status < 500 && e.message) return e.message;
  }
  return fallback;
}

/** isDenied is true for 401/403, where the app already reacts (sign-in screen or dialog). */
export function isDenied(e: unknown): boolean {
  return e instanceof ApiError && (e.status === 401 || e.status === 403);
}
