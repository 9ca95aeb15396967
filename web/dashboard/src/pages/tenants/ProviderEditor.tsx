// Third-party providers of a tenant (reference/dashboard.md §5.10): the picker of built-in
// providers, the question an enterprise one asks first, and the editor of a provider's config
// (built-in or custom OIDC), with save and delete. One dialog shows every step, so that the
// focus stays in it from the picker to the editor.

import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { useApp } from '../../context';
import { errorText } from '../../errors';
import { useAction, useLoad } from '../../hooks';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { Dialog } from '../../ui/Dialog';
import { Field, FormError } from '../../ui/forms';
import { PlusIcon, TrashIcon } from '../../ui/icons';
import { toast } from '../../ui/toast';
import { WriteButton } from '../../ui/WriteButton';
import { BUILT_IN_PROVIDERS, builtInOf, tenantApi, type ProviderClient, type ProviderConfig } from './tenantApi';

export type ProviderTarget =
  | { kind: 'pick' }
  | { kind: 'ask'; builtIn: string }
  | { kind: 'new'; builtIn?: string; extra?: Record<string, string> }
  | { kind: 'edit'; thirdPartyId: string };

export function ProviderDialog({
  tenantId,
  target,
  existing,
  onTarget,
  onClose,
  onSaved,
}: {
  tenantId: string;
  target: ProviderTarget;
  existing: string[];
  onTarget: (t: ProviderTarget) => void;
  onClose: () => void;
  onSaved: () => void;
}) {
  let title = 'Add a provider';
  let body;
  if (target.kind === 'pick') {
    body = <Picker onTarget={onTarget} onClose={onClose} />;
  } else if (target.kind === 'ask') {
    const b = BUILT_IN_PROVIDERS.find((p) => p.id === target.builtIn)!;
    title = `Add ${b.name}`;
    body = <Ask builtIn={target.builtIn} onTarget={onTarget} />;
  } else {
    const id = target.kind === 'edit' ? target.thirdPartyId : target.builtIn;
    const b = id ? builtInOf(id) : undefined;
    title = target.kind === 'edit' ? `Edit provider ${target.thirdPartyId}` : b ? `Add ${b.name}` : 'Add Custom Provider';
    body = <Loader key={JSON.stringify(target)} tenantId={tenantId} target={target} existing={existing} onClose={onClose} onSaved={onSaved} />;
  }
  return (
    <Dialog title={title} onClose={onClose} wide refocus={JSON.stringify(target)}>
      {body}
    </Dialog>
  );
}

function Picker({ onTarget, onClose }: { onTarget: (t: ProviderTarget) => void; onClose: () => void }) {
  return (
    <>
      <p class="dialog-desc">Choose a built-in provider, or configure any OpenID Connect provider.</p>
      <ul class="provider-picker" aria-label="Built-in providers">
        {BUILT_IN_PROVIDERS.map((p) => (
          <li key={p.id}>
            <button
              type="button"
              class="btn provider-btn"
              onClick={() => onTarget(p.ask ? { kind: 'ask', builtIn: p.id } : { kind: 'new', builtIn: p.id })}
            >
              <span>{p.name}</span>
              <code class="muted">{p.id}</code>
            </button>
          </li>
        ))}
      </ul>
      <div class="dialog-actions">
        <button type="button" class="btn" onClick={onClose}>
          Cancel
        </button>
        <button type="button" class="btn btn-primary" onClick={() => onTarget({ kind: 'new' })}>
          <PlusIcon />
          <span>Add Custom Provider</span>
        </button>
      </div>
    </>
  );
}

/** Ask takes the value an enterprise provider needs before its config can be made. */
function Ask({ builtIn, onTarget }: { builtIn: string; onTarget: (t: ProviderTarget) => void }) {
  const b = BUILT_IN_PROVIDERS.find((p) => p.id === builtIn)!;
  const ask = b.ask!;
  const [v, setV] = useState('');
  const [err, setErr] = useState('');
  return (
    <form
      class="form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (!v.trim()) return setErr(`${ask.label} cannot be empty`);
        onTarget({ kind: 'new', builtIn, extra: { [ask.param]: v.trim() } });
      }}
    >
      <Field id="provider-ask" label={ask.label} value={v} placeholder={ask.placeholder} error={err} onValue={(x) => (setV(x), setErr(''))} />
      <div class="dialog-actions">
        <button type="button" class="btn" onClick={() => onTarget({ kind: 'pick' })}>
          Back
        </button>
        <button type="submit" class="btn btn-primary">
          Next
        </button>
      </div>
    </form>
  );
}

