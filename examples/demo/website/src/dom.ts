// Small DOM helpers: elements are built with el(), never from HTML
// strings, so user data can never become markup.

type Attrs = Record<string, string | ((e: Event) => unknown)>;

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (typeof v === 'function') node.addEventListener(k.replace(/^on/, ''), v);
    else node.setAttribute(k, v);
  }
  node.append(...children);
  return node;
}

export interface Field {
  row: HTMLElement;
  input: HTMLInputElement;
  error: HTMLElement;
}

// field is a labelled input with its own error line, tied together for
// screen readers.
export function field(id: string, label: string, type: string, autocomplete: string): Field {
  const input = el('input', { id, name: id, type, autocomplete, required: '', 'aria-describedby': `${id}-error` });
  const error = el('p', { id: `${id}-error`, class: 'field-error', 'aria-live': 'polite' });
  return { row: el('div', { class: 'row' }, el('label', { for: id }, label), input, error), input, error };
}

export function formError(): HTMLElement {
  return el('p', { class: 'form-error', role: 'alert' });
}

export function setBusy(button: HTMLButtonElement, busy: boolean): void {
  button.disabled = busy;
  button.setAttribute('aria-busy', String(busy));
}

// fieldErrors shows the backend's per-field validation messages.
export function fieldErrors(errors: { id: string; error: string }[], fields: Record<string, Field>): void {
  for (const f of Object.values(fields)) {
    f.error.textContent = '';
    f.input.removeAttribute('aria-invalid');
  }
  let first: HTMLInputElement | undefined;
  for (const { id, error } of errors) {
    const f = fields[id];
    if (!f) continue;
    f.error.textContent = error;
    f.input.setAttribute('aria-invalid', 'true');
    first ??= f.input;
  }
  first?.focus();
}
