// The theme choice: forced by the URL, DevTools' theme name, its change event, else none
// (panel.css then follows prefers-color-scheme).
import { describe, expect, test } from 'vitest';
import { followTheme, themeFromName, type Theme } from '../../../extension/panel/theme-choice.ts';

describe('theme', () => {
  test('DevTools names map to the panel themes', () => {
    expect(themeFromName('dark')).toBe('dark');
    expect(themeFromName('default')).toBe('light');
    expect(themeFromName('light')).toBe('light');
    expect(themeFromName('solarized')).toBeNull();
    expect(themeFromName(undefined)).toBeNull();
  });

  test('follows themeName and its change event', () => {
    const seen: (Theme | null)[] = [];
    let fire: (name: string) => void = () => {};
    followTheme('', { themeName: 'default', onThemeChanged: { addListener: (fn) => (fire = fn) } }, (t) => seen.push(t));
    fire('dark');
    fire('default');
    expect(seen).toEqual(['light', 'dark', 'light']);
  });

  test('without DevTools (Chrome without an event, or a plain page) it is set once or left to the OS', () => {
    const once: (Theme | null)[] = [];
    followTheme('', { themeName: 'dark' }, (t) => once.push(t));
    expect(once).toEqual(['dark']);
    const none: (Theme | null)[] = [];
    followTheme('?tabId=3', undefined, (t) => none.push(t));
    expect(none).toEqual([null]);
  });

  test('?theme= forces a theme and ignores DevTools', () => {
    const seen: (Theme | null)[] = [];
    let listened = false;
    followTheme('?theme=dark', { themeName: 'default', onThemeChanged: { addListener: () => (listened = true) } }, (t) => seen.push(t));
    expect(seen).toEqual(['dark']);
    expect(listened).toBe(false);
  });
});
