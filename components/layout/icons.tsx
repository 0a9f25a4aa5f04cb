import type { SVGProps } from 'react';

const PATHS = {
  overview: 'M4 4h7v7H4zM13 4h7v7h-7zM4 13h7v7H4zM13 13h7v7h-7z',
  experience: 'M4 5h16v11H9l-5 4zM8 9h8M8 12h5',
  ai: 'M7 7h10v10H7zM10 3v4M14 3v4M10 17v4M14 17v4M3 10h4M3 14h4M17 10h4M17 14h4',
  system: 'M3 12h4l3-7 4 14 3-7h4',
  logs: 'M4 6h16M4 10h16M4 14h10M4 18h13',
  settings: 'M4 6h9M17 6h3M4 12h3M11 12h9M4 18h11M19 18h1M15 4v4M9 10v4M17 16v4',
  alerts: 'M6 17V11a6 6 0 1 1 12 0v6l2 2H4zM10 21h4',
  sun: 'M12 8a4 4 0 1 0 0 8 4 4 0 0 0 0-8zM12 2v2M12 20v2M4.9 4.9l1.4 1.4M17.7 17.7l1.4 1.4M2 12h2M20 12h2M4.9 19.1l1.4-1.4M17.7 6.3l1.4-1.4',
  moon: 'M20 14.5A8 8 0 0 1 9.5 4 8 8 0 1 0 20 14.5z',
  monitor: 'M3 5h18v11H3zM8 20h8M12 16v4',
  menu: 'M4 6h16M4 12h16M4 18h16',
  close: 'M6 6l12 12M18 6L6 18',
  signOut: 'M15 4h4v16h-4M10 8l-4 4 4 4M6 12h10',
  chevron: 'M8 10l4 4 4-4',
  logo: 'M4 13a8 8 0 1 1 3.5 6.6L4 21l1.2-3.7A8 8 0 0 1 4 13zM8 13h2l1.5-3 2 6 1.5-3h1',
} as const;

export type IconName = keyof typeof PATHS;

export function Icon({ name, className = 'size-5', ...props }: { name: IconName } & SVGProps<SVGSVGElement>) {
  return (
    <svg
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.75}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      className={className}
      {...props}
    >
      <path d={PATHS[name]} />
    </svg>
  );
}
