import { Component, type ReactNode } from 'react';
import { Alert } from '../components/Alert';
import { t } from '../i18n';

interface Props {
  /** A new value (the next draft) clears the error and tries again. */
  resetKey: unknown;
  children: ReactNode;
}

interface State {
  error: unknown;
  resetKey: unknown;
}

/** Keeps a failing preview from taking the whole page (the builder) down with it. */
export class PreviewBoundary extends Component<Props, State> {
  override state: State = { error: null, resetKey: this.props.resetKey };

  static getDerivedStateFromError(error: unknown): Partial<State> {
    return { error: error ?? new Error('Unknown error') };
  }

  static getDerivedStateFromProps(props: Props, state: State): Partial<State> | null {
    return props.resetKey !== state.resetKey ? { error: null, resetKey: props.resetKey } : null;
  }

  override render() {
    if (this.state.error) {
      return (
        <Alert title={t('collect.form.previewFailed')}>
          <p>{this.state.error instanceof Error ? this.state.error.message : t('collect.form.somethingWrong')}</p>
        </Alert>
      );
    }
    return this.props.children;
  }
}
