// "Add user" (reference/dashboard.md §5.7): email-password, and passwordless when the SDK has
// that recipe and the tenant allows it.

import { useState } from 'preact/hooks';
import { api, type Tenant } from '../api';
import { useApp } from '../context';
import { toE164 } from '../format';
import { useAction } from '../hooks';
import { PASSWORDLESS_FACTORS, hasFactor } from '../tenants';
import { Dialog } from '../ui/Dialog';
import { Field, FormActions, FormError } from '../ui/forms';
import { toast } from '../ui/toast';

type Method = 'emailpassword' | 'passwordless';

export function CreateUserDialog({
  tenants,
  tenant: initialTenant,
  onClose,
  onCreated,
}: {
  tenants: Tenant[];
  tenant: string;
  onClose: () => void;
  onCreated: (tenant: string) => void;
}) {
  const { config } = useApp();
  const [tenant, setTenant] = useState(initialTenant);
  const t = tenants.find((x) => x.tenantId === tenant);
  const methods: Method[] = [];
  if (config.recipes.emailpassword && hasFactor(t, 'emailpassword')) methods.push('emailpassword');
  if (config.recipes.passwordless && hasFactor(t, ...PASSWORDLESS_FACTORS)) methods.push('passwordless');
  const [picked, setPicked] = useState<Method | ''>('');
  const method: Method | undefined = picked && methods.includes(picked) ? picked : methods[0];

  const pwlEmail = hasFactor(t, 'otp-email', 'link-email');
  const pwlPhone = hasFactor(t, 'otp-phone', 'link-phone');

  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [contact, setContact] = useState('');
  const [emailErr, setEmailErr] = useState('');
  const [pwErr, setPwErr] = useState('');
  const [contactErr, setContactErr] = useState('');
  const [formErr, setFormErr] = useState('');

  const contactLabel = pwlEmail && pwlPhone ? 'Email or Phone' : pwlPhone ? 'Phone Number' : 'Email';

  const act = useAction(setFormErr, onClose);

  const submit = (e: Event) => {
    e.preventDefault();
    setEmailErr('');
    setPwErr('');
    setContactErr('');
    setFormErr('');
    // Empty fields are refused here, in words, rather than with the API's parameter message.
    const empty: [string, (s: string) => void, string][] = [];
    if (method === 'emailpassword') {
      if (!email.trim()) empty.push(['create-email', setEmailErr, 'Email cannot be empty']);
      if (!password) empty.push(['create-password', setPwErr, 'Password cannot be empty']);
    } else if (method === 'passwordless' && !contact.trim()) {
      empty.push(['create-contact', setContactErr, `${contactLabel} cannot be empty`]);
    }
    if (empty.length) {
      for (const [, set, text] of empty) set(text);
      document.getElementById(empty[0][0])?.focus();
      return;
    }
    act.run(true, async () => {
      if (method === 'emailpassword') {
        const r = await api.createEmailPasswordUser(tenant, email.trim(), password);
        switch (r.status) {
          case 'OK':
            toast.success('User created successfully!');
            onCreated(tenant);
            return;
          case 'EMAIL_VALIDATION_ERROR':
            return setEmailErr(r.message || 'Email is invalid');
          case 'PASSWORD_VALIDATION_ERROR':
            return setPwErr(r.message || 'Password is invalid');
          case 'EMAIL_ALREADY_EXISTS_ERROR':
            return `User with this email already exists in ${tenant} tenant.`;
          case 'FEATURE_NOT_ENABLED_ERROR':
            return 'Feature not enabled!';
          default:
            return 'Something went wrong. Please try again.';
        }
      }
      if (method !== 'passwordless') return;
      let v = contact.trim();
      let body: { email: string } | { phoneNumber: string };
      const looksPhone = /^\+?[\d\s().-]+$/.test(v);
      if ((pwlPhone && !pwlEmail) || (pwlPhone && pwlEmail && looksPhone)) {
        v = toE164(v);
        body = { phoneNumber: v };
      } else body = { email: v };
      const r = await api.createPasswordlessUser(tenant, body);
      switch (r.status) {
        case 'OK':
          if (r.createdNewRecipeUser === false) return 'User with this email/phone number already exists!';
          toast.success('User created successfully!');
          onCreated(tenant);
          return;
        case 'EMAIL_VALIDATION_ERROR':
        case 'PHONE_VALIDATION_ERROR':
          return setContactErr(r.message || 'Invalid value');
        case 'FEATURE_NOT_ENABLED_ERROR':
          return 'Feature not enabled!';
        default:
          return 'Something went wrong. Please try again.';
      }
    });
  };

  return (
    <Dialog title="Create New User" onClose={onClose}>
      <form class="form" onSubmit={submit} noValidate>
        {tenants.length > 1 && (
          <div class="field">
            <label for="create-tenant">Tenant</label>
            <select id="create-tenant" value={tenant} onChange={(e) => setTenant(e.currentTarget.value)}>
              {tenants.map((x) => (
                <option key={x.tenantId} value={x.tenantId}>
                  {x.tenantId}
                </option>
              ))}
            </select>
          </div>
        )}
        {methods.length === 0 ? (
          <div class="alert alert-error" role="alert">
            Please configure passwordless or the emailpassword recipe on the backend SDK and this tenant to create
            users from the dashboard.
          </div>
        ) : (
          <>
            {methods.length > 1 && (
              <fieldset class="field radio-group">
                <legend>Auth method</legend>
                {methods.map((m) => (
                  <label key={m} class="radio">
                    <input
                      type="radio"
                      name="create-method"
                      value={m}
                      checked={method === m}
                      onChange={() => setPicked(m)}
                    />
                    {m === 'emailpassword' ? 'Email password' : 'Passwordless'}
                  </label>
                ))}
              </fieldset>
            )}
            <FormError text={formErr} />
            {method === 'emailpassword' ? (
              <>
                <Field id="create-email" label="Email" type="email" autoComplete="off" value={email} onValue={setEmail} error={emailErr} />
                <Field
                  id="create-password"
                  label="Password"
                  type="password"
                  autoComplete="new-password"
                  value={password}
                  onValue={setPassword}
                  error={pwErr}
                />
              </>
            ) : (
              <Field
                id="create-contact"
                label={contactLabel}
                type={pwlEmail && !pwlPhone ? 'email' : pwlPhone && !pwlEmail ? 'tel' : 'text'}
                autoComplete="off"
                value={contact}
                onValue={setContact}
                error={contactErr}
                hint={pwlPhone ? 'Phone numbers in international format, e.g. +1 555 010 0000.' : undefined}
              />
            )}
            <p class="muted small">
              Sign-up API overrides and custom sign-up form fields are not applied to users created here.
            </p>
            <FormActions onCancel={onClose} label="Create" busyLabel="Creating…" busy={act.busy !== null} />
          </>
        )}
      </form>
    </Dialog>
  );
}
