// The DevTools page: registers the panel and nothing else (it lives as long as DevTools).
import browser from 'webextension-polyfill';

void browser.devtools.panels.create('AppSync Events', '/extension/icons/icon-48.png', '/extension/panel/panel.html');
