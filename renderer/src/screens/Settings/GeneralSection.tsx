// General settings: what closing the window does, and starting with the computer. Both belong
// to the desktop app; in a browser they are shown, explained and off.
import { Caption1, makeStyles, Switch, tokens } from '@fluentui/react-components';
import type { GeneralSettings } from '../../../../shared/ipc/channels/settings';
import { useHaul } from '../../store';

const useStyles = makeStyles({
  row: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalXXS,
    paddingBlock: tokens.spacingVerticalS,
  },
  hint: { color: tokens.colorNeutralForeground3, paddingLeft: '44px' },
  browser: { margin: 0, color: tokens.colorNeutralForeground2 },
});

export function GeneralSection() {
  const styles = useStyles();
  const view = useHaul((s) => s.settings.view);
  const save = useHaul((s) => s.settings.save);
  const saving = useHaul((s) => s.settings.saving);
  if (!view) return null;
  const desktop = view.host === 'desktop';
  const general = view.settings.general;
  const toggle = (key: keyof GeneralSettings) => (_e: unknown, data: { checked: boolean }) =>
    void save({ general: { [key]: data.checked } });

  return (
    <div>
      {!desktop && (
        <Caption1 as="p" className={styles.browser}>
          These apply to the desktop app. In a browser, Haul runs as long as <code>haul serve</code> does.
        </Caption1>
      )}
      <div className={styles.row}>
        <Switch
          label="Keep tracking jobs when the window is closed"
          checked={general.keepTrackingWhenClosed}
          disabled={!desktop || saving}
          onChange={toggle('keepTrackingWhenClosed')}
          data-testid="setting-keep-tracking"
        />
        <Caption1 className={styles.hint}>
          Haul stays in the tray and still tells you when a job changes. Quit from the tray to stop it.
        </Caption1>
      </div>
      <div className={styles.row}>
        <Switch
          label="Open Haul when I log in"
          checked={general.openAtLogin}
          disabled={!desktop || saving}
          onChange={toggle('openAtLogin')}
          data-testid="setting-open-at-login"
        />
        <Caption1 className={styles.hint}>Haul starts in the tray, so tracking never stops for long.</Caption1>
      </div>
    </div>
  );
}
