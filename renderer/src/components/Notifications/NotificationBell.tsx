// The bell in the header: the unread count, and the notification centre in a popover — the last
// 200 notices (click one to open its job), the tracker's freshness, and a settings tab.
import {
  Button,
  CounterBadge,
  makeStyles,
  Popover,
  PopoverSurface,
  PopoverTrigger,
  Tab,
  TabList,
  tokens,
} from '@fluentui/react-components';
import { AlertRegular } from '@fluentui/react-icons';
import { useState } from 'react';
import { useHaul } from '../../store';
import { NoticeList } from './NoticeList';
import { NoticeSettings } from './NoticeSettings';
import { TrackerLine } from './TrackerLine';
import { askOnce } from './webNotify';

const useStyles = makeStyles({
  wrap: { position: 'relative', display: 'inline-flex' },
  bell: { color: tokens.colorNeutralForegroundOnBrand, ':hover': { color: tokens.colorNeutralForegroundOnBrand } },
  badge: { position: 'absolute', top: '-8px', right: '-10px', pointerEvents: 'none' },
  surface: {
    width: 'min(420px, calc(100vw - 32px))',
    padding: tokens.spacingHorizontalM,
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalXS,
  },
});

export function NotificationBell() {
  const styles = useStyles();
  const unread = useHaul((s) => s.notifications.unread);
  const [open, setOpen] = useState(false);
  const [tab, setTab] = useState<'notices' | 'settings'>('notices');
  const label = unread ? `Notifications, ${unread} unread` : 'Notifications';
  return (
    <Popover
      open={open}
      onOpenChange={(_e, d) => {
        setOpen(d.open);
        if (d.open) void askOnce();
      }}
      positioning="below-end"
      trapFocus
    >
      <PopoverTrigger disableButtonEnhancement>
        <Button
          appearance="transparent"
          className={styles.bell}
          icon={
            <span className={styles.wrap}>
              <AlertRegular fontSize={22} />
              {unread > 0 && (
                <CounterBadge
                  className={styles.badge}
                  count={unread}
                  overflowCount={99}
                  size="small"
                  color="danger"
                  aria-hidden
                  data-testid="unread-count"
                />
              )}
            </span>
          }
          aria-label={label}
          title={label}
          data-testid="notification-bell"
        />
      </PopoverTrigger>
      <PopoverSurface className={styles.surface} aria-label="Notification centre" data-testid="notification-centre">
        <TabList size="small" selectedValue={tab} onTabSelect={(_e, d) => setTab(d.value as 'notices' | 'settings')}>
          <Tab value="notices">Notifications{unread ? ` (${unread})` : ''}</Tab>
          <Tab value="settings">Settings</Tab>
        </TabList>
        <TrackerLine />
        {tab === 'notices' ? <NoticeList onOpen={() => setOpen(false)} /> : <NoticeSettings />}
      </PopoverSurface>
    </Popover>
  );
}
