// A tenant's core config (reference/dashboard.md §5.10 "Core Config"): the properties the core
// describes, an "Edit Property" dialog with an input of the property's type, and for a property
// that cannot be edited per tenant, why not.

import { useState } from 'preact/hooks';
import { useAction } from '../../hooks';
import { Card } from '../../ui/Card';
import { Dialog } from '../../ui/Dialog';
import { FormActions, FormError } from '../../ui/forms';
import { toast } from '../../ui/toast';
import { WriteButton } from '../../ui/WriteButton';
import { tenantApi, type CoreConfigField, type TenantInfo } from './tenantApi';

/** whyNotEditable says why a property cannot be edited for this tenant, or "" when it can. */
function whyNotEditable(t: TenantInfo, p: CoreConfigField): string {
  if (p.isPluginProperty && !p.isPluginPropertyEditable)
    return 'This database property is set in the core’s config.yaml or its Docker environment, for every tenant.';
  if (t.tenantId === 'public')
    return 'The public tenant’s values are the app’s: set them in the core’s config.yaml or its Docker environment (or through the core’s app API).';
  if (!p.isDifferentAcrossTenants)
    return 'This property is the same for every tenant of the app: set it in the core’s config.yaml or its Docker environment.';
  return '';
}

function show(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

export function CoreConfigCard({ t, reload }: { t: TenantInfo; reload: () => void }) {
  const [editing, setEditing] = useState<CoreConfigField | null>(null);
  const [why, setWhy] = useState<{ p: CoreConfigField; reason: string } | null>(null);
  const list = t.coreConfig ?? [];
  const normal = list.filter((p) => !p.isPluginProperty);
  const plugin = list.filter((p) => p.isPluginProperty);
  const table = (rows: CoreConfigField[], caption: string) => (
    <div class="table-wrap">
      <table class="table table-stack core-config">
        <caption class="sr-only">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Property name</th>
            <th scope="col">Value</th>
            <th scope="col">
              <span class="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((p) => {
            const reason = whyNotEditable(t, p);
            return (
              <tr key={p.key}>
                <th scope="row" data-label="Property name">
                  <code>{p.key}</code>
                  {p.description && <p class="field-hint">{p.description}</p>}
                </th>
                <td data-label="Value">
                  <code class="break">{show(p.value)}</code>
                </td>
                <td class="actions-cell">
                  {reason ? (
                    <button type="button" class="btn btn-small" aria-label={`Why ${p.key} cannot be edited`} onClick={() => setWhy({ p, reason })}>
                      Why not editable
                    </button>
                  ) : (
                    <WriteButton class="btn btn-small" aria-label={`Edit ${p.key}`} onClick={() => setEditing(p)}>
                      Edit
                    </WriteButton>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
  return (
    <Card title="Core Config" id="tenant-core-config" wide>
      {list.length === 0 ? <p class="muted">The core lists no config properties for this tenant.</p> : normal.length > 0 && table(normal, 'Core config properties')}
      {plugin.length > 0 && (
        <>
          <h3 class="dialog-sub">Database Properties</h3>
          {table(plugin, 'Database properties')}
        </>
      )}
      {editing && (
        <EditProperty
          t={t}
          p={editing}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            reload();
          }}
        />
      )}
      {why && (
        <Dialog title="Property cannot be edited" alert onClose={() => setWhy(null)}>
          <p>
            <code>{why.p.key}</code>: {why.reason}
          </p>
          <div class="dialog-actions">
            <button type="button" class="btn btn-primary" data-autofocus onClick={() => setWhy(null)}>
              OK
            </button>
          </div>
        </Dialog>
      )}
    </Card>
  );
}

function EditProperty({ t, p, onClose, onSaved }: { t: TenantInfo; p: CoreConfigField; onClose: () => void; onSaved: () => void }) {
  const initialNull = p.value === null || p.value === undefined;
  const [isNull, setNull] = useState(initialNull && p.isNullable);
  const start = initialNull ? (p.defaultValue ?? '') : p.value;
  const [v, setV] = useState(p.valueType === 'boolean' ? String(start === true || start === 'true') : show(start === '' ? '' : start));
  const [err, setErr] = useState('');
  const [fieldErr, setFieldErr] = useState('');
  const act = useAction(setErr, onClose);
  const submit = (e: Event) => {
    e.preventDefault();
    let value: unknown = null;
    if (!isNull) {
      if (p.valueType === 'number') {
        const n = Number(v);
        if (v.trim() === '' || !Number.isFinite(n)) return setFieldErr('Enter a number');
        value = n;
      } else if (p.valueType === 'boolean') value = v === 'true';
      else value = v;
    }
    setFieldErr('');
    act.run(true, async () => {
      const r = await tenantApi.setCoreConfig(t.tenantId, p.key, value);
      if (r.status === 'INVALID_CONFIG_ERROR') {
        setFieldErr(r.message || 'The core refused this value.');
        return;
      }
      if (r.status === 'UNKNOWN_TENANT_ERROR') return 'This tenant does not exist any more.';
      if (r.status !== 'OK') return r.message || `Could not save the property (${r.status}).`;
      toast.success(`${p.key} saved`);
      onSaved();
    }, 'Could not save the property.');
  };
  const describedBy = ['cc-hint', fieldErr ? 'cc-err' : ''].filter(Boolean).join(' ');
  return (
    <Dialog title="Edit Property" onClose={onClose}>
      <form class="form" onSubmit={submit} noValidate>
        <FormError text={err} />
        <div class="field">
          <label for="cc-value">{p.key}</label>
          {p.possibleValues?.length || p.valueType === 'boolean' ? (
            <select id="cc-value" value={v} disabled={isNull} aria-describedby={describedBy} onChange={(e) => setV(e.currentTarget.value)}>
              {(p.valueType === 'boolean' ? ['true', 'false'] : p.possibleValues!).map((o) => (
                <option key={o} value={o}>
                  {o}
                </option>
              ))}
            </select>
          ) : (
            <input
              id="cc-value"
              type={(p.valueType === 'number' ? 'number' : 'text') as 'text'}
              inputMode={p.valueType === 'number' ? 'decimal' : undefined}
              value={v}
              disabled={isNull}
              spellcheck={false}
              aria-invalid={fieldErr ? 'true' : undefined}
              aria-describedby={describedBy}
              onInput={(e) => setV(e.currentTarget.value)}
            />
          )}
          <p id="cc-hint" class="field-hint">
            {p.description || `A ${p.valueType}.`} Default: <code>{show(p.defaultValue)}</code>
          </p>
          {fieldErr && (
            <p id="cc-err" class="field-error">
              {fieldErr}
            </p>
          )}
        </div>
        {p.isNullable && (
          <div class="field field-check">
            <input id="cc-null" type="checkbox" checked={isNull} onChange={(e) => setNull(e.currentTarget.checked)} />
            <label for="cc-null">Set value as null</label>
          </div>
        )}
        <FormActions onCancel={onClose} label="Save" busyLabel="Saving…" busy={act.busy !== null} />
      </form>
    </Dialog>
  );
}
