import type { ReactNode } from 'react';

export function Brand({ small = false }: { small?: boolean }) {
  return (
    <div className={small ? 'brand brand-small' : 'brand'} aria-label="Hexcrawl">
      <svg viewBox="0 0 32 32" aria-hidden="true">
        <path d="M9 3h14l8 13-8 13H9L1 16z" fill="#4d8a4f" stroke="#0e1013" strokeWidth="2" />
        <path d="M9 3h14l8 13H1z" fill="#5f9a57" opacity=".55" />
        <circle cx="16" cy="16" r="5" fill="#f2c14e" stroke="#3a2a10" strokeWidth="1.5" />
      </svg>
      <span>Hexcrawl</span>
    </div>
  );
}

export function Screen(props: {
  title?: string;
  children: ReactNode;
  busy?: boolean;
  tone?: 'danger' | 'normal';
  action?: { label: string; onClick: () => void };
  testId?: string;
}) {
  return (
    <main className="screen" data-testid={props.testId}>
      <div className={`card ${props.tone === 'danger' ? 'card-danger' : ''}`}>
        <Brand />
        {props.title && <h1>{props.title}</h1>}
        <p className={props.busy ? 'muted busy' : 'muted'}>
          {props.busy && <span className="spinner" aria-hidden="true" />}
          {props.children}
        </p>
        {props.action && (
          <button className="btn btn-primary" onClick={props.action.onClick}>
            {props.action.label}
          </button>
        )}
      </div>
    </main>
  );
}
