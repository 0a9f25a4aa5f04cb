'use client';

import { useEffect, useSyncExternalStore } from 'react';
import { Icon, type IconName } from './icons';
import { THEMES, THEME_STORAGE_KEY, applyTheme, type Theme } from './theme';

const LABELS: Record<Theme, { label: string; icon: IconName }> = {
  light: { label: 'Light', icon: 'sun' },
  dark: { label: 'Dark', icon: 'moon' },
  system: { label: 'System', icon: 'monitor' },
};

const listeners = new Set<() => void>();

function subscribe(listener: () => void) {
  listeners.add(listener);
  const onStorage = (event: StorageEvent) => event.key === THEME_STORAGE_KEY && listener();
  window.addEventListener('storage', onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('storage', onStorage);
  };
}

function readTheme(): Theme {
  const stored = window.localStorage.getItem(THEME_STORAGE_KEY);
  return (THEMES as readonly string[]).includes(stored ?? '') ? (stored as Theme) : 'system';
}

function saveTheme(theme: Theme) {
  if (theme === 'system') window.localStorage.removeItem(THEME_STORAGE_KEY);
  else window.localStorage.setItem(THEME_STORAGE_KEY, theme);
  for (const listener of listeners) listener();
}

export function ToggleTheme() {
  const theme = useSyncExternalStore(subscribe, readTheme, () => 'system' as Theme);

  useEffect(() => {
    applyTheme(theme);
    if (theme !== 'system') return;
    const media = window.matchMedia('(prefers-color-scheme: dark)');
    const follow = () => applyTheme('system');
    media.addEventListener('change', follow);
    return () => media.removeEventListener('change', follow);
  }, [theme]);

  return (
    <div role="radiogroup" aria-label="Theme" className="inline-flex rounded-md border border-zinc-200 bg-zinc-100 p-0.5 dark:border-zinc-800 dark:bg-zinc-900">
      {THEMES.map((option) => {
        const selected = option === theme;
        return (
          <button
            key={option}
            type="button"
            role="radio"
            aria-checked={selected}
            title={LABELS[option].label}
            onClick={() => saveTheme(option)}
            className={
              'rounded px-2 py-1 transition-colors focus-visible:ring-2 focus-visible:ring-zinc-400 focus-visible:outline-none ' +
              (selected
                ? 'bg-white text-zinc-900 shadow-xs dark:bg-zinc-700 dark:text-zinc-50'
                : 'text-zinc-500 hover:text-zinc-900 dark:hover:text-zinc-100')
            }
          >
            <Icon name={LABELS[option].icon} className="size-4" />
            <span className="sr-only">{LABELS[option].label}</span>
          </button>
        );
      })}
    </div>
  );
}
