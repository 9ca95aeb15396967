// Catches a rendering error in one page so the rest of the app (header, sign out) keeps working.

import { Component, type ComponentChildren } from 'preact';

export class ErrorBoundary extends Component<{ children: ComponentChildren }, { failed: boolean }> {
  state = { failed: false };

  static getDerivedStateFromError() {
    return { failed: true };
  }

  componentDidCatch(err: unknown) {
    console.warn('dashboard: a page failed to render', err);
  }

  render() {
    if (!this.state.failed) return this.props.children;
    return (
      <section class="container">
        <h1 id="main-heading" tabIndex={-1}>
          Looks like something went wrong!
        </h1>
        <p>The page could not be shown. Reloading usually helps.</p>
        <button type="button" class="btn btn-primary" onClick={() => location.reload()}>
          Reload the page
        </button>
      </section>
    );
  }
}
