// Capture settings: shared by every tab, kept in storage.local (the background and the
// relays watch that key).
import { useEffect, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import { DEFAULT_SETTINGS, normalizeOriginPattern, parseSettings, SETTINGS_KEY, type CaptureSettings } from '../../../src/recording/policy.ts';

export function SettingsDialog({ onClose }: { onClose: () => void }) {
  const [settings, setSettings] = useState<CaptureSettings>(DEFAULT_SETTINGS);
  const [origins, setOrigins] = useState('');
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    void browser.storage.local.get(SETTINGS_KEY).then((items) => {
      const s = parseSettings(items[SETTINGS_KEY]);
      setSettings(s);
      setOrigins(s.alwaysRecordOrigins.join('\n'));
    });
  }, []);

  const save = async () => {
    const lines = origins.split('\n').map((l) => l.trim()).filter(Boolean);
    const bad = lines.filter((l) => normalizeOriginPattern(l) === null);
    if (bad.length) {
      setError(`Not an origin: ${bad.join(', ')}. Use forms like https://app.example.com, http://localhost:3000 or https://*.example.com.`);
      return;
    }
    const next: CaptureSettings = { ...settings, alwaysRecordOrigins: lines.map((l) => normalizeOriginPattern(l)!) };
    await browser.storage.local.set({ [SETTINGS_KEY]: next });
    onClose();
  };

  return (
    <div class="dialog" role="dialog" aria-label="Capture settings">
      <h2>Capture settings</h2>
      <label class="check">
        <input type="checkbox" checked={settings.captureAll} onChange={(e) => setSettings({ ...settings, captureAll: e.currentTarget.checked })} />
        Capture every WebSocket, not only AppSync Events ones (applies to sockets opened after the change)
      </label>
      <label>
        Keep recording these origins while DevTools is closed (one per line)
        <textarea rows={4} value={origins} placeholder="https://app.example.com" onInput={(e) => setOrigins(e.currentTarget.value)} />
      </label>
      {error && <p class="error">{error}</p>}
      <div class="buttons">
        <button type="button" onClick={() => void save()}>
          Save
        </button>
        <button type="button" onClick={onClose}>
          Cancel
        </button>
      </div>
    </div>
  );
}
