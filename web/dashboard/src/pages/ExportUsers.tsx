// Export buttons of the user list: every user the current search selects (not only the page
// shown), as CSV or JSON, downloaded as a file. The server streams it; the browser saves it.

import { useState } from 'preact/hooks';
import { api } from '../api';
import { errorText, isDenied } from '../errors';
import { announce } from '../ui/announce';
import { toast } from '../ui/toast';

export function ExportUsers({ tenant, query, disabled }: { tenant: string; query: Record<string, string>; disabled?: boolean }) {
  const [busy, setBusy] = useState<'csv' | 'json' | null>(null);
  const run = async (format: 'csv' | 'json') => {
    if (busy) return;
    setBusy(format);
    announce(`Exporting users as ${format.toUpperCase()}…`);
    try {
      const filename = await api.exportUsers(tenant, format, query);
      toast.success(`Exported to ${filename}`);
    } catch (e) {
      if (!isDenied(e)) toast.error(errorText(e, 'Could not export the users.'));
    } finally {
      setBusy(null);
    }
  };
  const label = Object.keys(query).length ? 'the users shown' : 'all users';
  return (
    <div class="export" role="group" aria-label={`Export ${label}`}>
      <span class="muted small">Export {label}:</span>
      {(['csv', 'json'] as const).map((f) => (
        <button
          key={f}
          type="button"
          class="btn btn-small"
          disabled={disabled || busy !== null}
          aria-label={`Export ${label} as ${f.toUpperCase()}`}
          onClick={() => run(f)}
        >
          {busy === f ? 'Exporting…' : f.toUpperCase()}
        </button>
      ))}
    </div>
  );
}
