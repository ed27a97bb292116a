// The centre's settings tab: each kind on or off, muted jobs, quiet hours, and (in a browser)
// permission for desktop notifications. Every change is saved at once (notifications.settings.set).
import {
  Button,
  Caption1,
  Field,
  Input,
  makeStyles,
  Switch,
  Tag,
  TagGroup,
  Text,
  tokens,
} from '@fluentui/react-components';
import { useState } from 'react';
import {
  NOTICE_KIND_LABEL,
  NOTICE_KINDS,
  clockTime,
  type NotificationSettings,
} from '../../../../shared/notifications/schemas';
import { useHaul } from '../../store';
import { askOnce, webPermission } from './webNotify';

const useStyles = makeStyles({
  pane: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
    maxHeight: '60vh',
    overflowY: 'auto',
    paddingRight: tokens.spacingHorizontalXS,
  },
  kinds: { display: 'flex', flexDirection: 'column' },
  row: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'flex-end', flexWrap: 'wrap' },
  time: { width: '110px' },
  heading: { fontWeight: tokens.fontWeightSemibold, marginTop: tokens.spacingVerticalS },
  hint: { color: tokens.colorNeutralForeground2 },
});

export function NoticeSettings() {
  const styles = useStyles();
  const settings = useHaul((s) => s.notifications.settings);
  const save = useHaul((s) => s.notifications.saveSettings);
  const [permission, setPermission] = useState(webPermission());
  if (!settings) return <Text>Loading the settings…</Text>;
  const change = (next: Partial<NotificationSettings>) => void save({ ...settings, ...next });
  return (
    <div className={styles.pane}>
      <Text className={styles.heading}>Tell me when</Text>
      <div className={styles.kinds}>
        {NOTICE_KINDS.map((k) => (
          <Switch
            key={k}
            label={NOTICE_KIND_LABEL[k]}
            checked={settings.kinds[k] !== false}
            onChange={(_e, d) => change({ kinds: { ...settings.kinds, [k]: d.checked } })}
          />
        ))}
      </div>
      <Caption1 className={styles.hint}>
        Switched off or muted, a notice still lands here, marked read, without a popup.
      </Caption1>

      <MutedJobs settings={settings} change={change} />

      <QuietHours settings={settings} change={change} />

      {permission !== 'unsupported' && permission !== 'granted' && settings && (
        <>
          <Text className={styles.heading}>Desktop popups in this browser</Text>
          {permission === 'denied' ? (
            <Caption1 className={styles.hint}>
              This browser blocks Haul's popups. Allow notifications for this page in the browser's site settings; the
              centre works either way.
            </Caption1>
          ) : (
            <Button onClick={() => void askOnce(true).then(setPermission)}>Allow desktop notifications</Button>
          )}
        </>
      )}
    </div>
  );
}

/** What a part of the settings is given: the settings, and a change to save. */
interface PartProps {
  settings: NotificationSettings;
  change: (next: Partial<NotificationSettings>) => void;
}

/** The jobs muted, each to unmute, and a job to mute by name (the ones with notices offered). */
function MutedJobs({ settings, change }: PartProps) {
  const styles = useStyles();
  const jobNames = useHaul((s) => [...new Set(s.notifications.notices.map((n) => n.jobName))].join('\n'));
  const [job, setJob] = useState('');
  const mute = () => {
    const name = job.trim();
    if (name && !settings.mutedJobs.includes(name)) change({ mutedJobs: [...settings.mutedJobs, name] });
    setJob('');
  };
  return (
    <>
      <Text className={styles.heading}>Muted jobs</Text>
      {settings.mutedJobs.length > 0 && (
        <TagGroup
          aria-label="Muted jobs"
          onDismiss={(_e, d) => change({ mutedJobs: settings.mutedJobs.filter((j) => j !== d.value) })}
        >
          {settings.mutedJobs.map((j) => (
            <Tag key={j} value={j} dismissible dismissIcon={{ 'aria-label': `Unmute ${j}` }}>
              {j}
            </Tag>
          ))}
        </TagGroup>
      )}
      <div className={styles.row}>
        <Field label="Job name">
          <Input
            value={job}
            list="haul-notice-jobs"
            onChange={(_e, d) => setJob(d.value)}
            onKeyDown={(e) => e.key === 'Enter' && mute()}
          />
        </Field>
        <datalist id="haul-notice-jobs">
          {jobNames
            .split('\n')
            .filter(Boolean)
            .map((n) => (
              <option key={n} value={n} />
            ))}
        </datalist>
        <Button onClick={mute} disabled={!job.trim()}>
          Mute
        </Button>
      </div>
    </>
  );
}

/** Quiet hours on or off, and from when to when; a time is kept as typed until it reads as one. */
function QuietHours({ settings, change }: PartProps) {
  const styles = useStyles();
  const [times, setTimes] = useState<{ start?: string; end?: string }>({});
  const time = (which: 'start' | 'end', value: string) => {
    setTimes((t) => ({ ...t, [which]: value }));
    if (clockTime.safeParse(value).success) change({ quietHours: { ...settings.quietHours, [which]: value } });
  };
  const timeError = (which: 'start' | 'end') => {
    const v = times[which];
    return v !== undefined && !clockTime.safeParse(v).success ? 'Use a time such as 22:00' : undefined;
  };
  return (
    <>
      <Text className={styles.heading}>Quiet hours</Text>
      <Switch
        label="No popups during quiet hours (notices wait here, unread)"
        checked={settings.quietHours.enabled}
        onChange={(_e, d) => change({ quietHours: { ...settings.quietHours, enabled: d.checked } })}
      />
      <div className={styles.row}>
        <Field label="From" validationMessage={timeError('start')}>
          <Input
            className={styles.time}
            type="time"
            value={times.start ?? settings.quietHours.start}
            disabled={!settings.quietHours.enabled}
            onChange={(_e, d) => time('start', d.value)}
          />
        </Field>
        <Field label="To" validationMessage={timeError('end')}>
          <Input
            className={styles.time}
            type="time"
            value={times.end ?? settings.quietHours.end}
            disabled={!settings.quietHours.enabled}
            onChange={(_e, d) => time('end', d.value)}
          />
        </Field>
      </div>
    </>
  );
}
