// The "User metadata" card: the metadata as JSON, and an editor that replaces the whole object.

import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type User } from '../../api';
import { useApp } from '../../context';
import { RESTORED, takeDraft, useDraft } from '../../drafts';
import { DISABLED, useAction, useLoad } from '../../hooks';
import { Card, Status } from '../../ui/Card';
import { FormActions } from '../../ui/forms';
import { JsonView } from '../../ui/JsonView';
import { toast } from '../../ui/toast';
import { WriteButton } from '../../ui/WriteButton';
import { withNames } from './update';

const INVALID = 'User meta data must be a valid JSON object';
const FAILED = 'Could not update user meta data';

/** parseObject returns the JSON object text holds, or null for anything else. */
function parseObject(text: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** namesInText sets first_name and last_name in the JSON object text, if it holds one. */
function namesInText(text: string, first: string, last: string): string {
  const o = parseObject(text);
  return o ? JSON.stringify(withNames(o, first, last), null, 2) : text;
}

export function MetadataCard({ user, onChanged }: { user: User; onChanged: () => void }) {
  const { config } = useApp();
  const md = useLoad<Record<string, unknown>>(async () => {
    if (!config.recipes.usermetadata) return DISABLED;
    const r = await api.metadata(user.id);
    return r.status === 'FEATURE_NOT_ENABLED_ERROR' ? DISABLED : r.data ?? {};
  }, [user.id]);
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState('');
  const [err, setErr] = useState('');
  const act = useAction(setErr, () => setEditing(false));
  const { state, data } = md;

  // Opening the editor focuses it; closing it (Cancel, Save) focuses Edit again.
  const editRef = useRef<HTMLButtonElement>(null);
  const wasEditing = useRef(false);
  const shown = state === 'ok';
  useEffect(() => {
    if (!shown) return;
    if (editing) document.getElementById('metadata-editor')?.focus();
    else if (wasEditing.current) editRef.current?.focus();
    wasEditing.current = editing;
  }, [editing, shown]);

  // An edit cut short by an expired session comes back after signing in again.
  const form = `metadata:${user.id}`;
  useDraft(form, editing && text !== JSON.stringify(data ?? {}, null, 2) ? { text } : null);
  useEffect(() => {
    const d = takeDraft(form);
    if (!d) return;
    setText(d.text ?? '');
    setEditing(true);
    toast.info(RESTORED);
  }, []);

  // The names are metadata too: when "Edit info" changes them, show the new ones, and put
  // them in an open editor, so that saving it does not write the old ones back.
  const names = JSON.stringify([user.firstName ?? '', user.lastName ?? '']);
  const seenNames = useRef(names);
  useEffect(() => {
    if (seenNames.current === names) return;
    seenNames.current = names;
    md.reload();
    setText((t) => namesInText(t, user.firstName ?? '', user.lastName ?? ''));
  }, [names]);

  const startEdit = () => {
    setText(JSON.stringify(data ?? {}, null, 2));
    setErr('');
    setEditing(true);
  };

  const save = (e: Event) => {
    e.preventDefault();
    const parsed = parseObject(text);
    if (!parsed) {
      setErr(INVALID);
      document.getElementById('metadata-editor')?.focus();
      return;
    }
    setErr('');
    act.run(true, async () => {
      const r = await api.setMetadata(user.id, JSON.stringify(parsed));
      if (r.status !== 'OK') return FAILED;
      toast.success('User metadata updated');
      setEditing(false);
      md.reload();
      onChanged();
    }, FAILED);
  };

  return (
    <Card
      title="User metadata"
      id="sec-metadata"
      actions={
        state === 'ok' &&
        !editing && (
          <WriteButton ref={editRef} class="btn btn-small" onClick={startEdit}>
            Edit
          </WriteButton>
        )
      }
    >
      {state === 'disabled' && <p class="alert alert-info">Feature Not Enabled</p>}
      <Status state={state} loading="Loading metadata…" failed="Could not load the user metadata." error={md.error} />
      {state === 'ok' && !editing && <JsonView value={data} />}
      {state === 'ok' && editing && (
        <form class="form" onSubmit={save} noValidate>
          <div class="field">
            <label for="metadata-editor">Metadata (a JSON object; replaces the whole object)</label>
            <textarea
              id="metadata-editor"
              class="code-input"
              rows={Math.min(20, Math.max(6, text.split('\n').length + 1))}
              spellcheck={false}
              value={text}
              onInput={(e) => setText(e.currentTarget.value)}
              aria-invalid={err ? 'true' : undefined}
              aria-describedby={err ? 'metadata-error' : undefined}
            />
            {err && (
              <p id="metadata-error" class="field-error" role="alert">
                {err}
              </p>
            )}
          </div>
          <FormActions onCancel={() => setEditing(false)} label="Save" busyLabel="Saving…" busy={act.busy !== null} />
        </form>
      )}
    </Card>
  );
}
