// Small inline icons (no icon font, nothing fetched).
import type { ReactNode } from 'react';

function I({ children, size = 20 }: { children: ReactNode; size?: number }) {
  return (
    <svg viewBox="0 0 24 24" width={size} height={size} fill="none" stroke="currentColor" strokeWidth="1.9" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
      {children}
    </svg>
  );
}

export const Icon = {
  select: () => (
    <I>
      <path d="M5 3l14 8-6 1.6L9.5 19z" />
    </I>
  ),
  brush: () => (
    <I>
      <path d="M19 3l2 2-9.5 9.5-2-2z" />
      <path d="M9.5 12.5c-2 0-3.5 1.5-3.5 3.5 0 1.2-.8 2.2-2 2.5 1 1 2.3 1.5 3.7 1.5 2.6 0 4.3-1.9 4.3-4.1" />
    </I>
  ),
  fill: () => (
    <I>
      <path d="M4 11l7-7 8 8-7 7z" />
      <path d="M4 11h15" />
      <path d="M20 15s1.5 2 1.5 3a1.5 1.5 0 01-3 0c0-1 1.5-3 1.5-3z" />
    </I>
  ),
  reveal: () => (
    <I>
      <path d="M2 12s3.5-7 10-7 10 7 10 7-3.5 7-10 7S2 12 2 12z" />
      <circle cx="12" cy="12" r="3" />
    </I>
  ),
  hide: () => (
    <I>
      <path d="M3 3l18 18" />
      <path d="M10.6 5.1A10 10 0 0112 5c6.5 0 10 7 10 7a17 17 0 01-3.2 4M6.6 6.6C3.9 8.3 2 12 2 12s3.5 7 10 7a9.6 9.6 0 005.4-1.6" />
      <path d="M9.9 9.9a3 3 0 004.2 4.2" />
    </I>
  ),
  token: () => (
    <I>
      <path d="M6 21V4" />
      <path d="M6 4h11l-2.5 4L17 12H6" />
    </I>
  ),
  marker: () => (
    <I>
      <path d="M12 21s-6.5-6.2-6.5-11a6.5 6.5 0 0113 0c0 4.8-6.5 11-6.5 11z" />
      <circle cx="12" cy="10" r="2.4" />
    </I>
  ),
  travel: () => (
    <I>
      <path d="M4 19c3-1 4-4 7-5s5 0 9-6" />
      <path d="M16 5l4 3-3 4" />
      <circle cx="5" cy="19" r="1.5" />
    </I>
  ),
  undo: () => (
    <I>
      <path d="M9 14L4 9l5-5" />
      <path d="M4 9h10.5a5.5 5.5 0 010 11H11" />
    </I>
  ),
  redo: () => (
    <I>
      <path d="M15 14l5-5-5-5" />
      <path d="M20 9H9.5a5.5 5.5 0 000 11H13" />
    </I>
  ),
  chevron: () => (
    <I size={16}>
      <path d="M6 9l6 6 6-6" />
    </I>
  ),
  play: () => (
    <I size={16}>
      <path d="M7 4l13 8-13 8z" fill="currentColor" />
    </I>
  ),
  pause: () => (
    <I size={16}>
      <path d="M7 4v16M17 4v16" strokeWidth="3" />
    </I>
  ),
  stop: () => (
    <I size={16}>
      <rect x="5" y="5" width="14" height="14" rx="2" fill="currentColor" />
    </I>
  ),
  x: () => (
    <I size={16}>
      <path d="M6 6l12 12M18 6L6 18" />
    </I>
  ),
  eye: () => (
    <I size={16}>
      <path d="M2 12s3.5-7 10-7 10 7 10 7-3.5 7-10 7S2 12 2 12z" />
      <circle cx="12" cy="12" r="3" />
    </I>
  ),
  plus: () => (
    <I size={16}>
      <path d="M12 5v14M5 12h14" />
    </I>
  ),
  fit: () => (
    <I size={18}>
      <path d="M4 9V4h5M20 9V4h-5M4 15v5h5M20 15v5h-5" />
    </I>
  ),
  copy: () => (
    <I size={16}>
      <rect x="8" y="8" width="12" height="12" rx="2" />
      <path d="M16 8V5a1 1 0 00-1-1H5a1 1 0 00-1 1v10a1 1 0 001 1h3" />
    </I>
  ),
  external: () => (
    <I size={16}>
      <path d="M14 4h6v6M20 4l-9 9M18 14v5a1 1 0 01-1 1H5a1 1 0 01-1-1V7a1 1 0 011-1h5" />
    </I>
  ),
};
