/**
 * A part of the window that fails to draw shows what went wrong in its place, instead of taking
 * the whole window down to a blank page; the rest of the window goes on working.
 */
import { Component, type ReactNode } from 'react';
import i18next from '../i18n';

interface Props {
  /** What this part is, for the message (“the editor”). */
  what: string;
  children: ReactNode;
}

export class ErrorBoundary extends Component<Props, { error: Error | null }> {
  override state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: Error): { error: Error } {
    return { error };
  }

  override componentDidCatch(error: Error): void {
    console.error(`Loupe: ${this.props.what} failed to draw`, error);
  }

  override render(): ReactNode {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <div className="part-failed" role="alert">
        <p>{i18next.t('error.partFailed', { what: this.props.what, message: error.message })}</p>
        <button type="button" onClick={() => this.setState({ error: null })}>
          {i18next.t('error.tryAgain')}
        </button>
      </div>
    );
  }
}
