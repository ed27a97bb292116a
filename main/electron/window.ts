// The app window and the rules every web contents lives under: sandboxed, context-isolated, no
// navigation away from our page, no new windows, no webviews, no permissions; links open in the
// system browser only when main produced them (https).
import type { App, BrowserWindow as BrowserWindowType, Session, Shell, WebContents } from 'electron';
import type { ExternalLinks } from '../core/links';

export function secureWebPreferences(preload: string) {
  return {
    preload,
    sandbox: true,
    contextIsolation: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    spellcheck: false,
  } as const;
}

export function hardenContents(contents: WebContents, links: ExternalLinks, shell: Pick<Shell, 'openExternal'>): void {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (links.isAllowed(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
}

export function hardenApp(app: App, session: Session, links: ExternalLinks, shell: Pick<Shell, 'openExternal'>): void {
  app.on('web-contents-created', (_event, contents) => hardenContents(contents, links, shell));
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}

export type { BrowserWindowType };
