// App-wide values shared by every screen.

import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Config } from './config';
import type { SignInNotice } from './app';

export interface AppState {
  config: Config;
  /** False for a read-only dashboard account: every write control is disabled with the reason. */
  canWrite: boolean;
  email: string;
  /** Tenant taken from a tenant-prefixed entry URL, if any. */
  urlTenant?: string;
  /** "email-password" or "api-key": the team page exists only with accounts. */
  authMode: string;
  /** endSession drops the token and shows the sign-in screen with the notice. */
  endSession: (notice: SignInNotice) => void;
}

export const AppContext = createContext<AppState>(null as unknown as AppState);

export function useApp(): AppState {
  return useContext(AppContext);
}

export const READ_ONLY_REASON = 'Your dashboard account is read-only';
