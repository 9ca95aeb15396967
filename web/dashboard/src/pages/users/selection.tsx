// The user list's selection: users picked one by one or a page at a time (kept across pages of
// the same list), or every user that matches the list's search and filters. A new search,
// filter or tenant starts with nothing selected, so an action never reaches users not shown.

import { useState } from 'preact/hooks';
import type { User } from '../../api';
import { fullName, primaryEmail, primaryPhone } from '../../format';

/** MAX_PICKED is the most users picked by id (the server's cap on userIds). */
export const MAX_PICKED = 1000;

export interface Selection {
  /** picked are the users selected one by one or by page, by id, in the order picked. */
  picked: Map<string, User>;
  /** all is set when every user that matches is selected (picked then does not count). */
  all: boolean;
  has: (id: string) => boolean;
  toggle: (u: User) => void;
  /** setMany selects or unselects the users (a page). */
  setMany: (users: User[], on: boolean) => void;
  selectAll: () => void;
  clear: () => void;
}

interface State {
  key: string;
  picked: Map<string, User>;
  all: boolean;
}

/**
 * useSelection keeps a selection for the list that key names; a new key starts empty. page is
 * the page shown: unselecting one user of "all that match" keeps the rest of the page.
 */
export function useSelection(key: string, page: User[]): Selection {
  const [st, setSt] = useState<State>({ key, picked: new Map(), all: false });
  const cur = st.key === key ? st : { key, picked: new Map<string, User>(), all: false };
  const update = (f: (s: State) => State) => setSt((s) => f(s.key === key ? s : { key, picked: new Map(), all: false }));
  return {
    picked: cur.picked,
    all: cur.all,
    has: (id) => cur.all || cur.picked.has(id),
    toggle: (u) =>
      update((s) => {
        const picked = new Map(s.all ? page.map((p) => [p.id, p] as const) : s.picked);
        if (s.all || picked.has(u.id)) picked.delete(u.id);
        else if (picked.size < MAX_PICKED) picked.set(u.id, u);
        return { key, picked, all: false };
      }),
    setMany: (users, on) =>
      update((s) => {
        const picked = new Map(s.all ? [] : s.picked);
        for (const u of users) {
          if (!on) picked.delete(u.id);
          else if (picked.size < MAX_PICKED) picked.set(u.id, u);
        }
        return { key, picked, all: false };
      }),
    selectAll: () => update(() => ({ key, picked: new Map(), all: true })),
    clear: () => update(() => ({ key, picked: new Map(), all: false })),
  };
}

/** userLabel is how a row names its user: name, email, phone or id. */
export function userLabel(u: User): string {
  return fullName(u) || primaryEmail(u) || primaryPhone(u) || u.id;
}

/** RowCheck is a row's checkbox, named after its user. */
export function RowCheck({ sel, u }: { sel: Selection; u: User }) {
  return (
    <input
      type="checkbox"
      class="row-check"
      aria-label={`Select ${userLabel(u)}`}
      checked={sel.has(u.id)}
      onChange={() => sel.toggle(u)}
    />
  );
}
