// The email-verification control of a login method: mark the email verified or unverified,
// and send a verification email while it is not verified.

import type { LoginMethod, User } from '../../api';
import { api } from '../../api';
import { useAction } from '../../hooks';
import { MailIcon } from '../../ui/icons';
import { toast } from '../../ui/toast';
import { WriteButton } from '../../ui/WriteButton';
import { tenantOf } from './update';

const NOT_ENABLED = 'EmailVerification feature is not enabled';

export function VerifyControl({ user, m, onChanged }: { user: User; m: LoginMethod; onChanged: () => void }) {
  const act = useAction<'verify' | 'send'>(toast.error);
  const t = tenantOf(m, user);

  const setVerified = (verified: boolean) =>
    act.run(
      'verify',
      async () => {
        const r = await api.setVerified(t, m.recipeUserId, verified);
        if (r.status === 'FEATURE_NOT_ENABLED_ERROR') return NOT_ENABLED;
        if (r.status !== 'OK') return 'Could not change the verification status';
        toast.success(verified ? 'Email marked as verified' : 'Email marked as unverified');
        onChanged();
      },
      'Could not change the verification status',
    );

  const sendEmail = () =>
    act.run(
      'send',
      async () => {
        const r = await api.sendVerifyEmail(t, m.recipeUserId);
        if (r.status === 'FEATURE_NOT_ENABLED_ERROR') return NOT_ENABLED;
        if (r.status === 'EMAIL_ALREADY_VERIFIED_ERROR') {
          toast.info('This email is already verified');
          onChanged();
          return;
        }
        if (r.status !== 'OK') return 'Could not send the verification email';
        toast.success('Email Sent!');
      },
      'Could not send the verification email',
    );

  // The buttons stay enabled while a call runs (useAction ignores a second click), so that
  // the focus stays on the button pressed.
  const busy = act.busy !== null ? 'true' : undefined;
  return (
    <>
      <WriteButton class="btn btn-small" aria-busy={busy} onClick={() => setVerified(!m.verified)}>
        {m.verified ? 'Set as unverified' : 'Set as verified'}
      </WriteButton>
      {!m.verified && (
        <WriteButton class="btn btn-small" aria-busy={busy} onClick={sendEmail}>
          <MailIcon />
          <span>Send verification email</span>
        </WriteButton>
      )}
    </>
  );
}