/** Loader fetches the config to edit: the stored one, or a built-in's defaults. */
function Loader({
  tenantId,
  target,
  existing,
  onClose,
  onSaved,
}: {
  tenantId: string;
  target: Extract<ProviderTarget, { kind: 'new' } | { kind: 'edit' }>;
  existing: string[];
  onClose: () => void;
  onSaved: () => void;
}) {
  const id = target.kind === 'edit' ? target.thirdPartyId : target.builtIn;
  const loaded = useLoad<ProviderConfig>(async () => {
    if (!id) return { thirdPartyId: '', name: '', clients: [{ clientId: '', clientSecret: '', scope: [] }] };
    const r = await tenantApi.provider(tenantId, id, target.kind === 'new' ? target.extra : {});
    if (r.status !== 'OK' || !r.providerConfig) throw new Error(r.message || r.status);
    return r.providerConfig;
  }, [tenantId, id]);
  if (loaded.state === 'loading')
    return (
      <p class="muted" role="status">
        Loading the provider…
      </p>
    );
  if (!loaded.data)
    return (
      <>
        <FormError text={errorText(loaded.error, 'Could not load the provider.')} />
        <div class="dialog-actions">
          <button type="button" class="btn" onClick={onClose}>
            Close
          </button>
        </div>
      </>
    );
  const isNew = target.kind === 'new' || !existing.includes(loaded.data.thirdPartyId);
  return <Editor tenantId={tenantId} initial={loaded.data} builtIn={id ? builtInOf(id)?.id : undefined} isNew={isNew} existing={existing} onClose={onClose} onSaved={onSaved} />;
}

interface ClientForm {
  clientType: string;
  clientId: string;
  clientSecret: string;
  scope: string;
  forcePKCE: boolean;
  additionalConfig: string;
}

function toClientForm(c: ProviderClient): ClientForm {
  return {
    clientType: c.clientType ?? '',
    clientId: c.clientId ?? '',
    clientSecret: c.clientSecret ?? '',
    scope: (c.scope ?? []).join(' '),
    forcePKCE: !!c.forcePKCE,
    additionalConfig: c.additionalConfig && Object.keys(c.additionalConfig).length ? JSON.stringify(c.additionalConfig, null, 2) : '',
  };
}

/** kvText writes a map as "key=value" lines; parseKV reads them back (null for an empty text). */
function kvText(m: Record<string, string | null> | null | undefined): string {
  return Object.entries(m ?? {})
    .map(([k, v]) => `${k}=${v ?? ''}`)
    .join('\n');
}
function parseKV(s: string): Record<string, string> | null {
  const out: Record<string, string> = {};
  for (const line of s.split('\n')) {
    const l = line.trim();
    if (!l) continue;
    const i = l.indexOf('=');
    if (i <= 0) throw new Error(`"${l}" is not key=value`);
    out[l.slice(0, i).trim()] = l.slice(i + 1).trim();
  }
  return Object.keys(out).length ? out : null;
}

const EMPTY_CLIENT: ClientForm = { clientType: '', clientId: '', clientSecret: '', scope: '', forcePKCE: false, additionalConfig: '' };

function Editor({
  tenantId,
  initial,
  builtIn,
  isNew,
  existing,
  onClose,
  onSaved,
}: {
  tenantId: string;
  initial: ProviderConfig;
  builtIn?: string;
  isNew: boolean;
  existing: string[];
  onClose: () => void;
  onSaved: () => void;
}) {
  const { canWrite } = useApp();
  const custom = !builtIn;
  const [tpId, setTpId] = useState(isNew && custom ? '' : initial.thirdPartyId);
  const [suffix, setSuffix] = useState('');
  const [name, setName] = useState(initial.name ?? '');
  const [clients, setClients] = useState<ClientForm[]>((initial.clients ?? []).length ? initial.clients!.map(toClientForm) : [{ ...EMPTY_CLIENT }]);
  const [f, setF] = useState({
    oidcDiscoveryEndpoint: initial.oidcDiscoveryEndpoint ?? '',
    authorizationEndpoint: initial.authorizationEndpoint ?? '',
    authorizationEndpointQueryParams: kvText(initial.authorizationEndpointQueryParams),
    tokenEndpoint: initial.tokenEndpoint ?? '',
    tokenEndpointBodyParams: kvText(initial.tokenEndpointBodyParams),
    userInfoEndpoint: initial.userInfoEndpoint ?? '',
    userInfoEndpointQueryParams: kvText(initial.userInfoEndpointQueryParams),
    userInfoEndpointHeaders: kvText(initial.userInfoEndpointHeaders),
    jwksURI: initial.jwksURI ?? '',
    idUserId: initial.userInfoMap?.fromIdTokenPayload?.userId ?? '',
    idEmail: initial.userInfoMap?.fromIdTokenPayload?.email ?? '',
    idEmailVerified: initial.userInfoMap?.fromIdTokenPayload?.emailVerified ?? '',
    apiUserId: initial.userInfoMap?.fromUserInfoAPI?.userId ?? '',
    apiEmail: initial.userInfoMap?.fromUserInfoAPI?.email ?? '',
    apiEmailVerified: initial.userInfoMap?.fromUserInfoAPI?.emailVerified ?? '',
  });
  const [requireEmail, setRequireEmail] = useState(initial.requireEmail !== false);
  const [errs, setErrs] = useState<Record<string, string>>({});
  const [err, setErr] = useState('');
  const [deleting, setDeleting] = useState(false);
  const act = useAction(setErr);
  const formRef = useRef<HTMLFormElement>(null);
  // The dialog focused what it had while the config loaded (its Close button): the first field
  // takes the focus now, unless the user moved it meanwhile.
  useLayoutEffect(() => {
    const a = document.activeElement;
    if (!a || a === document.body || a.getAttribute('aria-label') === 'Close dialog' || a.tagName === 'DIALOG')
      formRef.current?.querySelector<HTMLElement>('input, select, textarea')?.focus();
  }, []);
  const set = (k: keyof typeof f) => (v: string) => setF((o) => ({ ...o, [k]: v }));
  const setClient = (i: number, patch: Partial<ClientForm>) => setClients((cs) => cs.map((c, j) => (j === i ? { ...c, ...patch } : c)));
  const finalId = isNew && !custom ? (suffix.trim() ? `${initial.thirdPartyId}-${suffix.trim()}` : initial.thirdPartyId) : tpId.trim();

  /** build checks the form and returns the config to save, or null with the errors shown. */
  const build = (): ProviderConfig | null => {
    const e: Record<string, string> = {};
    if (!finalId) e.tpId = 'Third Party Id cannot be empty';
    else if (isNew && existing.includes(finalId)) e.tpId = 'This tenant already has a provider with this id.';
    else if (isNew && custom && BUILT_IN_PROVIDERS.some((p) => p.id === finalId)) e.tpId = 'This id is a built-in provider’s: choose it from the list instead.';
    else if (!/^[a-zA-Z0-9_.-]+$/.test(finalId)) e.tpId = 'Use letters, digits, dots, underscores and hyphens only.';
    if (isNew && !custom && suffix.trim() && !/^[a-zA-Z0-9_.-]+$/.test(suffix.trim())) e.suffix = 'Use letters, digits, dots, underscores and hyphens only.';
    const out: ProviderClient[] = [];
    clients.forEach((c, i) => {
      if (!c.clientId.trim()) e[`c${i}id`] = 'Client ID cannot be empty';
      let additional: Record<string, unknown> | undefined;
      if (c.additionalConfig.trim()) {
        try {
          const v = JSON.parse(c.additionalConfig);
          if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error();
          additional = v;
        } catch {
          e[`c${i}add`] = 'Additional Config must be a JSON object';
        }
      }
      out.push({
        ...(c.clientType.trim() ? { clientType: c.clientType.trim() } : {}),
        clientId: c.clientId.trim(),
        clientSecret: c.clientSecret,
        scope: c.scope.split(/[\s,]+/).filter(Boolean),
        forcePKCE: c.forcePKCE,
        ...(additional ? { additionalConfig: additional } : {}),
      });
    });
    if (clients.length > 1 && clients.some((c) => !c.clientType.trim())) e.clients = 'With several clients, each needs a Client Type.';
    if (custom && !f.oidcDiscoveryEndpoint.trim() && !(f.authorizationEndpoint.trim() && f.tokenEndpoint.trim()))
      e.endpoints = 'Give the OIDC Discovery Endpoint, or the Authorization and Token Endpoints.';
    const kv: Record<string, Record<string, string> | null> = {};
    for (const k of ['authorizationEndpointQueryParams', 'tokenEndpointBodyParams', 'userInfoEndpointQueryParams', 'userInfoEndpointHeaders'] as const) {
      try {
        kv[k] = parseKV(f[k]);
      } catch (x) {
        e[k] = (x as Error).message;
      }
    }
    setErrs(e);
    if (Object.keys(e).length) {
      setErr('Please fix the fields marked below.');
      return null;
    }
    setErr('');
    const opt = (s: string) => s.trim() || undefined;
    const map = (userId: string, email: string, emailVerified: string) =>
      userId.trim() || email.trim() || emailVerified.trim()
        ? { userId: opt(userId), email: opt(email), emailVerified: opt(emailVerified) }
        : undefined;
    const fromIdTokenPayload = map(f.idUserId, f.idEmail, f.idEmailVerified);
    const fromUserInfoAPI = map(f.apiUserId, f.apiEmail, f.apiEmailVerified);
    const cfg: ProviderConfig = { ...initial, thirdPartyId: finalId, name: name.trim() || undefined, clients: out, requireEmail };
    // The dashboard's own answer fields are not part of a provider's config.
    delete cfg.isGetAuthorisationRedirectUrlOverridden;
    delete cfg.isExchangeAuthCodeForOAuthTokensOverridden;
    delete cfg.isGetUserInfoOverridden;
    Object.assign(cfg, {
      oidcDiscoveryEndpoint: opt(f.oidcDiscoveryEndpoint),
      authorizationEndpoint: opt(f.authorizationEndpoint),
      authorizationEndpointQueryParams: kv.authorizationEndpointQueryParams ?? undefined,
      tokenEndpoint: opt(f.tokenEndpoint),
      tokenEndpointBodyParams: kv.tokenEndpointBodyParams ?? undefined,
      userInfoEndpoint: opt(f.userInfoEndpoint),
      userInfoEndpointQueryParams: kv.userInfoEndpointQueryParams ?? undefined,
      userInfoEndpointHeaders: kv.userInfoEndpointHeaders ?? undefined,
      jwksURI: opt(f.jwksURI),
      userInfoMap: fromIdTokenPayload || fromUserInfoAPI ? { fromIdTokenPayload, fromUserInfoAPI } : undefined,
    });
    return cfg;
  };

  const save = (e: Event) => {
    e.preventDefault();
    if (!canWrite) return;
    const cfg = build();
    if (!cfg) return;
    act.run(true, async () => {
      const r = await tenantApi.saveProvider(tenantId, cfg);
      if (r.status === 'UNKNOWN_TENANT_ERROR') return 'This tenant does not exist any more.';
      if (r.status === 'BOXY_ERROR') return r.message || 'BoxyHQ refused the configuration.';
      if (r.status !== 'OK') return r.message || `Could not save the provider (${r.status}).`;
      toast.success(`Provider "${cfg.thirdPartyId}" saved`);
      onSaved();
    }, 'Could not save the provider.');
  };

  const area = (k: keyof typeof f, label: string, hint: string) => (
    <div class="field">
      <label for={`pe-${k}`}>{label}</label>
      <textarea
        id={`pe-${k}`}
        rows={2}
        class="code-input"
        value={f[k]}
        spellcheck={false}
        aria-invalid={errs[k] ? 'true' : undefined}
        aria-describedby={`pe-${k}-hint${errs[k] ? ` pe-${k}-err` : ''}`}
        onInput={(e) => set(k)(e.currentTarget.value)}
      />
      <p id={`pe-${k}-hint`} class="field-hint">
        {hint}
      </p>
      {errs[k] && (
        <p id={`pe-${k}-err`} class="field-error">
          {errs[k]}
        </p>
      )}
    </div>
  );

  return (
    <form ref={formRef} class="form provider-form" onSubmit={save} noValidate>
      <FormError text={err} />
      {isNew && !custom ? (
        <>
          <p>
            Third Party Id: <code>{finalId}</code>
          </p>
          <Field
            id="pe-suffix"
            label="Third Party Id suffix (optional)"
            value={suffix}
            error={errs.suffix}
            hint={`To add a second ${initial.thirdPartyId} provider, such as ${initial.thirdPartyId}-staff.`}
            onValue={setSuffix}
          />
        </>
      ) : isNew ? (
        <Field id="pe-tpid" label="Third Party Id" value={tpId} error={errs.tpId} spellcheck={false} autoComplete="off" onValue={setTpId} />
      ) : (
        <p>
          Third Party Id: <code>{finalId}</code>
        </p>
      )}
      {errs.tpId && !(isNew && custom) && <p class="field-error">{errs.tpId}</p>}
      <Field id="pe-name" label="Name" value={name} autoComplete="off" onValue={setName} />

      <fieldset class="fieldset">
        <legend>Clients</legend>
        {errs.clients && <p class="field-error">{errs.clients}</p>}
        {clients.map((c, i) => (
          <div key={i} class="client-box" role="group" aria-label={`Client ${i + 1}`}>
            <Field id={`pe-c${i}-type`} label="Client Type" value={c.clientType} hint="web, android, ios… (needed with several clients)" onValue={(v) => setClient(i, { clientType: v })} />
            <Field id={`pe-c${i}-id`} label="Client ID" value={c.clientId} error={errs[`c${i}id`]} autoComplete="off" spellcheck={false} onValue={(v) => setClient(i, { clientId: v })} />
            <Field
              id={`pe-c${i}-secret`}
              label="Client Secret"
              type="password"
              autoComplete="off"
              value={c.clientSecret}
              hint={canWrite ? undefined : 'Hidden from read-only accounts.'}
              onValue={(v) => setClient(i, { clientSecret: v })}
            />
            <Field id={`pe-c${i}-scope`} label="Scopes" value={c.scope} hint="Separated by spaces or commas." spellcheck={false} onValue={(v) => setClient(i, { scope: v })} />
            <div class="field field-check">
              <input id={`pe-c${i}-pkce`} type="checkbox" checked={c.forcePKCE} onChange={(e) => setClient(i, { forcePKCE: e.currentTarget.checked })} />
              <label for={`pe-c${i}-pkce`}>Force PKCE</label>
            </div>
            <div class="field">
              <label for={`pe-c${i}-add`}>Additional Config</label>
              <textarea
                id={`pe-c${i}-add`}
                rows={2}
                class="code-input"
                spellcheck={false}
                value={c.additionalConfig}
                aria-invalid={errs[`c${i}add`] ? 'true' : undefined}
                aria-describedby={errs[`c${i}add`] ? `pe-c${i}-add-err` : undefined}
                onInput={(e) => setClient(i, { additionalConfig: e.currentTarget.value })}
              />
              {errs[`c${i}add`] && (
                <p id={`pe-c${i}-add-err`} class="field-error">
                  {errs[`c${i}add`]}
                </p>
              )}
            </div>
            {clients.length > 1 && (
              <button type="button" class="btn btn-small btn-danger-outline" onClick={() => setClients((cs) => cs.filter((_, j) => j !== i))}>
                Remove client {i + 1}
              </button>
            )}
          </div>
        ))}
        <button type="button" class="btn btn-small" onClick={() => setClients((cs) => [...cs, { ...EMPTY_CLIENT }])}>
          <PlusIcon />
          <span>Add client</span>
        </button>
      </fieldset>

      <fieldset class="fieldset">
        <legend>Endpoints</legend>
        {errs.endpoints && <p class="field-error">{errs.endpoints}</p>}
        <Field id="pe-oidc" label="OIDC Discovery Endpoint" value={f.oidcDiscoveryEndpoint} spellcheck={false} hint="Or give the endpoints below." onValue={set('oidcDiscoveryEndpoint')} />
        <Field id="pe-auth" label="Authorization Endpoint" value={f.authorizationEndpoint} spellcheck={false} onValue={set('authorizationEndpoint')} />
        {area('authorizationEndpointQueryParams', 'Authorization Endpoint query params', 'One key=value a line.')}
        <Field id="pe-token" label="Token Endpoint" value={f.tokenEndpoint} spellcheck={false} onValue={set('tokenEndpoint')} />
        {area('tokenEndpointBodyParams', 'Token Endpoint body params', 'One key=value a line.')}
        <Field id="pe-userinfo" label="User Info Endpoint" value={f.userInfoEndpoint} spellcheck={false} onValue={set('userInfoEndpoint')} />
        {area('userInfoEndpointQueryParams', 'User Info Endpoint query params', 'One key=value a line.')}
        {area('userInfoEndpointHeaders', 'User Info Endpoint headers', 'One name=value a line.')}
        <Field id="pe-jwks" label="JWKS URI" value={f.jwksURI} spellcheck={false} onValue={set('jwksURI')} />
      </fieldset>

      <fieldset class="fieldset">
        <legend>User info map</legend>
        <p class="field-hint">Where the user’s id, email and email verification are read (dotted paths), from the id token or the user info API.</p>
        <Field id="pe-id-uid" label="From id token: user id" value={f.idUserId} spellcheck={false} onValue={set('idUserId')} />
        <Field id="pe-id-email" label="From id token: email" value={f.idEmail} spellcheck={false} onValue={set('idEmail')} />
        <Field id="pe-id-ev" label="From id token: email verified" value={f.idEmailVerified} spellcheck={false} onValue={set('idEmailVerified')} />
        <Field id="pe-api-uid" label="From user info API: user id" value={f.apiUserId} spellcheck={false} onValue={set('apiUserId')} />
        <Field id="pe-api-email" label="From user info API: email" value={f.apiEmail} spellcheck={false} onValue={set('apiEmail')} />
        <Field id="pe-api-ev" label="From user info API: email verified" value={f.apiEmailVerified} spellcheck={false} onValue={set('apiEmailVerified')} />
        <div class="field field-check">
          <input id="pe-require-email" type="checkbox" checked={requireEmail} onChange={(e) => setRequireEmail(e.currentTarget.checked)} />
          <label for="pe-require-email">The provider always gives an email (require one)</label>
        </div>
      </fieldset>

      <div class="dialog-actions">
        {!isNew && (
          <WriteButton class="btn btn-danger-outline" onClick={() => setDeleting(true)}>
            <TrashIcon />
            <span>Delete provider</span>
          </WriteButton>
        )}
        <button type="button" class="btn" onClick={onClose}>
          Cancel
        </button>
        <WriteButton type="submit" class="btn btn-primary" disabled={act.busy !== null}>
          {act.busy ? 'Saving…' : 'Save'}
        </WriteButton>
      </div>
      {deleting && (
        <ConfirmDialog
          title="Delete provider?"
          confirm="Delete provider"
          busyLabel="Deleting…"
          onClose={() => setDeleting(false)}
          onConfirm={async () => {
            const r = await tenantApi.deleteProvider(tenantId, initial.thirdPartyId);
            if (r.status !== 'OK') return r.message || `Could not delete the provider (${r.status}).`;
            toast.success(`Provider "${initial.thirdPartyId}" deleted`);
            setDeleting(false);
            onSaved();
          }}
        >
          <p>
            Delete the provider <code>{initial.thirdPartyId}</code> of this tenant? Its users can no longer sign in with
            it. If it is the last provider, Third Party is turned off for the tenant.
          </p>
        </ConfirmDialog>
      )}
    </form>
  );
}
